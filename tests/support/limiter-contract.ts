import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { AcquireResult, Limiter, Limits, TurnPermit } from "@/lib/limits/limiter";
import { testLimits } from "./limits";

/**
 * The layered budgets every limiter must keep, run against the in-memory one
 * (tests/unit/limits-memory-layers.test.ts) and against two Redis limiters sharing a real
 * redis-server (tests/integration/limits-redis-layers.test.ts). `instances` gives two
 * limiters over one store (the memory store hands back the same one twice): whatever one
 * counts, the other must see.
 */
export type LimiterFactory = (limits: Limits) => [Limiter, Limiter];

const user = () => randomUUID();
const turn = (userId: string, address: string | null, sessionId = randomUUID()) => ({ userId, tier: "free" as const, address, sessionId });

function permitOf(result: AcquireResult): TurnPermit {
  if (!result.ok) throw new Error(`expected a permit, got ${JSON.stringify(result)}`);
  return result.permit;
}

export function limiterContract(instances: LimiterFactory): void {
  it("one address: many fresh users share its budget; another address and an unknown one are not refused", async () => {
    const [a, b] = instances(testLimits({ perAddress: { turns: 4, windowSeconds: 3600 } }));
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 4; i++) await permitOf(await (i % 2 ? a : b).acquireTurn(turn(user(), address))).release();
    const refused = await a.acquireTurn(turn(user(), address));
    expect(refused).toMatchObject({ ok: false, refusal: { reason: "address", limit: 4, windowSeconds: 3600 } });
    if (!refused.ok && "refusal" in refused) expect(refused.refusal.retryAfterSeconds).toBeGreaterThan(3500);
    expect((await b.acquireTurn(turn(user(), "198.51.100.7"))).ok).toBe(true);
    // Unknown: the per-address layer is skipped, never one bucket for every unknown caller.
    for (let i = 0; i < 6; i++) expect((await a.acquireTurn(turn(user(), null))).ok).toBe(true);
  });

  it("the global budget refuses everyone past it, whatever user or address, and counts no refusal", async () => {
    const [a, b] = instances(testLimits({ global: { turns: 5, windowSeconds: 3600 } }));
    for (let i = 0; i < 5; i++) expect((await (i % 2 ? a : b).acquireTurn(turn(user(), `192.0.2.${i}`))).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(await b.acquireTurn(turn(user(), `192.0.2.${100 + i}`))).toMatchObject({
        ok: false,
        refusal: { reason: "global", limit: 5, windowSeconds: 3600 },
      });
    }
  });

  it("says the user's own budget before the address's and the global one (the most specific reason)", async () => {
    const [a] = instances(testLimits({ perTier: { free: { turns: 1, windowSeconds: 60 }, pro: { turns: 1, windowSeconds: 60 } }, global: { turns: 1, windowSeconds: 3600 } }));
    const someone = user();
    expect((await a.acquireTurn(turn(someone, "192.0.2.1"))).ok).toBe(true);
    expect(await a.acquireTurn(turn(someone, "192.0.2.1"))).toMatchObject({ ok: false, refusal: { reason: "budget" } });
    expect(await a.acquireTurn(turn(user(), "192.0.2.1"))).toMatchObject({ ok: false, refusal: { reason: "global" } });
  });

  it("traces the first refusal of a user, counts the rest, and hands the count to the next answered turn", async () => {
    const [a, b] = instances(testLimits({ maxConcurrent: 1 }));
    const someone = user();
    const running = permitOf(await a.acquireTurn(turn(someone, "192.0.2.9")));
    const refusals = [];
    for (let i = 0; i < 12; i++) refusals.push(await (i % 2 ? a : b).acquireTurn(turn(someone, "192.0.2.9")));
    const flags = refusals.map((r) => (!r.ok && "refusal" in r ? [r.refusal.reason, r.refusal.trace, r.refusal.refusalsUntraced] : r));
    expect(flags[0]).toEqual(["concurrency", true, 0]);
    // Each later one only adds to the count.
    expect(flags.slice(1)).toEqual(Array.from({ length: 11 }, (_, i) => ["concurrency", false, i + 1]));
    // Another user's first refusal is traced: the flag is per user.
    const other = user();
    const othersTurn = permitOf(await a.acquireTurn(turn(other, null)));
    expect(await a.acquireTurn(turn(other, null))).toMatchObject({ ok: false, refusal: { trace: true, refusalsUntraced: 0 } });
    await othersTurn.release();
    await running.release();
    const next = permitOf(await b.acquireTurn(turn(someone, "192.0.2.9")));
    expect(next.refusalsUntraced).toBe(11);
    await next.release();
    // Handed over once: the turn after that carries nothing.
    expect(permitOf(await a.acquireTurn(turn(someone, "192.0.2.9"))).refusalsUntraced).toBe(0);
  });

  it("refuses every turn and vote of a deleted conversation, touching no budget; a delete may be repeated", async () => {
    const [a, b] = instances(testLimits({ maxConcurrent: 1 }));
    const someone = user();
    const sessionId = randomUUID();
    await a.forgetConversation(sessionId);
    for (let i = 0; i < 3; i++) expect(await b.acquireTurn(turn(someone, "192.0.2.20", sessionId))).toEqual({ ok: false, gone: true });
    // Nothing was counted or held: the same user's other conversation runs, and its first refusal is traced.
    const other = permitOf(await a.acquireTurn(turn(someone, "192.0.2.20")));
    expect(await a.acquireTurn(turn(someone, "192.0.2.20"))).toMatchObject({ ok: false, refusal: { trace: true, refusalsUntraced: 0 } });
    await other.release();
    expect(await b.acquireWrite({ userId: someone, address: null, sessionId, refuseGone: true })).toEqual({ ok: false, gone: true });
    expect(await b.acquireWrite({ userId: someone, address: null, sessionId, refuseGone: false })).toMatchObject({ ok: true, checked: true });
  });

  it("budgets new visitors per address, and says the first refusal of the window once", async () => {
    const [a, b] = instances(testLimits({ newVisitors: { turns: 3, windowSeconds: 3600 } }));
    const address = "2001:db8:7::/64";
    for (let i = 0; i < 3; i++) expect(await (i % 2 ? a : b).admitVisitor(address)).toEqual({ ok: true });
    const refused = [await a.admitVisitor(address), await b.admitVisitor(address), await a.admitVisitor(address)];
    expect(refused.map((r) => (r.ok ? "admitted" : r.firstInWindow))).toEqual([true, false, false]);
    expect(refused[0]).toMatchObject({ ok: false, limit: 3, windowSeconds: 3600 });
    expect(await a.admitVisitor("192.0.2.77")).toEqual({ ok: true });
    expect(await a.admitVisitor(null)).toEqual({ ok: true });
  });

  it("budgets writes per user and per address", async () => {
    const [a, b] = instances(
      testLimits({ writes: { perUser: { turns: 3, windowSeconds: 3600 }, perAddress: { turns: 5, windowSeconds: 3600 } } }),
    );
    const write = (userId: string, address: string | null) => ({ userId, address, sessionId: randomUUID(), refuseGone: true });
    const someone = user();
    for (let i = 0; i < 3; i++) expect((await (i % 2 ? a : b).acquireWrite(write(someone, "192.0.2.30"))).ok).toBe(true);
    expect(await a.acquireWrite(write(someone, "192.0.2.30"))).toMatchObject({
      ok: false,
      refusal: { reason: "user", limit: 3, windowSeconds: 3600 },
    });
    const other = user();
    expect((await b.acquireWrite(write(other, "192.0.2.30"))).ok).toBe(true);
    expect((await b.acquireWrite(write(other, "192.0.2.30"))).ok).toBe(true);
    expect(await a.acquireWrite(write(user(), "192.0.2.30"))).toMatchObject({ ok: false, refusal: { reason: "address", limit: 5 } });
    expect((await a.acquireWrite(write(user(), null))).ok).toBe(true);
  });

  it("remembers a queued vote for the writes that follow it, and whether each is still the latest", async () => {
    const [a, b] = instances(testLimits());
    const someone = user();
    const target = `trace:${randomUUID()}`;
    // Votes, comments and undos are all writes on the target, to the limiter alike.
    const write = () => ({ userId: someone, address: null, sessionId: randomUUID(), refuseGone: true, voteTarget: target });
    const voted = await a.acquireWrite(write());
    expect(voted).toMatchObject({ ok: true, queuedAt: null });
    const queuedAt = await b.noteQueuedVote(someone, target);
    expect(queuedAt).toEqual(expect.any(Number));
    // A comment or changed vote after the queued one knows of it, as an undo does.
    const commented = await a.acquireWrite(write());
    if (!commented.ok) throw new Error("the comment was refused");
    expect(commented.queuedAt).toBe(queuedAt);
    expect(await b.writeStillStands(someone, target, commented.writeId)).toBe(true);
    const undone = await a.acquireWrite(write());
    if (!undone.ok) throw new Error("the undo was refused");
    expect(undone.queuedAt).toBe(queuedAt);
    expect(undone.at).toBeGreaterThanOrEqual(queuedAt!);
    expect(await b.writeStillStands(someone, target, undone.writeId)).toBe(true);
    expect(await b.writeStillStands(someone, target, commented.writeId)).toBe(false);
    // Another user's write on the same trace is theirs alone.
    expect(await b.writeStillStands(user(), target, undone.writeId)).toBe(false);
    // A vote after the undo, even within the same millisecond: the undo no longer stands
    // (a deferred delete must not remove the new vote); nor after a second undo.
    const again = await b.acquireWrite(write());
    if (!again.ok) throw new Error("the vote was refused");
    expect(await a.writeStillStands(someone, target, undone.writeId)).toBe(false);
    expect(await a.writeStillStands(someone, target, again.writeId)).toBe(true);
    const undoAgain = await a.acquireWrite(write());
    const last = await b.acquireWrite(write());
    if (!undoAgain.ok || !last.ok) throw new Error("an undo was refused");
    expect(await a.writeStillStands(someone, target, undoAgain.writeId)).toBe(false);
    expect(await a.writeStillStands(someone, target, last.writeId)).toBe(true);
  });
}
