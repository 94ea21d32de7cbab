import type { Tier } from "@/lib/session/chat-session";

/**
 * What every turn limiter promises, whether it counts in Redis (shared by all
 * instances) or in this process's memory (one instance only). Types only.
 */

/** A tier's budget: at most `turns` turns started in any `windowSeconds`-long sliding window. */
export type TurnBudget = { turns: number; windowSeconds: number };

export type TurnLimits = {
  perTier: Record<Tier, TurnBudget>;
  /** Turns one user may have running at once, whatever the tier. */
  maxConcurrent: number;
};

/** A turn that may run. Release it when the turn ends, however it ends. */
export type TurnPermit = {
  /**
   * False when the limiter could not check (Redis down or slow): the turn runs anyway
   * (fail open) and the turn span should record `limit checked: false`.
   */
  checked: boolean;
  /** Frees the turn's concurrency slot. Safe to call more than once; never rejects. */
  release(): Promise<void>;
};

export type TurnRefusal = {
  /** `budget`: the tier's turns for the window are used up. `concurrency`: too many turns running now. */
  reason: "budget" | "concurrency";
  /** The limit that was hit: the tier's turns per window, or the concurrency cap. */
  limit: number;
  windowSeconds: number;
  /**
   * The soonest a new turn can be accepted: when the oldest counted turn leaves the
   * window (budget), or 1 for concurrency (a slot frees as soon as a running turn ends).
   */
  retryAfterSeconds: number;
  tier: Tier;
};

export type AcquireResult = { ok: true; permit: TurnPermit } | { ok: false; refusal: TurnRefusal };

export interface TurnLimiter {
  /** One check-and-count, atomic: either the turn is counted and holds a slot, or it is refused and counts nothing. */
  acquire(userId: string, tier: Tier): Promise<AcquireResult>;
  /** Where turns are counted, for logs and the README's claims ("memory" holds for one instance only). */
  readonly store: "redis" | "memory";
  /** Closes connections (tests, benchmarks, shutdown). */
  close(): Promise<void>;
}

/**
 * How long a running turn holds its slot if nobody releases it (a crashed instance).
 * A turn is aborted after 5 minutes (lib/chat/run-turn.ts), so 6 minutes is never
 * shorter than a live turn.
 */
export const DEFAULT_LEASE_SECONDS = 6 * 60;

/** A permit for a turn the limiter could not check: it runs, and nothing needs releasing. */
export const UNCHECKED_PERMIT: TurnPermit = { checked: false, release: async () => undefined };
