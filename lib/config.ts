import "server-only";
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { EnvSchema, MASKING_SWITCHES } from "./config/env-schema";
import { phoenixBaseUrl } from "./phoenix/endpoint";
import type { Limits } from "./limits/limiter";
import type { MaskingOptions } from "./tracing/masking";

/**
 * The one place the app reads its environment. Every variable is listed in the
 * README's table; `loadConfig()` runs at start-up (instrumentation.ts) so that a
 * bad value stops the server with a message that says what to set.
 */

export const MIN_SECRET_LENGTH = 32;
const HOUR = 3_600;

export type AppConfig = {
  isProduction: boolean;
  /** Newest first: the first seals new cookies, all of them unseal. */
  sessionSecrets: string[];
  model:
    | { kind: "openai"; apiKey: string; modelId: string; baseURL: string | undefined }
    | { kind: "demo"; delayMs: number };
  defaultRegion: string;
  phoenix: {
    /**
     * Phoenix's base URL, normalised once here: no trailing slash and no `/v1/traces`
     * (the exporter adds it; the health check, the REST API and the links need the base).
     */
    collectorEndpoint: string;
    projectName: string;
    apiKey: string | undefined;
    /**
     * Where people open Phoenix's UI ("Open in Phoenix", "View trace"): the collector's
     * address unless told otherwise; null (no links) when PHOENIX_URL is set but empty.
     */
    uiUrl: string | null;
  };
  tracingEnabled: boolean;
  /** Values that must never reach a log line or a span (the API keys that are set). */
  secrets: string[];
  /** The `OPENINFERENCE_HIDE_*` switches that are set (unset ones show everything). */
  masking: MaskingOptions;
  /** Running on Vercel (it sets VERCEL=1): its geo headers can be trusted, and functions freeze after a response. */
  onVercel: boolean;
  /**
   * Export each turn's spans as soon as it ends. Needed where a function is frozen
   * after its response (Vercel, AWS Lambda: detected); a long-running server's batch
   * processor exports every few seconds without it.
   */
  flushEachTurn: boolean;
  /** The budgets (README "Limits", "Abuse and cost"). `redisUrl` unset: counted in this process, which holds for one instance only. */
  limits: Limits & { redisUrl: string | undefined; redisTimeoutMs: number };
  /**
   * Proxies of the deployer's that append to X-Forwarded-For in front of the app (0: none,
   * the socket address is the client's). Ignored on Vercel, whose own header is used.
   */
  trustedProxyHops: number;
  /**
   * Whether the browser may change its own tier. Default: yes with the demo model (it
   * demonstrates metadata), no with a real model (a free user would make themselves pro).
   */
  allowTierSwitch: boolean;
  /**
   * Deleting a conversation also deletes its Phoenix session (its traces). Off by
   * default: traces usually belong to the operator; on for a user's right to erasure.
   */
  deleteTracesWithConversation: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

let cached: AppConfig | undefined;

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  if (env === process.env && cached) return cached;
  const config = parseConfig(env);
  if (env === process.env) cached = config;
  return config;
}

/**
 * True in a production build (`next build`, then `next start`), whatever NODE_ENV the
 * server is later started with: Next replaces this exact expression in its bundles at
 * build time ("production" for `next build`, "development" for `next dev`). Outside
 * Next (vitest, scripts) it reads the variable.
 */
export const PRODUCTION_BUILD = process.env.NODE_ENV === "production";

