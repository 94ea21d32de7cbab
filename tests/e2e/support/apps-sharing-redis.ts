import { randomBytes } from "node:crypto";
import { startRedisServer, type RedisServer } from "../../support/redis-server";
import { startApp, type AppServer } from "./app-server";

/**
 * A deployment with several instances, on one machine: a real redis-server and
 * `count` instances of the production build (`next start`), all with the same
 * REDIS_URL and the same SESSION_SECRET, as instances behind a load balancer share
 * them. Browser cookies are per host, not per port, so one page visiting two
 * instances is one user whose turns land on either.
 */
export type AppsSharingRedis = {
  redis: RedisServer;
  apps: AppServer[];
  /** Stops every app, then Redis; safe to call twice. */
  stop(): Promise<void>;
};

export async function startAppsSharingRedis(options: {
  logDir: string;
  name: string;
  count?: number;
  /** Extra environment for every instance, e.g. `{ TURN_LIMIT_FREE: "3", TURN_LIMIT_WINDOW_SECONDS: "5" }`. */
  env?: Record<string, string>;
}): Promise<AppsSharingRedis> {
  const redis = await startRedisServer();
  const apps: AppServer[] = [];
  const stop = async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await redis.stop();
  };
  try {
    const shared = {
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      REDIS_URL: redis.url,
      // These deployments test the limits, so every turn must be checked. At the default
      // 250 ms, a first call on a loaded CI machine (fresh process, script not yet loaded)
      // can time out and its turn run unchecked (fail open, as designed): a CI run once let a
      // third simultaneous turn through that way. Redis that hangs is tested in tests/integration.
      REDIS_TIMEOUT_MS: "2000",
      ...options.env,
    };
    // One at a time: two `next start` booting at once on two cores slow each other past the start timeout.
    for (let i = 0; i < (options.count ?? 2); i++) {
      apps.push(await startApp({ name: `${options.name}-${i + 1}`, logDir: options.logDir, env: shared }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, apps, stop };
}
