/**
 * One log line when a dependency stops answering and one when it answers again, not one
 * per request in between: while Redis or Phoenix is down, every turn, vote and reconnect
 * attempt would otherwise add a line (node-redis emits `error` on each failed reconnect,
 * every couple of seconds). A failure of another kind (down, then 401) is news: its own line.
 */

export type OutageFailure = { kind: string; detail: string };

/** What the log says: the line for a failure, and the line once it answers again. */
export type OutageLines<F extends OutageFailure> = { failed: (failure: F) => string; recovered: string };

export type OutageLog<F extends OutageFailure = OutageFailure> = {
  /** Logs only on the first failure after being up, or on a failure of another kind. */
  failed(failure: F): void;
  /** Logs only if the last thing logged was a failure. */
  succeeded(): void;
  readonly isDown: boolean;
};

export function createOutageLog<F extends OutageFailure>(
  lines: OutageLines<F>,
  log: Pick<Console, "warn" | "info"> = console,
): OutageLog<F> {
  let failing: string | null = null;
  return {
    failed(failure) {
      if (failing === failure.kind) return;
      failing = failure.kind;
      log.warn(lines.failed(failure));
    },
    succeeded() {
      if (failing === null) return;
      failing = null;
      log.info(lines.recovered);
    },
    get isDown() {
      return failing !== null;
    },
  };
}
