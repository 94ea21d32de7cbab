import { randomUUID } from "node:crypto";
import { ClientOfflineError, createClient } from "redis";
import type { Tier } from "@/lib/session/chat-session";
import { createOutageLog } from "./outage-log";
import { TURN_LIMIT_SCRIPT, TURN_LIMIT_SCRIPT_SHA1, turnKeys, type ScriptReply } from "./redis-turn-script";
import { DEFAULT_LEASE_SECONDS, type AcquireResult, type TurnLimiter, type TurnLimits, type TurnPermit } from "./turn-limiter";

/**
 * Turn limits counted in Redis, so every instance of the app shares one budget per
 * user. One round trip per turn (a Lua script), one more to release its slot.
 *
 * Redis down or slow never stops the chat: each call has a short time limit, and a
 * turn the limiter could not check runs anyway (`checked: false`). The log says so
 * once, and once more when Redis answers again.
 */

export type RedisTurnLimiterOptions = TurnLimits & {
  /** `redis://` or `rediss://` (TLS), with credentials if any: what Vercel's marketplace Redis puts in REDIS_URL. */
  url: string;
  /** Time limit of each Redis call; past it the turn runs unchecked. */
  timeoutMs: number;
  /** How long the first connection may take before a turn runs unchecked. Default 1 s (a TLS handshake on a cold start). */
  connectWaitMs?: number;
  /** How long a never-released turn keeps its slot (an instance that crashed mid-turn). Default 6 minutes. */
  leaseSeconds?: number;
  /** Prefix of the keys, for sharing one Redis with other apps. Default `chat:limits:`. */
  keyPrefix?: string;
  /** Where the outage and recovery lines go. Default `console.warn`. */
  log?: (line: string) => void;
};

/** While Redis is failing, one turn a second tries it; the others run unchecked at once instead of each waiting out the time limit. */
const PROBE_EVERY_MS = 1_000;

export function createRedisTurnLimiter(options: RedisTurnLimiterOptions): TurnLimiter {
  const leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  const prefix = options.keyPrefix ?? "chat:limits:";
  const outage = createOutageLog("Redis", options.log ?? ((line) => console.warn(line)));
  let nextProbeAt = 0;

  const client = createClient({
    url: options.url,
    // Without this, commands sent while disconnected wait in a queue until Redis is back: turns would hang.
    disableOfflineQueue: true,
    socket: {
      // node-redis's default gives up for good after a socket timeout, leaving a closed client
      // that fails every turn open forever. Ours keeps trying, at most every 2 s.
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100),
    },
  });
  // node-redis emits `error` on every failed reconnect attempt; an unheard `error` event would crash the process.
  client.on("error", (error: unknown) => outage.down(describeFailure(error)));
  // A fresh connection: the next turn tries Redis right away instead of waiting for its probe slot.
  client.on("ready", () => (nextProbeAt = 0));

  const connectWaitMs = options.connectWaitMs ?? 1_000;
  let firstConnection: Promise<boolean> | undefined;
  /**
   * Connects on first use. The first turn waits (up to `connectWaitMs`) for the first
   * connection to succeed or fail; later turns never wait for a reconnect.
   */
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
    return withTimeout(firstConnection, connectWaitMs, false);
  };

  /**
   * One Redis call with our time limit. Not node-redis's `timeout` option: it only covers
   * the wait to be written to the socket, so a Redis that hangs after reading the command
   * would hold the turn forever. A late reply settles the abandoned promise harmlessly.
   */
  const call = (args: string[]) => deadline(client.sendCommand(args), options.timeoutMs);

  const runScript = async (keys: string[], args: string[]): Promise<ScriptReply> => {
    const send = (command: "EVALSHA" | "EVAL", body: string) => call([command, body, String(keys.length), ...keys, ...args]);
    try {
      return (await send("EVALSHA", TURN_LIMIT_SCRIPT_SHA1)) as unknown as ScriptReply;
    } catch (error) {
      // A restarted Redis has forgotten the script: send it whole once, and it is cached again.
      if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
      return (await send("EVAL", TURN_LIMIT_SCRIPT)) as unknown as ScriptReply;
    }
  };

  const release = (runningKey: string, turnId: string): TurnPermit["release"] => {
    let released = false;
    return async () => {
      if (released || !client.isReady) return;
      released = true;
      // If this fails the lease frees the slot later; nothing to tell the user.
      await call(["ZREM", runningKey, turnId]).catch(() => undefined);
    };
  };

  return {
    store: "redis",
    async acquire(userId: string, tier: Tier): Promise<AcquireResult> {
      const turnId = randomUUID();
      const [startedKey, runningKey] = turnKeys(prefix, userId);
      if (outage.isDown && Date.now() < nextProbeAt) return unchecked(release(runningKey, turnId));
      const budget = options.perTier[tier];
      try {
        if (!(await connected())) throw new ClientOfflineError();
        const args = [budget.windowSeconds * 1000, budget.turns, options.maxConcurrent, leaseMs].map(String);
        const reply = await runScript([startedKey, runningKey], [...args, turnId]);
        outage.up();
        if (Number(reply[0]) === 1) return { ok: true, permit: { checked: true, release: release(runningKey, turnId) } };
        const [, reason, retryAfterMs] = reply;
        return {
          ok: false,
          refusal: {
            reason: String(reason) === "budget" ? "budget" : "concurrency",
            limit: String(reason) === "budget" ? budget.turns : options.maxConcurrent,
            windowSeconds: budget.windowSeconds,
            retryAfterSeconds: Math.max(1, Math.ceil(Number(retryAfterMs) / 1000)),
            tier,
          },
        };
      } catch (error) {
        outage.down(describeFailure(error));
        nextProbeAt = Date.now() + PROBE_EVERY_MS;
        // A call that timed out may still have counted the turn: releasing frees its slot if so.
        return unchecked(release(runningKey, turnId));
      }
    },
    async close() {
      if (!client.isOpen) return;
      // `close()` waits for pending commands, which a hung Redis never answers; a client
      // still trying to connect has none worth waiting for.
      if (client.isReady) await deadline(client.close(), options.timeoutMs).catch(() => client.destroy());
      else client.destroy();
    },
  };
}

function unchecked(release: TurnPermit["release"]): AcquireResult {
  return { ok: true, permit: { checked: false, release } };
}

class NoAnswer extends Error {
  override name = "NoAnswer";
}

function deadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A short reason for the log line; never the URL, which may hold a password. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof ClientOfflineError) return "not connected";
  // Node reports a refused `localhost` (tried as ::1 and 127.0.0.1) as an AggregateError with no message.
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === "string" ? code : error.name);
}
