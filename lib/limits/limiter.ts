import type { Tier } from "@/lib/identity/visitor";

/**
 * What the app's limiter promises, whether it counts in Redis (shared by every
 * instance) or in this process's memory (one instance only). Types only.
 *
 * Layered, because a budget keyed on one thing is walked around by minting more of it:
 * per user (a cookie), per client address (minting cookies from one machine), and one
 * global budget of model turns an hour (many machines): the deployer's spend cap.
 */

/** At most `turns` in any `windowSeconds`-long sliding window (for new visitors and writes, `turns` counts those). */
export type TurnBudget = { turns: number; windowSeconds: number };

export type Limits = {
  perTier: Record<Tier, TurnBudget>;
  /** Turns one user may have running at once, whatever the tier. */
  maxConcurrent: number;
  /** Turns from one client address (every user behind it together). */
  perAddress: TurnBudget;
  /** Model turns of everyone together. */
  global: TurnBudget;
  /** Users minted (page loads without a valid cookie) from one address. */
  newVisitors: TurnBudget;
  /** Votes, ratings and deletes (each a Phoenix REST write) of one user, and of one address. */
  writes: { perUser: TurnBudget; perAddress: TurnBudget };
};

/**
 * A client address as a budget key: an IPv4 address, or an IPv6 /64 network (one
 * subscriber usually gets a whole /64). null: unknown, and the per-address budgets are
 * skipped for that request rather than lumping every unknown caller into one bucket.
 */
export type ClientAddress = string | null;

/** A turn that may run. Release it when the turn ends, however it ends. */
export type TurnPermit = {
  /**
   * False when the limiter could not check (Redis down or slow): the turn runs anyway
   * (fail open) and the turn span should record `limit checked: false`.
   */
  checked: boolean;
  /** Refusals of this user that were counted but not traced since their last traced span. */
  refusalsUntraced: number;
  /** Frees the turn's concurrency slot. Safe to call more than once; never rejects. */
  release(): Promise<void>;
};

export type TurnRefusalReason =
  /** the user's tier budget */
  | "budget"
  /** too many of the user's turns running now */
  | "concurrency"
  /** every user behind one client address together */
  | "address"
  /** everyone together: the deployer's cap on model turns an hour */
  | "global";

export type TurnRefusal = {
  reason: TurnRefusalReason;
  /** The limit that was hit. */
  limit: number;
  windowSeconds: number;
  /** The soonest a new turn can be accepted (1 for concurrency: a slot frees when a running turn ends). */
  retryAfterSeconds: number;
  tier: Tier;
  /**
   * Only the first refusal of a user in a short window is traced (a flood of refusals
   * must not become a flood of spans); the others are counted, and the count goes on
   * that user's next traced span.
   */
  trace: boolean;
  /** With `trace`: the refusals counted but not traced before this one. */
  refusalsUntraced: number;
};

export type TurnRequest = { userId: string; tier: Tier; address: ClientAddress; sessionId: string };

export type AcquireResult =
  | { ok: true; permit: TurnPermit }
  | { ok: false; refusal: TurnRefusal }
  /** The conversation was deleted (its Phoenix session too): nothing may be written under its session id again. */
  | { ok: false; gone: true };

export type VisitorResult =
  | { ok: true }
  /** `firstInWindow`: the first refusal for this address in the window, so a log line says it once. */
  | { ok: false; limit: number; windowSeconds: number; retryAfterSeconds: number; firstInWindow: boolean };

export type WriteRequest = {
  userId: string;
  address: ClientAddress;
  sessionId: string;
  /** Votes and ratings: refused in a deleted conversation. A delete itself may be repeated. */
  refuseGone: boolean;
  /**
   * A vote, comment, rating or undo: the trace or session it is on (`trace:<id>`, `session:<id>`).
   * Feedback's guard against Phoenix's queue (see lib/feedback/write-feedback.ts): a vote
   * Phoenix queued can land after a later write and replace it, so the limiter remembers, per
   * user and target, when a vote was last queued, and which write came last.
   */
  voteTarget?: string;
};

export type WriteResult =
  | {
      ok: true;
      checked: boolean;
      /** The store's clock at this write (ms). */
      at: number;
      /** This write's id: with `voteTarget`, what `writeStillStands` is asked about. */
      writeId: string;
      /** With `voteTarget`: when this user's vote on the target was last queued by Phoenix, if recently. */
      queuedAt: number | null;
    }
  | { ok: false; refusal: { reason: "user" | "address"; limit: number; windowSeconds: number; retryAfterSeconds: number } }
  | { ok: false; gone: true };

export interface Limiter {
  /** Where things are counted, for logs and the README's claims ("memory" holds for one instance only). */
  readonly store: "redis" | "memory";
  /**
   * One check-and-count, atomic (one Redis round trip): the conversation is not deleted,
   * then the user's, the address's and the global budget, then the user's turns running.
   * Either the turn is counted everywhere and holds a slot, or it is refused and counts nothing.
   */
  acquireTurn(request: TurnRequest): Promise<AcquireResult>;
  /** A page load without a valid cookie: may a new user be minted for this address? */
  admitVisitor(address: ClientAddress): Promise<VisitorResult>;
  /** A vote, rating or delete: the user's and the address's write budgets. */
  acquireWrite(request: WriteRequest): Promise<WriteResult>;
  /** Phoenix queued this user's vote on the target (not ingested yet); returns the store's time of it. */
  noteQueuedVote(userId: string, target: string): Promise<number | null>;
  /** True while the write `writeId` (a vote, comment or undo) is this user's latest say on the target (none since). */
  writeStillStands(userId: string, target: string, writeId: string): Promise<boolean>;
  /** Remembers a deleted conversation's session id (for `GONE_MEMORY_SECONDS`): its token is refused from now on. */
  forgetConversation(sessionId: string): Promise<void>;
  /** Closes connections (tests, benchmarks, shutdown). */
  close(): Promise<void>;
}

/**
 * How long a running turn holds its slot if nobody releases it (a crashed instance).
 * A turn is aborted after 5 minutes (lib/chat/run-turn.ts), so 6 minutes is never
 * shorter than a live turn.
 */
export const DEFAULT_LEASE_SECONDS = 6 * 60;

/** One traced refusal per user per minute at most; the rest are counted. */
export const REFUSAL_TRACE_WINDOW_SECONDS = 60;

/** How long an untraced-refusal count waits for the user's next traced span before it is dropped. */
export const UNTRACED_COUNT_TTL_SECONDS = 24 * 3600;

/**
 * How long a deleted conversation's session id is remembered. Tokens never expire, but a
 * token is bound to its user: only the browser that deleted the conversation can replay
 * it, and after this long it could only bring back its own traces (README "Abuse and cost").
 */
export const GONE_MEMORY_SECONDS = 30 * 86_400;

/**
 * How long a write that follows a queued vote waits before it is made once more: Phoenix
 * retries a queued annotation every 10 s until its trace is ingested; 3 s of margin for a busy Phoenix.
 */
export const QUEUED_VOTE_SETTLE_MS = 13_000;
