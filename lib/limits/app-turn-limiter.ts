import "server-only";
import { loadConfig, type AppConfig } from "@/lib/config";
import { createMemoryTurnLimiter } from "./memory-turn-limiter";
import { createRedisTurnLimiter } from "./redis-turn-limiter";
import type { TurnLimiter } from "./turn-limiter";

/**
 * The app's one turn limiter, from the configuration: Redis when REDIS_URL is set
 * (every instance shares the budget), else this process's memory (one instance only).
 */

// On globalThis, not in a module variable: Next can load this module in more than one
// module graph of the same server, and two in-memory limiters would each count half the turns.
const KEY = Symbol.for("phoenix-session-chat.turn-limiter");
type Holder = { [KEY]?: TurnLimiter };

export function turnLimiter(): TurnLimiter {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createTurnLimiter(loadConfig()));
}

export function createTurnLimiter({ limits, onVercel }: Pick<AppConfig, "limits" | "onVercel">): TurnLimiter {
  if (limits.redisUrl) {
    console.info("[limits] counting turns in Redis (REDIS_URL): the limits hold across instances");
    return createRedisTurnLimiter({ ...limits, url: limits.redisUrl, timeoutMs: limits.redisTimeoutMs });
  }
  // Said at start, because on Vercel this quietly multiplies every budget by the number of instances.
  const log = onVercel ? console.warn : console.info;
  log("[limits] REDIS_URL is not set: counting turns in this process, so the limits hold for one instance only");
  return createMemoryTurnLimiter(limits);
}
