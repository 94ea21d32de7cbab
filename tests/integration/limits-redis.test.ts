import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tier } from "@/lib/identity/visitor";
import type { AcquireResult, Limiter, TurnPermit } from "@/lib/limits/limiter";
import { createRedisLimiter, type RedisLimiterOptions } from "@/lib/limits/redis-limiter";
import { testLimits } from "../support/limits";
import { startRedisServer, type RedisServer } from "../support/redis-server";

/**
 * Two limiters with two separate Redis connections stand for two instances of the
 * app: whatever one counts, the other must see. Against a real redis-server.
 */

let redis: RedisServer;
const limiters: Limiter[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(limiters.map((limiter) => limiter.close()));
  await redis?.stop();
});

/** One instance of the app's limiter; the per-user tests speak of a user and a tier (each turn in its own conversation). */
function instance(overrides: Partial<RedisLimiterOptions> = {}) {
  const limiter = createRedisLimiter({
    ...testLimits({ perTier: { free: { turns: 3, windowSeconds: 3600 }, pro: { turns: 6, windowSeconds: 3600 } } }),
    url: redis.url,
    timeoutMs: 1_000,
    log: (line) => {
      throw new Error(`unexpected log line while Redis is up: ${line}`);
    },
    ...overrides,
  });
  limiters.push(limiter);
  return {
    acquire: (userId: string, tier: Tier) => limiter.acquireTurn({ userId, tier, address: null, sessionId: randomUUID() }),
    close: () => limiter.close(),
  };
}

function permitOf(result: AcquireResult): TurnPermit {
  if (!result.ok) throw new Error(`expected a permit, got ${JSON.stringify(result)}`);
  return result.permit;
}

/** What Redis Cluster hashes: the text between the first "{" and the next "}", if not empty (else the whole key). */
function hashTagOf(key: string): string {
  const open = key.indexOf("{");
  const close = open === -1 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
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
    const retryAfter = !refused.ok && "refusal" in refused ? refused.refusal.retryAfterSeconds : NaN;
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
    expect(results.filter((r) => !r.ok && "refusal" in r && r.refusal.reason === "budget")).toHaveLength(14);
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
      refusal: { reason: "concurrency", limit: 2, windowSeconds: 3600, retryAfterSeconds: 1, tier: "pro", trace: true, refusalsUntraced: 0 },
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

  it("keeps every key under the prefix's one hash tag, with expiry, and release removes the running turn", async () => {
    const prefix = `test:${randomUUID()}`;
    const limiter = createRedisLimiter({ ...testLimits(), url: redis.url, timeoutMs: 1_000, keyPrefix: prefix });
    limiters.push(limiter);
    const user = randomUUID();
    const permit = permitOf(await limiter.acquireTurn({ userId: user, tier: "free", address: "192.0.2.44", sessionId: randomUUID() }));
    const { createClient } = await import("redis");
    const inspector = createClient({ url: redis.url });
    await inspector.connect();
    try {
      const tag = `{${prefix}}`;
      const keys = (await inspector.keys(`${tag}*`)).sort();
      expect(keys).toEqual([`${tag}:address:192.0.2.44:turns`, `${tag}:global:turns`, `${tag}:user:${user}:running`, `${tag}:user:${user}:started`]);
      // One hash tag, so one Cluster slot: one script may touch them all.
      expect(new Set(keys.map(hashTagOf))).toEqual(new Set([prefix]));
      for (const key of keys) expect(await inspector.pTTL(key)).toBeGreaterThan(0);
      await permit.release();
      // The running set is empty, so Redis dropped it; the started turn still counts.
      expect(await inspector.keys(`${tag}:user:*`)).toEqual([`${tag}:user:${user}:started`]);
    } finally {
      await inspector.close();
    }
  });
});
