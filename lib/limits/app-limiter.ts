import "server-only";
import { loadConfig, type AppConfig } from "@/lib/config";
import { SOCKET_ADDRESS_HEADER, socketAddressStamped } from "@/lib/http/socket-address";
import { clientAddress } from "./client-address";
import type { ClientAddress, Limiter } from "./limiter";
import { createMemoryLimiter } from "./memory-limiter";
import { createRedisLimiter } from "./redis-limiter";

/**
 * The app's one limiter, from the configuration: Redis when REDIS_URL is set (every
 * instance shares the budgets), else this process's memory (one instance only).
 */

// On globalThis, not in a module variable: Next loads this module in more than one module
// graph of the same server (proxy.ts, the actions), and two in-memory limiters would each count half.
const KEY = Symbol.for("phoenix-session-chat.limiter");
type Holder = { [KEY]?: Limiter };

export function appLimiter(): Limiter {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createLimiter(loadConfig()));
}

export function createLimiter({ limits, onVercel }: Pick<AppConfig, "limits" | "onVercel">): Limiter {
  if (limits.redisUrl) {
    console.info("[limits] counting in Redis (REDIS_URL): the limits hold across instances");
    return createRedisLimiter({ ...limits, url: limits.redisUrl, timeoutMs: limits.redisTimeoutMs });
  }
  // Said at start, because on Vercel this quietly multiplies every budget by the number of instances.
  const log = onVercel ? console.warn : console.info;
  log("[limits] REDIS_URL is not set: counting in this process, so the limits hold for one instance only");
  return createMemoryLimiter(limits);
}

const UNKNOWN_WARNED = Symbol.for("phoenix-session-chat.unknown-address-warned");

/**
 * The request's client address under this deployment's rules (lib/limits/client-address.ts).
 * Unknown (no trusted header): the per-address budgets are skipped for that request, never
 * one bucket shared by every unknown caller; the log says so once.
 */
export function requestAddress(headers: Headers): ClientAddress {
  const { onVercel, trustedProxyHops } = loadConfig();
  const address = clientAddress(headers, {
    onVercel,
    trustedProxyHops,
    socket: { header: SOCKET_ADDRESS_HEADER, stamped: socketAddressStamped() },
  });
  const holder = globalThis as { [UNKNOWN_WARNED]?: boolean };
  if (address === null && !holder[UNKNOWN_WARNED]) {
    holder[UNKNOWN_WARNED] = true;
    const where = onVercel ? "Vercel's x-vercel-forwarded-for" : trustedProxyHops > 0 ? "X-Forwarded-For" : "the socket";
    console.warn(
      `[limits] a request came without a client address (from ${where}): per-address budgets are skipped for such requests; the per-user and global budgets still hold`,
    );
  }
  return address;
}
