import { describe, expect, it } from "vitest";
import type { Tier } from "@/lib/identity/visitor";
import { createMemoryLimiter } from "@/lib/limits/memory-limiter";
import type { AcquireResult, Limits, TurnPermit } from "@/lib/limits/limiter";
import { testLimits } from "../support/limits";

/**
 * The per-user rules of the in-memory limiter (the other layers are in
 * limits-memory-layers.test.ts). A limiter on a clock the test moves.
 */
function limiter(overrides: Partial<Limits> & { leaseSeconds?: number } = {}) {
  const clock = { now: 1_000_000 };
  const limits = createMemoryLimiter({ ...testLimits(overrides), leaseSeconds: overrides.leaseSeconds, now: () => clock.now });
  // The per-user tests speak of a user and a tier; each turn in its own conversation, from no known address.
  const turns = { acquire: (userId: string, tier: Tier) => limits.acquireTurn({ userId, tier, address: null, sessionId: crypto.randomUUID() }) };
  return { turns, clock };
}

function permitOf(result: AcquireResult): TurnPermit {
  if (!result.ok) throw new Error(`expected a permit, got ${JSON.stringify(result)}`);
  return result.permit;
}

async function startReleased(turns: ReturnType<typeof limiter>["turns"], userId: string, count: number, tier: "free" | "pro" = "free") {
  for (let i = 0; i < count; i++) await permitOf(await turns.acquire(userId, tier)).release();
}

describe("in-memory turn limiter", () => {
  it("counts turns against the tier's budget and refuses the next one, saying when it can succeed", async () => {
    const { turns, clock } = limiter();
    for (let i = 0; i < 3; i++) {
      const result = await turns.acquire("u1", "free");
      expect(result).toMatchObject({ ok: true, permit: { checked: true } });
      await permitOf(result).release();
      clock.now += 10_000;
    }
    // Turns started at t=0, 10 s, 20 s; now t=30 s: the first leaves the 60 s window in 30 s.
    expect(await turns.acquire("u1", "free")).toEqual({
      ok: false,
      refusal: { reason: "budget", limit: 3, windowSeconds: 60, retryAfterSeconds: 30, tier: "free", trace: true, refusalsUntraced: 0 },
    });
  });

  it("gives the budget back as turns leave the sliding window, one at a time", async () => {
    const { turns, clock } = limiter();
    await startReleased(turns, "u1", 1);
    clock.now += 20_000;
    await startReleased(turns, "u1", 2);
    expect((await turns.acquire("u1", "free")).ok).toBe(false);

    clock.now += 40_000; // the first turn is now exactly 60 s old: out of the window
    expect((await turns.acquire("u1", "free")).ok).toBe(true);
    // Only that one came back; the other two are 40 s old.
    const refused = await turns.acquire("u1", "free");
    expect(refused).toMatchObject({ ok: false, refusal: { reason: "budget", retryAfterSeconds: 20 } });
  });

  it("gives each tier its own budget and each user their own count", async () => {
    const { turns } = limiter();
    await startReleased(turns, "pro-user", 5, "pro");
    expect(await turns.acquire("pro-user", "pro")).toMatchObject({ ok: false, refusal: { reason: "budget", limit: 5, tier: "pro" } });
    await startReleased(turns, "free-user", 3);
    expect((await turns.acquire("free-user", "free")).ok).toBe(false);
    expect((await turns.acquire("someone-else", "free")).ok).toBe(true);
  });

  it("does not count refused turns", async () => {
    const { turns, clock } = limiter();
    await startReleased(turns, "u1", 3);
    for (let i = 0; i < 10; i++) expect((await turns.acquire("u1", "free")).ok).toBe(false);
    clock.now += 60_000;
    // All three counted turns left the window; the ten refusals never entered it.
    await startReleased(turns, "u1", 3);
  });

  it("caps the turns one user runs at once; others are not affected; release frees a slot", async () => {
    const { turns } = limiter({ maxConcurrent: 2 });
    const [a, b, c] = await Promise.all([turns.acquire("u1", "pro"), turns.acquire("u1", "pro"), turns.acquire("u1", "pro")]);
    expect([a!.ok, b!.ok]).toEqual([true, true]);
    expect(c).toEqual({
      ok: false,
      refusal: { reason: "concurrency", limit: 2, windowSeconds: 60, retryAfterSeconds: 1, tier: "pro", trace: true, refusalsUntraced: 0 },
    });
    expect((await turns.acquire("u2", "pro")).ok).toBe(true);

    const first = permitOf(a!);
    await first.release();
    await first.release(); // twice: must not free the other running turn's slot
    expect((await turns.acquire("u1", "pro")).ok).toBe(true);
    expect(await turns.acquire("u1", "pro")).toMatchObject({ ok: false, refusal: { reason: "concurrency" } });
  });

  it("frees a slot nobody released once its lease runs out (a turn lost to a crash)", async () => {
    const { turns, clock } = limiter({ maxConcurrent: 1, leaseSeconds: 30 });
    expect((await turns.acquire("u1", "pro")).ok).toBe(true);
    expect((await turns.acquire("u1", "pro")).ok).toBe(false);
    clock.now += 30_000;
    expect((await turns.acquire("u1", "pro")).ok).toBe(true);
  });

  it("says budget before concurrency when both are exhausted (the longer wait)", async () => {
    const { turns } = limiter({ maxConcurrent: 3 });
    await Promise.all([1, 2, 3].map(() => turns.acquire("u1", "free")));
    expect(await turns.acquire("u1", "free")).toMatchObject({ ok: false, refusal: { reason: "budget" } });
  });

  it("applies the new tier's budget at once when a user's tier changes", async () => {
    const { turns, clock } = limiter();
    await startReleased(turns, "u1", 4, "pro");
    clock.now += 5_000;
    // Four turns in the window, Free allows three: two must leave before one more fits.
    expect(await turns.acquire("u1", "free")).toMatchObject({ ok: false, refusal: { reason: "budget", retryAfterSeconds: 55 } });
    expect((await turns.acquire("u1", "pro")).ok).toBe(true);
  });
});
