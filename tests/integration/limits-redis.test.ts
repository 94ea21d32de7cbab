import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisTurnLimiter, type RedisTurnLimiterOptions } from "@/lib/limits/redis-turn-limiter";
import type { AcquireResult, TurnLimiter, TurnPermit } from "@/lib/limits/turn-limiter";
import { startRedisServer, type RedisServer } from "../support/redis-server";

/**
 * Two limiters with two separate Redis connections stand for two instances of the
 * app: whatever one counts, the other must see. Against a real redis-server.
 */

let redis: RedisServer;
const limiters: TurnLimiter[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(limiters.map((limiter) => limiter.close()));
  await redis?.stop();
});

function instance(overrides: Partial<RedisTurnLimiterOptions> = {}): TurnLimiter {
  const limiter = createRedisTurnLimiter({
    url: redis.url,
    timeoutMs: 1_000,
    perTier: { free: { turns: 3, windowSeconds: 3600 }, pro: { turns: 6, windowSeconds: 3600 } },
    maxConcurrent: 10,
    log: (line) => {
      throw new Error(`unexpected log line while Redis is up: ${line}`);
    },
    ...overrides,
  });
  limiters.push(limiter);
  return limiter;
}

function permitOf(result: AcquireResult): TurnPermit {
  if (!result.ok) throw new Error(`expected a permit, got a ${result.refusal.reason} refusal`);
  return result.permit;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Redis turn limiter (real redis-server)", () => {
  it("makes two instances share one budget: turns through the first use it up, the second refuses", async () => {
    const first = instance();
    const second = instance();
    const user = randomUUID();
    for (let i = 0; i < 3; i++) {
      const result = await first.acquire(user, "free");
      expect(result).toMatchObject({ ok: true, permit: { checked: true } });
      await permitOf(result).release();
    }
    const refused = await second.acquire(user, "free");
    expect(refused).toMatchObject({ ok: false, refusal: { reason: "budget", limit: 3, windowSeconds: 3600, tier: "free" } });
    // The oldest turn leaves the window in (just under) an hour.
    const retryAfter = refused.ok ? NaN : refused.refusal.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Another user, and the same user on the bigger tier, still have room.
    expect((await second.acquire(randomUUID(), "free")).ok).toBe(true);
    expect((await second.acquire(user, "pro")).ok).toBe(true);
  });

  it("never lets two instances racing for the last turns both win", async () => {
    const first = instance();
    const second = instance();
    const user = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).acquire(user, "pro")));
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    expect(results.filter((r) => !r.ok && r.refusal.reason === "budget")).toHaveLength(14);
  });

  it("gives the budget back as the sliding window moves on", async () => {
    const shortWindow = { free: { turns: 2, windowSeconds: 1 }, pro: { turns: 2, windowSeconds: 1 } };
    const first = instance({ perTier: shortWindow });
    const second = instance({ perTier: shortWindow });
    const user = randomUUID();
    await permitOf(await first.acquire(user, "free")).release();
    await permitOf(await second.acquire(user, "free")).release();
    expect(await first.acquire(user, "free")).toMatchObject({ ok: false, refusal: { reason: "budget", retryAfterSeconds: 1 } });
    await sleep(1_100);
    expect((await second.acquire(user, "free")).ok).toBe(true);
    expect((await first.acquire(user, "free")).ok).toBe(true);
    expect((await first.acquire(user, "free")).ok).toBe(false);
  });

  it("caps turns running at once per user across instances; others' turns are not refused; release frees a slot", async () => {
    const first = instance({ maxConcurrent: 2 });
    const second = instance({ maxConcurrent: 2 });
    const user = randomUUID();
    const [a, b, c] = await Promise.all([first.acquire(user, "pro"), second.acquire(user, "pro"), first.acquire(user, "pro")]);
    const results = [a!, b!, c!];
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    const refused = results.find((r) => !r.ok);
    expect(refused).toEqual({
      ok: false,
      refusal: { reason: "concurrency", limit: 2, windowSeconds: 3600, retryAfterSeconds: 1, tier: "pro" },
    });
    expect((await second.acquire(randomUUID(), "pro")).ok).toBe(true);

    const running = results.filter((r) => r.ok).map(permitOf);
    await running[0]!.release();
    await running[0]!.release(); // twice: must not free the other turn's slot
    expect((await second.acquire(user, "pro")).ok).toBe(true);
    expect(await first.acquire(user, "pro")).toMatchObject({ ok: false, refusal: { reason: "concurrency" } });
  });

  it("frees the slot of a turn nobody released once its lease runs out (an instance that crashed)", async () => {
    const crashed = instance({ maxConcurrent: 1, leaseSeconds: 1 });
    const survivor = instance({ maxConcurrent: 1, leaseSeconds: 1 });
    const user = randomUUID();
    expect((await crashed.acquire(user, "pro")).ok).toBe(true);
    await crashed.close();
    expect(await survivor.acquire(user, "pro")).toMatchObject({ ok: false, refusal: { reason: "concurrency" } });
    await sleep(1_100);
    expect((await survivor.acquire(user, "pro")).ok).toBe(true);
  });

  it("keeps its keys under the prefix, with expiry, and release removes the running turn", async () => {
    const prefix = `test:${randomUUID()}:`;
    const limiter = instance({ keyPrefix: prefix });
    const user = randomUUID();
    const permit = permitOf(await limiter.acquire(user, "free"));
    const { createClient } = await import("redis");
    const inspector = createClient({ url: redis.url });
    await inspector.connect();
    try {
      const keys = (await inspector.keys(`${prefix}*`)).sort();
      expect(keys).toEqual([`${prefix}{${user}}:running`, `${prefix}{${user}}:started`]);
      for (const key of keys) expect(await inspector.pTTL(key)).toBeGreaterThan(0);
      await permit.release();
      // The running set is empty, so Redis dropped it; the started turn still counts.
      expect(await inspector.keys(`${prefix}*`)).toEqual([`${prefix}{${user}}:started`]);
    } finally {
      await inspector.close();
    }
  });
});