export function parseConfig(env: Env, { productionBuild = PRODUCTION_BUILD }: { productionBuild?: boolean } = {}): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  // A production build never makes up a secret, even when started with NODE_ENV=test or development.
  const isProduction = productionBuild || e.NODE_ENV === "production";
  const onVercel = e.VERCEL === "1";
  const collectorEndpoint = phoenixBaseUrl(e.PHOENIX_COLLECTOR_ENDPOINT);
  return {
    isProduction,
    sessionSecrets: resolveSessionSecrets(e.SESSION_SECRET, isProduction, env),
    model: e.OPENAI_API_KEY
      ? { kind: "openai", apiKey: e.OPENAI_API_KEY, modelId: e.OPENAI_MODEL, baseURL: e.OPENAI_BASE_URL }
      : { kind: "demo", delayMs: e.DEMO_MODEL_DELAY_MS },
    defaultRegion: e.DEFAULT_REGION || "local",
    phoenix: {
      collectorEndpoint,
      projectName: e.PHOENIX_PROJECT_NAME || "phoenix-session-chat",
      apiKey: e.PHOENIX_API_KEY,
      uiUrl: phoenixUiUrl(env.PHOENIX_URL, e.PHOENIX_URL, collectorEndpoint),
    },
    tracingEnabled: e.TRACING_ENABLED,
    secrets: [e.OPENAI_API_KEY, e.PHOENIX_API_KEY].filter((secret): secret is string => secret !== undefined),
    masking: maskingFromEnv(e),
    onVercel,
    flushEachTurn: e.TRACING_FLUSH_EACH_TURN ?? (onVercel || e.AWS_LAMBDA_FUNCTION_NAME !== undefined),
    limits: {
      perTier: {
        free: { turns: e.TURN_LIMIT_FREE, windowSeconds: e.TURN_LIMIT_WINDOW_SECONDS },
        pro: { turns: e.TURN_LIMIT_PRO, windowSeconds: e.TURN_LIMIT_WINDOW_SECONDS },
      },
      maxConcurrent: e.MAX_CONCURRENT_TURNS,
      perAddress: { turns: e.TURN_LIMIT_PER_ADDRESS, windowSeconds: e.TURN_LIMIT_WINDOW_SECONDS },
      global: { turns: e.TURN_LIMIT_GLOBAL_PER_HOUR, windowSeconds: HOUR },
      newVisitors: { turns: e.NEW_VISITORS_PER_ADDRESS, windowSeconds: HOUR },
      writes: {
        perUser: { turns: e.WRITE_LIMIT_PER_USER, windowSeconds: HOUR },
        perAddress: { turns: e.WRITE_LIMIT_PER_ADDRESS, windowSeconds: HOUR },
      },
      redisUrl: e.REDIS_URL,
      redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    },
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    allowTierSwitch: e.ALLOW_TIER_SWITCH ?? !e.OPENAI_API_KEY,
    deleteTracesWithConversation: e.DELETE_TRACES_WITH_CONVERSATION,
  };
}

/**
 * `SESSION_SECRET` holds one secret, or several separated by commas for rotation
 * (newest first). Production (a production build, or NODE_ENV=production) refuses to
 * run without one; `next dev` makes one up so `npm run dev` works on a fresh clone,
 * and says so once.
 */
function resolveSessionSecrets(raw: string | undefined, isProduction: boolean, env: Env): string[] {
  const secrets = (raw ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
  const short = secrets.findIndex((secret) => secret.length < MIN_SECRET_LENGTH);
  if (secrets.length > 0 && short === -1) return secrets;

  const problem =
    secrets.length === 0
      ? "SESSION_SECRET is not set"
      : `SESSION_SECRET${secrets.length > 1 ? ` (secret #${short + 1})` : ""} is shorter than ${MIN_SECRET_LENGTH} characters`;
  const fix = `Set SESSION_SECRET to a random string of at least ${MIN_SECRET_LENGTH} characters, e.g. the output of \`openssl rand -base64 32\`.`;
  if (isProduction || secrets.length > 0) throw new ConfigError(`${problem}. ${fix}`);

  // Kept in process.env so every module graph of this dev server (proxy, actions,
  // pages) seals and unseals with the same made-up secret.
  const generated = randomBytes(32).toString("base64url");
  env.SESSION_SECRET = generated;
  console.warn(`[config] ${problem}: using a random secret for this dev server; visitors and conversations start afresh when it restarts. ${fix}`);
  return [generated];
}

function maskingFromEnv(e: z.infer<typeof EnvSchema>): MaskingOptions {
  const masking: { -readonly [K in keyof MaskingOptions]: MaskingOptions[K] } = {};
  for (const [name, key] of Object.entries(MASKING_SWITCHES) as [keyof typeof MASKING_SWITCHES, keyof MaskingOptions][]) {
    const value = e[name];
    if (value !== undefined) (masking as Record<string, boolean>)[key] = value;
  }
  if (e.OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH !== undefined) masking.base64ImageMaxLength = e.OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH;
  return masking;
}

/**
 * The links show every visitor where the traces live. `PHOENIX_URL=` (set, but empty)
 * is how an operator hides them; unlike the other variables, empty is not "unset" here.
 */
function phoenixUiUrl(raw: string | undefined, parsed: string | undefined, collectorEndpoint: string): string | null {
  if (raw !== undefined && raw.trim() === "") return null;
  return stripTrailingSlash(parsed ?? collectorEndpoint);
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

