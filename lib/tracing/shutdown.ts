/**
 * Exports the queued spans when the process is told to stop (SIGTERM on every deploy
 * and restart, SIGINT on Ctrl+C). The batch processor exports every few seconds;
 * without this, the turns of those last seconds never reach Phoenix.
 *
 * Two rules keep it from changing how the process stops:
 * - It never hangs: the flush gets `timeoutMs`, then the process stops anyway.
 * - It never swallows the exit. If nobody else handles the signal, ours flushes and
 *   then re-raises it, so the process dies of it as before (exit status 128 + n).
 *   If someone else does (`next start` closes its server, waits for open requests,
 *   then calls `process.exit(143)`), their shutdown runs unchanged; only their final
 *   `process.exit` waits for one last flush, so the spans of requests that finished
 *   during their shutdown are exported too.
 */

export type ShutdownFlushOptions = {
  /** Default `["SIGTERM", "SIGINT"]`. */
  signals?: NodeJS.Signals[];
  /** The longest a shutdown waits for the collector. Default 5,000 ms. */
  timeoutMs?: number;
  log?: Pick<Console, "info" | "warn">;
};

type Flushable = { forceFlush(): Promise<void> };

/** Installs the signal handlers; returns a function that removes them. */
export function flushOnShutdown(processor: Flushable, options: ShutdownFlushOptions = {}): () => void {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const timeoutMs = options.timeoutMs ?? 5_000;
  const log = options.log ?? console;
  let shuttingDown = false;

  // One flush at a time: a batch processor's second forceFlush resolves at once while the
  // first one's export is still on the wire, and an exit right then would cut it off.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    inFlight = inFlight.then(() => processor.forceFlush()).catch(() => undefined);
    return withTimeout(inFlight, timeoutMs).then((finished) => {
      if (!finished) log.warn(`[tracing] gave up exporting spans after ${timeoutMs} ms; the collector did not answer`);
    });
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info(`[tracing] ${signal}: exporting queued spans (at most ${timeoutMs} ms)`);
    const othersHandle = process.listeners(signal).some((listener) => listener !== onSignal);
    if (othersHandle) {
      deferExitUntil(flush);
      void flush();
      return;
    }
    void flush().then(() => {
      uninstall();
      process.kill(process.pid, signal);
    });
  };

  const uninstall = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  return uninstall;
}

/** The next `process.exit(code)` first runs `beforeExit` (already time-limited), then exits with the same code. */
function deferExitUntil(beforeExit: () => Promise<void>): void {
  const exit = process.exit.bind(process);
  let exiting = false;
  process.exit = ((code?: number | string | null) => {
    if (exiting) return undefined as never;
    exiting = true;
    void beforeExit().finally(() => exit(code ?? process.exitCode));
    return undefined as never;
  }) as typeof process.exit;
}

/** Resolves true when `promise` settled in time, false when `ms` passed first. */
function withTimeout(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
