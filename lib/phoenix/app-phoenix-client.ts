import "server-only";
import type { AppConfig } from "@/lib/config";
import { createPhoenixClient, type PhoenixClient } from "./rest-client";

/**
 * The app's one Phoenix REST client (votes, ratings, deletes), so its concurrency cap
 * holds for the whole server: a client per request would give each its own cap, which
 * is no cap. null when tracing is off: there are no traces to annotate or delete.
 */

// On globalThis: Next loads server modules in more than one module graph of one server.
const KEY = Symbol.for("phoenix-session-chat.phoenix-rest-client");
type Holder = { [KEY]?: { key: string; client: PhoenixClient } };

export function appPhoenixClient(config: Pick<AppConfig, "tracingEnabled" | "phoenix">): PhoenixClient | null {
  if (!config.tracingEnabled) return null;
  const { collectorEndpoint, apiKey } = config.phoenix;
  const key = `${collectorEndpoint}\n${apiKey ?? ""}`;
  const holder = globalThis as Holder;
  if (holder[KEY]?.key !== key) holder[KEY] = { key, client: createPhoenixClient({ baseUrl: collectorEndpoint, apiKey }) };
  return holder[KEY].client;
}
