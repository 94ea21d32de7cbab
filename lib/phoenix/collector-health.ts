import "server-only";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * Whether the collector answers, as the session panel shows it: checking, live or
 * unreachable. Two rules make it trustworthy:
 * - **Nobody waits for it.** `peek()` answers at once with what is known and starts a
 *   probe in the background when the last one is stale; a page render never waits on a
 *   collector that hangs. Only the panel's poll (`check()`) waits for a probe.
 * - **Unreachable means it lasted.** A busy Phoenix can reset or outwait one probe (seen in
 *   CI: ECONNRESET while it loaded its UI). Phoenix is called unreachable only after
 *   `failures` probes in a row have failed over at least `ms`; until then the state stays
 *   what it was (live, or checking), so a single slow answer never hides a link.
 */

export type CollectorHealth = { state: "checking" | "live" } | { state: "unreachable"; problem: string };

export type HealthTrackerOptions = {
  /** Phoenix's `/healthz`. */
  url: string;
  /** One probe's time limit (connect included). */
  timeoutMs?: number;
  /** A probe's answer is reused this long. */
  cacheMs?: number;
  unreachableAfter?: { failures: number; ms: number };
  now?: () => number;
};

// Generous: a busy Phoenix (its UI loading, a large ingest) can take over a second to answer.
export const HEALTH_TIMEOUT_MS = 3_000;
export const HEALTH_CACHE_MS = 5_000;
export const UNREACHABLE_AFTER = { failures: 3, ms: 10_000 };

export type HealthTracker = {
  /** What is known now, without waiting; a stale answer starts a probe in the background. */
  peek(): CollectorHealth;
  /** Waits for a probe when the last answer is stale (concurrent callers share one). */
  check(): Promise<CollectorHealth>;
};

export function createHealthTracker(options: HealthTrackerOptions): HealthTracker {
  const { url, timeoutMs = HEALTH_TIMEOUT_MS, cacheMs = HEALTH_CACHE_MS, now = Date.now } = options;
  const limit = options.unreachableAfter ?? UNREACHABLE_AFTER;
  let health: CollectorHealth = { state: "checking" };
  let failures: { count: number; since: number } | undefined;
  let answeredAt: number | undefined;
  let inFlight: Promise<void> | undefined;

  const record = (answer: Probe) => {
    answeredAt = now();
    if (answer.live) {
      failures = undefined;
      health = { state: "live" };
      return;
    }
    failures = failures ? { ...failures, count: failures.count + 1 } : { count: 1, since: answeredAt };
    if (failures.count >= limit.failures && answeredAt - failures.since >= limit.ms) {
      health = { state: "unreachable", problem: answer.problem };
    }
  };
  const stale = () => answeredAt === undefined || now() - answeredAt >= cacheMs;
  const probeOnce = () =>
    (inFlight ??= probe(url, timeoutMs)
      .then(record)
      .finally(() => (inFlight = undefined)));

  return {
    peek() {
      if (stale()) void probeOnce();
      return health;
    },
    async check() {
      if (stale()) await probeOnce();
      return health;
    },
  };
}

type Probe = { live: true } | { live: false; problem: string };

/**
 * A GET of `url`: live when it answers 2xx within `timeoutMs`. node:http, not fetch: Next
 * and @vercel/otel wrap `fetch` to trace it, and a health poll should not make spans. The
 * abort signal bounds the whole exchange, connect included. Never rejects.
 */
export function probe(url: string, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    let req: ReturnType<typeof httpRequest>;
    try {
      req = request(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs) }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? { live: true } : { live: false, problem: `HTTP ${status}` });
      });
    } catch (error) {
      return resolve({ live: false, problem: (error as Error).message });
    }
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ live: false, problem: describe(error, timeoutMs) }));
    req.end();
  });
}

function describe(error: NodeJS.ErrnoException, timeoutMs: number): string {
  if (error.name === "AbortError" || error.name === "TimeoutError") return `no answer within ${timeoutMs / 1000}s`;
  if (error.code === "ECONNREFUSED") return "connection refused";
  if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN") return "host not found";
  return error.code ?? error.message;
}
