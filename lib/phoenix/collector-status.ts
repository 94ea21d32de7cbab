import "server-only";
import { loadConfig, type AppConfig } from "@/lib/config";
import { createHealthTracker, type CollectorHealth, type HealthTracker } from "./collector-health";

/**
 * Where the app's traces go, and whether anything answers there, for the session
 * panel. Checked on the server (the browser may not reach the collector, and must not
 * need to), one tracker for the whole server (lib/phoenix/collector-health.ts).
 * Nothing on a chat turn's path, and no page render, waits for it.
 */

export type CollectorStatus =
  | { tracing: "off" }
  | ({
      tracing: "on";
      /** The collector as people say it: `localhost:6006`, `app.phoenix.arize.com/s/team`. */
      collector: string;
      /** Phoenix's UI, for the links; null when PHOENIX_URL is set empty (no links). */
      phoenixUrl: string | null;
      /** On this machine: `npm run phoenix` is the fix when it does not answer. */
      local: boolean;
    } & CollectorHealth);

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `http://localhost:6006/` -> "localhost:6006"; a path prefix (Phoenix Cloud spaces) stays. */
export function collectorLabel(endpoint: string): { label: string; local: boolean } {
  const url = new URL(endpoint);
  return { label: `${url.host}${url.pathname.replace(/\/+$/, "")}`, local: LOOPBACK.has(url.hostname) };
}

let tracker: { endpoint: string; health: HealthTracker } | undefined;

function healthOf(endpoint: string): HealthTracker {
  if (tracker?.endpoint !== endpoint) tracker = { endpoint, health: createHealthTracker({ url: `${endpoint}/healthz` }) };
  return tracker.health;
}

/** For the page: what is known now ("checking" before the first answer). Never waits. */
export function collectorStatusNow(config: AppConfig = loadConfig()): CollectorStatus {
  if (!config.tracingEnabled) return { tracing: "off" };
  return describe(config, healthOf(config.phoenix.collectorEndpoint).peek());
}

/** For the panel's poll (`/api/collector-status`): waits for a probe when the last answer is stale. */
export async function collectorStatus(config: AppConfig = loadConfig()): Promise<CollectorStatus> {
  if (!config.tracingEnabled) return { tracing: "off" };
  return describe(config, await healthOf(config.phoenix.collectorEndpoint).check());
}

function describe(config: AppConfig, health: CollectorHealth): CollectorStatus {
  const { label, local } = collectorLabel(config.phoenix.collectorEndpoint);
  return { tracing: "on", collector: label, phoenixUrl: config.phoenix.uiUrl, local, ...health };
}
