import type { Limits, TurnBudget } from "@/lib/limits/limiter";

/**
 * Budgets for a test: the per-user ones small enough to reach, every other layer out of
 * the way unless the test sets it (a test of one layer must not trip over another).
 */
export function testLimits(overrides: Partial<Limits> = {}): Limits {
  const far: TurnBudget = { turns: 1_000_000, windowSeconds: 3600 };
  return {
    perTier: { free: { turns: 3, windowSeconds: 60 }, pro: { turns: 5, windowSeconds: 60 } },
    maxConcurrent: 10,
    perAddress: far,
    global: far,
    newVisitors: far,
    writes: { perUser: far, perAddress: far },
    ...overrides,
  };
}
