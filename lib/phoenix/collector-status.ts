import "server-only";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { loadConfig, type AppConfig } from "@/lib/config";

/**
 * Where the app's traces go, and whether anything answers there, for the session
 * panel. Checked on the server (the browser may not reach the collector, and must not
 * need to), at most once per `cacheMs` for the whole server, each check cut off after
 * `timeoutMs`. Nothing on a chat turn's path waits for it.
 */

export type CollectorStatus =
  | { tracing: "off" }
  | {
      tracing: "on";
      /** The collector as people say it: `localhost:6006`, `app.phoenix.arize.com/s/team`. */
      collector: string;
      /** Phoenix's UI, for the links; null when PHOENIX_URL is set empty (no links). */
      phoenixUrl: string | null;
      /** On this machine: `npm run phoenix` is the fix when it does not answer. */
      local: boolean;
      state: "live" | "unreachable";
      /** Why it is unreachable: "connection refused", "no answer within 1s", "HTTP 503". */
      problem?: string;
    };

export type Health = { live: true } | { live: false; problem: string };

// Generous: a busy Phoenix (its UI loading, a large ingest) can take over a second to answer
// /healthz, and calling it "unreachable" then would hide the links for nothing. The check never blocks a turn.
export const HEALTH_TIMEOUT_MS = 3_000;
export const HEALTH_CACHE_MS = 5_000;

/**
 * A cached GET of `url`: live when it answers 2xx within `timeoutMs`. Concurrent
 * callers share one request; a result (either way) is reused for `cacheMs`. Never rejects.
 */
export function createHealthCheck(options: {
  url: string;
  timeoutMs?: number;
  cacheMs?: number;
  now?: () => number;
}): () => Promise<Health> {
  const { url, timeoutMs = HEALTH_TIMEOUT_MS, cacheMs = HEALTH_CACHE_MS, now = Date.now } = options;
  let cached: { at: number; health: Health } | undefined;
  let inFlight: Promise<Health> | undefined;
  return () => {
    if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.health);
    inFlight ??= probe(url, timeoutMs).then((health) => {
      cached = { at: now(), health };
      inFlight = undefined;
      return health;
    });
    return inFlight;
  };
}

/**
 * node:http, not fetch: Next and @vercel/otel wrap `fetch` to trace it, and a health
 * poll should not make spans. The abort signal bounds the whole exchange, connect included.
 */
function probe(url: string, timeoutMs: number): Promise<Health> {
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

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `http://localhost:6006/` -> "localhost:6006"; a path prefix (Phoenix Cloud spaces) stays. */
export function collectorLabel(endpoint: string): { label: string; local: boolean } {
  const url = new URL(endpoint);
  return { label: `${url.host}${url.pathname.replace(/\/+$/, "")}`, local: LOOPBACK.has(url.hostname) };
}

let check: { endpoint: string; run: () => Promise<Health> } | undefined;

/** The app's trace destination and whether it answers (Phoenix's `/healthz`). */
export async function collectorStatus(config: AppConfig = loadConfig()): Promise<CollectorStatus> {
  if (!config.tracingEnabled) return { tracing: "off" };
  const endpoint = config.phoenix.collectorEndpoint;
  if (check?.endpoint !== endpoint) check = { endpoint, run: createHealthCheck({ url: `${endpoint}/healthz` }) };
  const health = await check.run();
  const { label, local } = collectorLabel(endpoint);
  return {
    tracing: "on",
    collector: label,
    phoenixUrl: config.phoenix.uiUrl,
    local,
    ...(health.live ? { state: "live" } : { state: "unreachable", problem: health.problem }),
  };
}
