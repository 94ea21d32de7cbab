import { randomUUID } from "node:crypto";
import {
  DEFAULT_LEASE_SECONDS,
  GONE_MEMORY_SECONDS,
  QUEUED_VOTE_SETTLE_MS,
  REFUSAL_TRACE_WINDOW_SECONDS,
  UNTRACED_COUNT_TTL_SECONDS,
  type AcquireResult,
  type ClientAddress,
  type Limiter,
  type Limits,
  type TurnRefusalReason,
  type TurnRequest,
  type VisitorResult,
  type WriteRequest,
  type WriteResult,
} from "./limiter";
import { Expiring, SlidingWindows } from "./memory-windows";

/**
 * The limits counted in this process's memory: the same rules as the Redis limiter,
 * but each instance counts alone, so on a deployment with several instances (Vercel
 * starts as many as traffic needs) every budget is granted once per instance. Right for
 * `npm run dev` and a single server.
 */

export type MemoryLimiterOptions = Limits & {
  /** How long a never-released turn keeps its slot. Default 6 minutes. */
  leaseSeconds?: number;
  /** The clock, in milliseconds; tests pass their own to move time. */
  now?: () => number;
};

const SWEEP_EVERY_MS = 60_000;
/** When a vote was last queued, and the id of the last write (vote, comment or undo). */
type VoteRecord = { queued?: number; last?: string };

