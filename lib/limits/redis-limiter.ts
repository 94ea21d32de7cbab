import { randomUUID } from "node:crypto";
import {
  DEFAULT_LEASE_SECONDS,
  GONE_MEMORY_SECONDS,
  QUEUED_VOTE_SETTLE_MS,
  REFUSAL_TRACE_WINDOW_SECONDS,
  UNTRACED_COUNT_TTL_SECONDS,
  type AcquireResult,
  type Limiter,
  type Limits,
  type TurnPermit,
  type WriteResult,
} from "./limiter";
import { createRedisConnection, type RedisConnectionOptions } from "./redis-connection";
import { limitKeys } from "./redis-keys";
import {
  QUEUED_VOTE_SCRIPT,
  TURN_SCRIPT,
  VISITOR_SCRIPT,
  WRITE_SCRIPT,
  type TurnReply,
  type VisitorReply,
  type WriteReply,
} from "./redis-scripts";

/**
 * The limits counted in Redis, so every instance of the app shares them. A turn is one
 * round trip (a Lua script checks and counts every layer at once), one more to release
 * its slot; a new visitor and a write are one round trip each.
 *
 * Redis down or slow never stops the chat: each call has a short time limit, and what the
 * limiter could not check goes through (`checked: false` on a turn). The log says so once,
 * and once more when Redis answers again.
 */

export type RedisLimiterOptions = Limits &
  RedisConnectionOptions & {
    /** How long a never-released turn keeps its slot (an instance that crashed mid-turn). Default 6 minutes. */
    leaseSeconds?: number;
    /** Prefix of the keys (their Cluster hash tag), for sharing one Redis with other apps. Default `chat:limits`. */
    keyPrefix?: string;
  };

const ms = (seconds: number) => seconds * 1000;
const seconds = (waitMs: number) => Math.max(1, Math.ceil(Number(waitMs) / 1000));

