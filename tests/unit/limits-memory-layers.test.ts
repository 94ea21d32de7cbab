import { describe, expect, it } from "vitest";
import { createMemoryLimiter } from "@/lib/limits/memory-limiter";
import { REFUSAL_TRACE_WINDOW_SECONDS, type Limits } from "@/lib/limits/limiter";
import { limiterContract } from "../support/limiter-contract";
import { testLimits } from "../support/limits";

/** The layered budgets of the in-memory limiter: the shared contract, then what needs a clock the test moves. */

describe("in-memory limiter: the layered budgets", () => {
  limiterContract((limits) => {
    const limiter = createMemoryLimiter(limits);
    return [limiter, limiter];
  });
});

function onClock(limits: Partial<Limits>) {
  const clock = { now: 5_000_000 };
  return { limiter: createMemoryLimiter({ ...testLimits(limits), now: () => clock.now }), clock };
}

describe("in-memory limiter over time", () => {
  it("traces one refusal per user per trace window; the next window's first carries the count of the last", async () => {
    const { limiter, clock } = onClock({ perTier: { free: { turns: 1, windowSeconds: 3600 }, pro: { turns: 1, windowSeconds: 3600 } } });
    const request = { userId: "u1", tier: "free" as const, address: null, sessionId: "s1" };
    expect((await limiter.acquireTurn(request)).ok).toBe(true);
    const first = await limiter.acquireTurn(request);
    expect(first).toMatchObject({ ok: false, refusal: { reason: "budget", trace: true, refusalsUntraced: 0 } });
    for (let i = 0; i < 5; i++) await limiter.acquireTurn(request);
    clock.now += REFUSAL_TRACE_WINDOW_SECONDS * 1000;
    expect(await limiter.acquireTurn(request)).toMatchObject({ ok: false, refusal: { trace: true, refusalsUntraced: 5 } });
    expect(await limiter.acquireTurn(request)).toMatchObject({ ok: false, refusal: { trace: false, refusalsUntraced: 1 } });
  });

  it("gives an address's budget back as its turns leave the window", async () => {
    const { limiter, clock } = onClock({ perAddress: { turns: 2, windowSeconds: 60 } });
    const from = (userId: string) => ({ userId, tier: "free" as const, address: "192.0.2.1", sessionId: "s" });
    expect((await limiter.acquireTurn(from("a"))).ok).toBe(true);
    clock.now += 30_000;
    expect((await limiter.acquireTurn(from("b"))).ok).toBe(true);
    expect(await limiter.acquireTurn(from("c"))).toMatchObject({ ok: false, refusal: { reason: "address", retryAfterSeconds: 30 } });
    clock.now += 30_000;
    expect((await limiter.acquireTurn(from("c"))).ok).toBe(true);
  });

  it("lets new visitors from an address back in once the hour has moved on, and logs the next window's first refusal again", async () => {
    const { limiter, clock } = onClock({ newVisitors: { turns: 1, windowSeconds: 3600 } });
    expect(await limiter.admitVisitor("192.0.2.5")).toEqual({ ok: true });
    expect(await limiter.admitVisitor("192.0.2.5")).toMatchObject({ ok: false, retryAfterSeconds: 3600, firstInWindow: true });
    clock.now += 3_600_000;
    expect(await limiter.admitVisitor("192.0.2.5")).toEqual({ ok: true });
    expect(await limiter.admitVisitor("192.0.2.5")).toMatchObject({ ok: false, firstInWindow: true });
  });

  it("remembers a deleted conversation for 30 days", async () => {
    const { limiter, clock } = onClock({});
    await limiter.forgetConversation("gone-session");
    const request = { userId: "u1", tier: "free" as const, address: null, sessionId: "gone-session" };
    clock.now += 29 * 86_400_000;
    expect(await limiter.acquireTurn(request)).toEqual({ ok: false, gone: true });
    clock.now += 2 * 86_400_000;
    expect((await limiter.acquireTurn(request)).ok).toBe(true);
  });
});
