/**
 * Sliding windows in this process's memory, one per key: the start times of what was
 * counted, oldest first, never more than the budget. The memory limiter's counterpart
 * of the Redis sorted sets (lib/limits/redis-scripts.ts), with the same rules.
 */
export class SlidingWindows {
  private readonly starts = new Map<string, number[]>();

  /** Milliseconds until one more fits under `budget` (0: it fits now). */
  waitMs(key: string, at: number, budget: { turns: number; windowSeconds: number }): number {
    const windowMs = budget.windowSeconds * 1000;
    const starts = this.pruned(key, at, windowMs);
    if (starts.length < budget.turns) return 0;
    // The start that must leave the window before one more fits.
    const edge = starts[starts.length - budget.turns]!;
    return Math.max(1, edge + windowMs - at);
  }

  /** Counts one at `at`. Call only after `waitMs` said it fits: each key then holds at most its budget. */
  add(key: string, at: number): void {
    const starts = this.starts.get(key) ?? [];
    starts.push(at);
    this.starts.set(key, starts);
  }

  /** Forgets keys with nothing left in the window, so memory stays bounded by recent activity. */
  sweep(at: number, windowMs: number): void {
    for (const key of this.starts.keys()) if (this.pruned(key, at, windowMs).length === 0) this.starts.delete(key);
  }

  clear(): void {
    this.starts.clear();
  }

  private pruned(key: string, at: number, windowMs: number): number[] {
    const starts = this.starts.get(key);
    if (!starts) return [];
    let drop = 0;
    while (drop < starts.length && starts[drop]! <= at - windowMs) drop++;
    if (drop > 0) starts.splice(0, drop);
    return starts;
  }
}

/** Values that expire, for flags, counters and marks (the memory side of Redis's PX expiries). */
export class Expiring<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly maxEntries = 100_000) {}

  get(key: string, at: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > at) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, at: number, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: at + ttlMs });
    // Oldest first: a flood of keys evicts the oldest, never grows without bound.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  sweep(at: number): void {
    for (const [key, entry] of this.entries) if (entry.until <= at) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
