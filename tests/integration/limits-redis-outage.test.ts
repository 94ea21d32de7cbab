import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Limiter, TurnPermit } from "@/lib/limits/limiter";
import { createRedisLimiter } from "@/lib/limits/redis-limiter";
import { testLimits } from "../support/limits";
import { freePort } from "../e2e/support/processes";
import { startRedisServer, type RedisServer } from "../support/redis-server";

/**
 * Redis killed, hung or absent must never stop the chat: turns go on unchecked
 * (fail open), the log says so once, and once more when Redis is back, after
 * which the limits hold again. Against a real redis-server, killed for real.
 */

const TIMEOUT_MS = 200;
const perTier = { free: { turns: 2, windowSeconds: 3600 }, pro: { turns: 2, windowSeconds: 3600 } };
const FEW = { turns: 1, windowSeconds: 3600 };

/** The limiter's calls as the app makes them; each turn in its own conversation, from one address. */
type Turns = ReturnType<typeof asTurns>;
function asTurns(limiter: Limiter) {
  return {
    acquire: (userId: string, tier: "free" | "pro") => limiter.acquireTurn({ userId, tier, address: "192.0.2.1", sessionId: randomUUID() }),
    limiter,
  };
}

let redis: RedisServer | undefined;
let limiter: Limiter | undefined;
let lines: string[];

beforeEach(() => {
  lines = [];
});
afterEach(async () => {
  await limiter?.close();
  await redis?.stop();
  limiter = undefined;
  redis = undefined;
});

function limiterFor(url: string): Turns {
  // The address budget is large enough for the tests' probes; new visitors and writes are one each, so a checked second is refused.
  const limits = testLimits({ perTier, maxConcurrent: 5, newVisitors: FEW, writes: { perUser: FEW, perAddress: FEW } });
  limiter = createRedisLimiter({ ...limits, url, timeoutMs: TIMEOUT_MS, log: (line) => lines.push(line) });
  return asTurns(limiter);
}

/** Polls until a turn is checked again (the client reconnects on its own, with backoff). */
async function untilChecked(turns: Turns, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const result = await turns.acquire(`probe-${randomUUID()}`, "free");
    if (result.ok && result.permit.checked) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`turns were still unchecked ${withinMs} ms after Redis came back; log: ${JSON.stringify(lines)}`);
}

/** Polls until the limiter's client has reconnected on its own (seen from another connection's CLIENT LIST). */
async function untilConnected(url: string): Promise<void> {
  const { createClient } = await import("redis");
  const inspector = createClient({ url });
  await inspector.connect();
  try {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const list = await inspector.sendCommand(["CLIENT", "LIST"]);
      if (String(list).trim().split("\n").length >= 2) return;
    }
    throw new Error("the limiter did not reconnect within 10 s");
  } finally {
    await inspector.close();
  }
}

async function expectLimitsHold(turns: Turns) {
  const user = randomUUID();
  expect(await turns.acquire(user, "free")).toMatchObject({ ok: true, permit: { checked: true } });
  expect(await turns.acquire(user, "free")).toMatchObject({ ok: true, permit: { checked: true } });
  expect(await turns.acquire(user, "free")).toMatchObject({ ok: false, refusal: { reason: "budget" } });
}

describe("Redis turn limiter when Redis fails", () => {
  it("killed mid-run: turns go on unchecked with one log line; back: one more line and the limits hold", { timeout: 30_000 }, async () => {
    redis = await startRedisServer();
    const turns = limiterFor(redis.url);
    await expectLimitsHold(turns);
    expect(lines).toEqual([]);

    await redis.kill();
    const user = randomUUID();
    // Far more turns than the budget, all accepted: nobody is locked out because Redis is.
    const unchecked: TurnPermit[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await turns.acquire(user, "free");
      expect(result).toMatchObject({ ok: true, permit: { checked: false } });
      if (result.ok) unchecked.push(result.permit);
    }
    await unchecked.pop()!.release();
    // New visitors and writes (budgets of one) go through too, and a deleted conversation cannot be remembered: all fail open.
    for (let i = 0; i < 3; i++) {
      expect(await turns.limiter.admitVisitor("192.0.2.1")).toEqual({ ok: true });
      const write = { userId: user, address: "192.0.2.1", sessionId: randomUUID(), refuseGone: true };
      expect(await turns.limiter.acquireWrite(write)).toMatchObject({ ok: true, checked: false });
    }
    await turns.limiter.forgetConversation(randomUUID());
    // Reconnect attempts keep failing in the background meanwhile; they must not add lines.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[limits\] Redis unreachable \(.+\): nothing is limited until it answers again \(fail open\)$/);

    await redis.restart();
    // Reconnected, but nothing checked yet: the turns that ran unchecked end, and their releases get through.
    // That is not the limits holding again: no recovery line until a check is answered.
    await untilConnected(redis.url);
    for (const permit of unchecked) await permit.release();
    expect(lines).toHaveLength(1);
    await untilChecked(turns, 10_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("[limits] Redis answers again: the limits hold again");
    await expectLimitsHold(turns);
    // The other budgets hold again too.
    expect(await turns.limiter.admitVisitor("192.0.2.99")).toEqual({ ok: true });
    expect(await turns.limiter.admitVisitor("192.0.2.99")).toMatchObject({ ok: false });
    expect(lines).toHaveLength(2);
  });

  it("hung (answers nothing): each call gives up after its time limit, and turns go on unchecked", { timeout: 30_000 }, async () => {
    redis = await startRedisServer();
    const turns = limiterFor(redis.url);
    await expectLimitsHold(turns);

    redis.pause();
    try {
      const user = randomUUID();
      const results = await Promise.all([1, 2, 3, 4].map(() => turns.acquire(user, "free")));
      for (const result of results) expect(result).toMatchObject({ ok: true, permit: { checked: false } });
      expect(lines).toEqual([`[limits] Redis unreachable (no answer within ${TIMEOUT_MS} ms): nothing is limited until it answers again (fail open)`]);
    } finally {
      redis.resume();
    }
    await untilChecked(turns, 10_000);
    expect(lines).toHaveLength(2);
    await expectLimitsHold(turns);
  });

  it("absent from the start: the first turn does not hang, runs unchecked, and the log says why once", { timeout: 30_000 }, async () => {
    const port = await freePort(); // nothing listens here
    const turns = limiterFor(`redis://127.0.0.1:${port}`);
    for (let i = 0; i < 5; i++) expect(await turns.acquire(randomUUID(), "pro")).toMatchObject({ ok: true, permit: { checked: false } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/unreachable \(.*ECONNREFUSED.*\)/);
  });
});
