import { ClientOfflineError, createClient } from "redis";
import { createOutageLog } from "@/lib/log/outage-log";
import type { Script } from "./redis-scripts";

/**
 * The limiter's one connection to Redis, and how it fails: every call has a short time
 * limit; a call that fails or times out is reported to the caller, who lets the request
 * through (fail open). The log says so once, and once more when Redis answers again.
 */

export type RedisConnectionOptions = {
  /** `redis://` or `rediss://` (TLS), with credentials if any: what Vercel's marketplace Redis puts in REDIS_URL. */
  url: string;
  /** Time limit of each Redis call. */
  timeoutMs: number;
  /** How long the first connection may take before a request runs unchecked. Default 1 s (a TLS handshake on a cold start). */
  connectWaitMs?: number;
  /** Where the outage and recovery lines go. Default `console.warn`. */
  log?: (line: string) => void;
};

export type RedisConnection = {
  /** Runs a script (EVALSHA, or EVAL once after a restart forgot it). Throws when Redis cannot answer now. */
  run(script: Script, keys: string[], args: (string | number)[]): Promise<unknown>;
  /**
   * One plain command; never throws: a failure is answered with `undefined`, and logged as an
   * outage unless `quiet`. Never declares a recovery: that is the checks' to say ("the first
   * turn it checks logs the recovery"), not a release's that happened to get through.
   */
  command(args: string[], options?: { quiet?: boolean }): Promise<unknown>;
  /** Whether a request may try Redis now; false while it is failing, except for one probe a second. */
  mayTry(): boolean;
  /** Records a failure of `run` (the caller then fails open). */
  failed(error: unknown): void;
  close(): Promise<void>;
};

/** While Redis is failing, one request a second tries it; the others run unchecked at once instead of each waiting out the time limit. */
const PROBE_EVERY_MS = 1_000;

export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const log = options.log ?? ((line) => console.warn(line));
  const outage = createOutageLog(
    {
      failed: ({ detail }) => `[limits] Redis unreachable (${detail}): nothing is limited until it answers again (fail open)`,
      recovered: "[limits] Redis answers again: the limits hold again",
    },
    { warn: log, info: log },
  );
  // One kind: whatever the reason, Redis being down is said once until it answers again.
  const down = (error: unknown) => outage.failed({ kind: "unreachable", detail: describeFailure(error) });
  let nextProbeAt = 0;

  const client = createClient({
    url: options.url,
    // Without this, commands sent while disconnected wait in a queue until Redis is back: requests would hang.
    disableOfflineQueue: true,
    socket: {
      // node-redis's default gives up for good after a socket timeout, leaving a closed client
      // that fails every request open forever. Ours keeps trying, at most every 2 s.
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100),
    },
  });
  // node-redis emits `error` on every failed reconnect attempt; an unheard `error` event would crash the process.
  client.on("error", down);
  // A fresh connection: the next request tries Redis right away instead of waiting for its probe slot.
  client.on("ready", () => (nextProbeAt = 0));

  const connectWaitMs = options.connectWaitMs ?? 1_000;
  let firstConnection: Promise<boolean> | undefined;
  /** Connects on first use; the first request waits (up to `connectWaitMs`), later ones never wait for a reconnect. */
  const connected = async (): Promise<boolean> => {
    if (client.isReady) return true;
    if (!firstConnection) {
      firstConnection = new Promise<boolean>((resolve) => {
        client.once("ready", () => resolve(true));
        client.once("error", () => resolve(false));
      });
      // Settles only once connected (it retries on its own); the outcome is read from the events above.
      client.connect().catch(() => undefined);
    }
    return deadline(firstConnection, connectWaitMs).catch(() => false);
  };

  /**
   * One Redis call with our time limit. Not node-redis's `timeout` option: it only covers
   * the wait to be written to the socket, so a Redis that hangs after reading the command
   * would hold the request forever. A late reply settles the abandoned promise harmlessly.
   */
  const send = async (args: string[]) => {
    if (!(await connected())) throw new ClientOfflineError();
    return deadline(client.sendCommand(args), options.timeoutMs);
  };

  const failed = (error: unknown) => {
    down(error);
    nextProbeAt = Date.now() + PROBE_EVERY_MS;
  };

  return {
    async run(script, keys, args) {
      const call = (command: "EVALSHA" | "EVAL", body: string) =>
        send([command, body, String(keys.length), ...keys, ...args.map(String)]);
      let reply: unknown;
      try {
        reply = await call("EVALSHA", script.sha1);
      } catch (error) {
        // A restarted Redis has forgotten the script: send it whole once, and it is cached again.
        if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
        reply = await call("EVAL", script.body);
      }
      outage.succeeded();
      return reply;
    },
    async command(args, { quiet = false } = {}) {
      try {
        return await send(args);
      } catch (error) {
        // Not `failed()`: a command does not move the checks' probe slot.
        if (!quiet) down(error);
        return undefined;
      }
    },
    mayTry: () => !(outage.isDown && Date.now() < nextProbeAt),
    failed,
    async close() {
      if (!client.isOpen) return;
      // `close()` waits for pending commands, which a hung Redis never answers; a client
      // still trying to connect has none worth waiting for.
      if (client.isReady) await deadline(client.close(), options.timeoutMs).catch(() => client.destroy());
      else client.destroy();
    },
  };
}

class NoAnswer extends Error {
  override name = "NoAnswer";
}

function deadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A short reason for the log line; never the URL, which may hold a password. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof ClientOfflineError) return "not connected";
  // Node reports a refused `localhost` (tried as ::1 and 127.0.0.1) as an AggregateError with no message.
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === "string" ? code : error.name);
}
