import { afterAll, beforeAll, describe } from "vitest";
import type { Limiter } from "@/lib/limits/limiter";
import { createRedisLimiter } from "@/lib/limits/redis-limiter";
import { limiterContract } from "../support/limiter-contract";
import { startRedisServer, type RedisServer } from "../support/redis-server";

/**
 * The layered budgets counted in Redis, by two limiters with two connections (two
 * instances of the app) sharing one real redis-server: the same contract as the
 * in-memory limiter, each check one script call.
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

describe("Redis limiter: the layered budgets, across two instances", () => {
  limiterContract((limits) => {
    // Each test its own keys: budgets like the global one would otherwise carry over between tests.
    const keyPrefix = `contract:${crypto.randomUUID()}`;
    const make = () =>
      createRedisLimiter({
        ...limits,
        url: redis.url,
        timeoutMs: 1_000,
        keyPrefix,
        log: (line) => {
          throw new Error(`unexpected log line while Redis is up: ${line}`);
        },
      });
    const pair: [Limiter, Limiter] = [make(), make()];
    limiters.push(...pair);
    return pair;
  });
});
