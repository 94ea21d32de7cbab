import { randomUUID } from "node:crypto";
import type { Tier } from "@/lib/session/chat-session";
import { DEFAULT_LEASE_SECONDS, type AcquireResult, type TurnLimiter, type TurnLimits } from "./turn-limiter";

/**
 * Turn limits counted in this process's memory: the same rules as the Redis
 * limiter, but each instance counts alone, so on a deployment with several
 * instances (Vercel starts as many as traffic needs) a user gets the budget once
 * per instance. Right for `npm run dev` and a single server.
 */

export type MemoryTurnLimiterOptions = TurnLimits & {
  /** How long a never-released turn keeps its slot. Default 6 minutes. */
  leaseSeconds?: number;
  /** The clock, in milliseconds; tests pass their own to move time. */
  now?: () => number;
};

type UserTurns = {
  /** Start times of counted turns, oldest first; never longer than the tier's budget. */
  started: number[];
  /** Running turn id -> when its lease runs out. */
  running: Map<string, number>;
};

/** Forget users who have been quiet this long after a sweep, so memory stays bounded by active users. */
const SWEEP_EVERY_MS = 60_000;

export function createMemoryTurnLimiter(options: MemoryTurnLimiterOptions): TurnLimiter {
  const now = options.now ?? Date.now;
  const leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  const users = new Map<string, UserTurns>();
  let lastSweep = now();

  const prune = (turns: UserTurns, at: number, windowMs: number) => {
    while (turns.started.length > 0 && turns.started[0]! <= at - windowMs) turns.started.shift();
    for (const [id, expiresAt] of turns.running) if (expiresAt <= at) turns.running.delete(id);
  };

  const sweep = (at: number) => {
    const longestWindowMs = Math.max(...Object.values(options.perTier).map((b) => b.windowSeconds)) * 1000;
    for (const [userId, turns] of users) {
      prune(turns, at, longestWindowMs);
      if (turns.started.length === 0 && turns.running.size === 0) users.delete(userId);
    }
    lastSweep = at;
  };

  return {
    store: "memory",
    async acquire(userId: string, tier: Tier): Promise<AcquireResult> {
      const at = now();
      if (at - lastSweep >= SWEEP_EVERY_MS) sweep(at);
      const budget = options.perTier[tier];
      const windowMs = budget.windowSeconds * 1000;
      const turns = users.get(userId) ?? { started: [], running: new Map<string, number>() };
      users.set(userId, turns);
      prune(turns, at, windowMs);

      if (turns.started.length >= budget.turns) {
        const oldest = turns.started[turns.started.length - budget.turns]!;
        const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - at) / 1000));
        return { ok: false, refusal: { reason: "budget", limit: budget.turns, windowSeconds: budget.windowSeconds, retryAfterSeconds, tier } };
      }
      if (turns.running.size >= options.maxConcurrent) {
        return {
          ok: false,
          refusal: { reason: "concurrency", limit: options.maxConcurrent, windowSeconds: budget.windowSeconds, retryAfterSeconds: 1, tier },
        };
      }

      const id = randomUUID();
      turns.started.push(at);
      turns.running.set(id, at + leaseMs);
      return {
        ok: true,
        permit: {
          checked: true,
          release: async () => {
            turns.running.delete(id);
          },
        },
      };
    },
    async close() {
      users.clear();
    },
  };
}