export function createRedisLimiter(options: RedisLimiterOptions): Limiter {
  const leaseMs = ms(options.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
  const keys = limitKeys(options.keyPrefix ?? "chat:limits");
  const redis = createRedisConnection(options);
  const voteTtlMs = 2 * QUEUED_VOTE_SETTLE_MS;

  /** Runs a script, or answers `undefined` when Redis cannot be asked now (the caller fails open). */
  const attempt = async <T>(run: () => Promise<unknown>): Promise<T | undefined> => {
    if (!redis.mayTry()) return undefined;
    try {
      return (await run()) as T;
    } catch (error) {
      redis.failed(error);
      return undefined;
    }
  };

  const release = (runningKey: string, turnId: string): TurnPermit["release"] => {
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // If this fails the lease frees the slot later; nothing to tell the user, nor the log.
      await redis.command(["ZREM", runningKey, turnId], { quiet: true });
    };
  };

  return {
    store: "redis",
    async acquireTurn({ userId, tier, address, sessionId }): Promise<AcquireResult> {
      const turnId = randomUUID();
      const budget = options.perTier[tier];
      const runningKey = keys.userRunning(userId);
      const reply = await attempt<TurnReply>(() =>
        redis.run(
          TURN_SCRIPT,
          [
            keys.userTurns(userId),
            runningKey,
            address === null ? keys.noAddress() : keys.addressTurns(address),
            keys.globalTurns(),
            keys.gone(sessionId),
            keys.refusalTraced(userId),
            keys.untracedRefusals(userId),
          ],
          [
            ms(budget.windowSeconds),
            budget.turns,
            options.maxConcurrent,
            leaseMs,
            turnId,
            ms(options.perAddress.windowSeconds),
            address === null ? 0 : options.perAddress.turns,
            ms(options.global.windowSeconds),
            options.global.turns,
            ms(REFUSAL_TRACE_WINDOW_SECONDS),
            ms(UNTRACED_COUNT_TTL_SECONDS),
          ],
        ),
      );
      // Not answered: the turn runs unchecked. A call that timed out may still have counted it: releasing frees its slot if so.
      if (!reply) return { ok: true, permit: { checked: false, refusalsUntraced: 0, release: release(runningKey, turnId) } };
      if (Number(reply[0]) === 1) {
        return { ok: true, permit: { checked: true, refusalsUntraced: Number(reply[1]), release: release(runningKey, turnId) } };
      }
      if (reply[1] === "gone") return { ok: false, gone: true };
      const [, reason, waitMs, traced, untraced] = reply as [0, "budget" | "address" | "global" | "concurrency", number, number, number];
      const limited = {
        budget: budget,
        address: options.perAddress,
        global: options.global,
        concurrency: { turns: options.maxConcurrent, windowSeconds: budget.windowSeconds },
      }[reason];
      return {
        ok: false,
        refusal: {
          reason,
          limit: limited.turns,
          windowSeconds: limited.windowSeconds,
          retryAfterSeconds: seconds(waitMs),
          tier,
          trace: Number(traced) === 1,
          refusalsUntraced: Number(untraced),
        },
      };
    },

    async admitVisitor(address) {
      if (address === null) return { ok: true };
      const { turns: limit, windowSeconds } = options.newVisitors;
      const reply = await attempt<VisitorReply>(() =>
        redis.run(VISITOR_SCRIPT, [keys.addressVisitors(address), keys.visitorRefusalLogged(address)], [ms(windowSeconds), limit, randomUUID()]),
      );
      if (!reply || Number(reply[0]) === 1) return { ok: true };
      const [, waitMs, first] = reply as [0, number, number];
      return { ok: false, limit, windowSeconds, retryAfterSeconds: seconds(waitMs), firstInWindow: Number(first) === 1 };
    },

    async acquireWrite({ userId, address, sessionId, refuseGone, voteTarget }): Promise<WriteResult> {
      const { perUser, perAddress } = options.writes;
      const writeId = randomUUID();
      const reply = await attempt<WriteReply>(() =>
        redis.run(
          WRITE_SCRIPT,
          [
            keys.userWrites(userId),
            address === null ? keys.noAddress() : keys.addressWrites(address),
            keys.gone(sessionId),
            keys.vote(userId, voteTarget ?? "-"),
          ],
          [
            ms(perUser.windowSeconds),
            perUser.turns,
            ms(perAddress.windowSeconds),
            address === null ? 0 : perAddress.turns,
            writeId,
            refuseGone ? 1 : 0,
            voteTarget === undefined ? 0 : 1,
            voteTtlMs,
          ],
        ),
      );
      if (!reply) return { ok: true, checked: false, at: Date.now(), writeId, queuedAt: null };
      if (Number(reply[0]) === 1) {
        const [, at, queued] = reply as [1, number, number];
        return { ok: true, checked: true, at: Number(at), writeId, queuedAt: Number(queued) > 0 ? Number(queued) : null };
      }
      if (reply[1] === "gone") return { ok: false, gone: true };
      const [, reason, waitMs] = reply as [0, "user" | "address", number];
      const budget = reason === "user" ? perUser : perAddress;
      return { ok: false, refusal: { reason, limit: budget.turns, windowSeconds: budget.windowSeconds, retryAfterSeconds: seconds(waitMs) } };
    },

    async noteQueuedVote(userId, target) {
      const at = await attempt<number>(() => redis.run(QUEUED_VOTE_SCRIPT, [keys.vote(userId, target)], [voteTtlMs]));
      return at === undefined ? null : Number(at);
    },

    async writeStillStands(userId, target, writeId) {
      return (await redis.command(["HGET", keys.vote(userId, target), "last"])) === writeId;
    },

    async forgetConversation(sessionId) {
      await redis.command(["SET", keys.gone(sessionId), "1", "PX", String(ms(GONE_MEMORY_SECONDS))]);
    },

    close: () => redis.close(),
  };
}
