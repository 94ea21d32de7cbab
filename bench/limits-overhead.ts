import { randomUUID } from "node:crypto";
import { createClient } from "redis";
import type { Limiter, Limits } from "../lib/limits/limiter";
import { createMemoryLimiter } from "../lib/limits/memory-limiter";
import { createRedisLimiter } from "../lib/limits/redis-limiter";
import { limitKeys } from "../lib/limits/redis-keys";
import { percentile, round } from "./support/stats";
import { turnOverhead } from "./turn-overhead";

/**
 * 6. What the turn limits cost. The same turn against two servers, one counting
 * in Redis (REDIS_URL) and one counting in its own memory (no REDIS_URL: a map
 * lookup, the baseline), interleaved one turn at a time. The budgets are set high
 * enough never to refuse, so every turn pays the full check and release.
 */

/**
 * The environment of both servers: budgets no benchmark reaches (every layer: the
 * benchmarks' many users all come from one loopback address); REDIS_URL for the Redis side.
 */
export function limitsEnv(redisUrl?: string): Record<string, string> {
  return {
    TURN_LIMIT_FREE: "1000000",
    TURN_LIMIT_PRO: "1000000",
    MAX_CONCURRENT_TURNS: "100",
    TURN_LIMIT_PER_ADDRESS: "1000000",
    TURN_LIMIT_GLOBAL_PER_HOUR: "100000000",
    NEW_VISITORS_PER_ADDRESS: "1000000",
    WRITE_LIMIT_PER_USER: "1000000",
    WRITE_LIMIT_PER_ADDRESS: "1000000",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
}

export async function limitsOverhead(
  servers: { redis: { url: string; pid: number }; memory: { url: string; pid: number } },
  redisUrl: string,
  // 400: the goal is a 3% band on a 12 ms turn, and two shared cores move single turns by more than that.
  turns = 400,
  warmup = 20,
) {
  const result = await turnOverhead({ on: servers.redis, off: servers.memory }, { turns, warmup, target: 1.03 });
  // Without this, a server that ignores REDIS_URL would "measure" a free limiter.
  const counted = await countedTurns(redisUrl);
  if (counted === 0) throw new Error("the Redis-side server counted no turns in Redis: is the limiter wired into the chat turn?");
  return { ...result, turns_counted_in_redis: counted };
}

/** Turns recorded in the limiter's global budget (every accepted turn is one member). */
async function countedTurns(redisUrl: string, prefix = "chat:limits"): Promise<number> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    return await client.zCard(limitKeys(prefix).globalTurns());
  } finally {
    await client.close();
  }
}

/**
 * 6b. The limiter alone, in this process: acquire + release against a real
 * redis-server on loopback, next to the in-memory limiter, interleaved. What a turn
 * pays for the Redis limits is the difference, compared with a turn's p50 when one
 * was measured (`turnP50Ms`).
 */
export async function limiterCost(redisUrl: string, turnP50Ms?: number, rounds = 2_000, warmup = 200) {
  const far = { turns: 1_000_000, windowSeconds: 3600 };
  // Every layer checked, none reached: the cost of a whole check (user, address, global, running turns).
  const limits: Limits = {
    perTier: { free: far, pro: far },
    maxConcurrent: 100,
    perAddress: far,
    global: far,
    newVisitors: far,
    writes: { perUser: far, perAddress: far },
  };
  const limiters: Record<"redis" | "memory", Limiter> = {
    redis: createRedisLimiter({ ...limits, url: redisUrl, timeoutMs: 1_000, keyPrefix: `bench:${randomUUID()}` }),
    memory: createMemoryLimiter(limits),
  };
  const timings = { redis: [] as number[], memory: [] as number[] };
  let unchecked = 0;
  try {
    for (let i = 0; i < warmup + rounds; i++) {
      // A user per five turns, as in the turn benchmarks: sets stay small, as they are for real users.
      const user = `bench-user-${Math.floor(i / 5)}`;
      for (const side of i % 2 ? (["redis", "memory"] as const) : (["memory", "redis"] as const)) {
        const start = performance.now();
        const result = await limiters[side].acquireTurn({ userId: user, tier: "free", address: "127.0.0.1", sessionId: `s-${user}` });
        if (!result.ok) throw new Error(`the ${side} limiter refused a benchmark turn (${JSON.stringify(result)})`);
        if (!result.permit.checked) unchecked++;
        await result.permit.release();
        if (i >= warmup) timings[side].push(performance.now() - start);
      }
    }
  } finally {
    await Promise.all(Object.values(limiters).map((limiter) => limiter.close()));
  }
  if (unchecked > 0) throw new Error(`${unchecked} acquires could not reach Redis: the figures would be of a failing limiter`);
  const p50 = { redis: percentile(timings.redis, 50), memory: percentile(timings.memory, 50) };
  const extraMs = p50.redis - p50.memory;
  const estimatedRatio = turnP50Ms ? (turnP50Ms + extraMs) / turnP50Ms : undefined;
  return {
    rounds,
    acquire_release_p50_ms: { redis: round(p50.redis, 3), memory: round(p50.memory, 4) },
    acquire_release_p95_ms: { redis: round(percentile(timings.redis, 95), 3), memory: round(percentile(timings.memory, 95), 4) },
    turn_p50_ms: turnP50Ms,
    estimated_turn_ratio: estimatedRatio === undefined ? undefined : round(estimatedRatio, 3),
    target: "turn p50 with Redis limits <= 1.03 x without (estimated)",
    met: estimatedRatio !== undefined && estimatedRatio <= 1.03,
  };
}