export function createMemoryLimiter(options: MemoryLimiterOptions): Limiter {
  const now = options.now ?? Date.now;
  const leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  const turns = new SlidingWindows();
  const visitors = new SlidingWindows();
  const writes = new SlidingWindows();
  const running = new Map<string, Map<string, number>>();
  const refusalTraced = new Expiring<true>();
  const untraced = new Expiring<number>();
  const visitorRefusalLogged = new Expiring<true>();
  const gone = new Expiring<true>();
  const votes = new Expiring<VoteRecord>();
  let lastSweep = now();

  const longestWindowMs = () =>
    1000 *
    Math.max(
      ...Object.values(options.perTier).map((b) => b.windowSeconds),
      options.perAddress.windowSeconds,
      options.global.windowSeconds,
      options.newVisitors.windowSeconds,
      options.writes.perUser.windowSeconds,
      options.writes.perAddress.windowSeconds,
    );

  const sweep = (at: number) => {
    if (at - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = at;
    for (const windows of [turns, visitors, writes]) windows.sweep(at, longestWindowMs());
    for (const [userId, leases] of running) {
      for (const [id, until] of leases) if (until <= at) leases.delete(id);
      if (leases.size === 0) running.delete(userId);
    }
    for (const expiring of [refusalTraced, untraced, visitorRefusalLogged, gone, votes]) expiring.sweep(at);
  };

  const runningOf = (userId: string, at: number) => {
    const leases = running.get(userId) ?? new Map<string, number>();
    for (const [id, until] of leases) if (until <= at) leases.delete(id);
    running.set(userId, leases);
    return leases;
  };

  /** The first refusal of a user in the trace window is traced; the others are counted. */
  const refuse = (request: TurnRequest, at: number, reason: TurnRefusalReason, limit: number, windowSeconds: number, waitMs: number): AcquireResult => {
    const trace = refusalTraced.get(request.userId, at) === undefined;
    let count = untraced.get(request.userId, at) ?? 0;
    if (trace) {
      refusalTraced.set(request.userId, true, at, REFUSAL_TRACE_WINDOW_SECONDS * 1000);
      untraced.delete(request.userId);
    } else {
      untraced.set(request.userId, ++count, at, UNTRACED_COUNT_TTL_SECONDS * 1000);
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return { ok: false, refusal: { reason, limit, windowSeconds, retryAfterSeconds, tier: request.tier, trace, refusalsUntraced: count } };
  };

  return {
    store: "memory",
    async acquireTurn(request) {
      const at = now();
      sweep(at);
      if (gone.get(request.sessionId, at)) return { ok: false, gone: true };
      const tierBudget = options.perTier[request.tier];
      const userKey = `user:${request.userId}`;
      const addressKey = request.address === null ? null : `address:${request.address}`;
      const checks: [TurnRefusalReason, string | null, { turns: number; windowSeconds: number }][] = [
        ["budget", userKey, tierBudget],
        ["address", addressKey, options.perAddress],
        ["global", "global", options.global],
      ];
      for (const [reason, key, budget] of checks) {
        if (key === null) continue;
        const wait = turns.waitMs(key, at, budget);
        if (wait > 0) return refuse(request, at, reason, budget.turns, budget.windowSeconds, wait);
      }
      const leases = runningOf(request.userId, at);
      if (leases.size >= options.maxConcurrent) {
        return refuse(request, at, "concurrency", options.maxConcurrent, tierBudget.windowSeconds, 1000);
      }

      for (const [, key] of checks) if (key !== null) turns.add(key, at);
      const id = randomUUID();
      leases.set(id, at + leaseMs);
      const refusalsUntraced = untraced.get(request.userId, at) ?? 0;
      untraced.delete(request.userId);
      return {
        ok: true,
        permit: {
          checked: true,
          refusalsUntraced,
          release: async () => void running.get(request.userId)?.delete(id),
        },
      };
    },

    async admitVisitor(address: ClientAddress): Promise<VisitorResult> {
      if (address === null) return { ok: true };
      const at = now();
      sweep(at);
      const key = `address:${address}`;
      const wait = visitors.waitMs(key, at, options.newVisitors);
      if (wait === 0) {
        visitors.add(key, at);
        return { ok: true };
      }
      const firstInWindow = visitorRefusalLogged.get(key, at) === undefined;
      if (firstInWindow) visitorRefusalLogged.set(key, true, at, options.newVisitors.windowSeconds * 1000);
      const { turns: limit, windowSeconds } = options.newVisitors;
      return { ok: false, limit, windowSeconds, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), firstInWindow };
    },

    async acquireWrite(request: WriteRequest): Promise<WriteResult> {
      const at = now();
      sweep(at);
      if (request.refuseGone && gone.get(request.sessionId, at)) return { ok: false, gone: true };
      const userKey = `user:${request.userId}`;
      const addressKey = request.address === null ? null : `address:${request.address}`;
      const checks: ["user" | "address", string | null, { turns: number; windowSeconds: number }][] = [
        ["user", userKey, options.writes.perUser],
        ["address", addressKey, options.writes.perAddress],
      ];
      for (const [reason, key, budget] of checks) {
        if (key === null) continue;
        const wait = writes.waitMs(key, at, budget);
        if (wait > 0) {
          const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
          return { ok: false, refusal: { reason, limit: budget.turns, windowSeconds: budget.windowSeconds, retryAfterSeconds } };
        }
      }
      for (const [, key] of checks) if (key !== null) writes.add(key, at);
      const writeId = randomUUID();
      if (request.voteTarget === undefined) return { ok: true, checked: true, at, writeId, queuedAt: null };
      const key = `${request.userId}:${request.voteTarget}`;
      const record = votes.get(key, at) ?? {};
      votes.set(key, { ...record, last: writeId }, at, 2 * QUEUED_VOTE_SETTLE_MS);
      return { ok: true, checked: true, at, writeId, queuedAt: record.queued ?? null };
    },

    async noteQueuedVote(userId, target) {
      const at = now();
      const key = `${userId}:${target}`;
      votes.set(key, { ...votes.get(key, at), queued: at }, at, 2 * QUEUED_VOTE_SETTLE_MS);
      return at;
    },

    async writeStillStands(userId, target, writeId) {
      return votes.get(`${userId}:${target}`, now())?.last === writeId;
    },

    async forgetConversation(sessionId) {
      gone.set(sessionId, true, now(), GONE_MEMORY_SECONDS * 1000);
    },

    async close() {
      for (const store of [turns, visitors, writes, refusalTraced, untraced, visitorRefusalLogged, gone, votes]) store.clear();
      running.clear();
    },
  };
}
