import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { TurnLimits } from "./limits/turn-limiter";
import type { MaskingOptions } from "./tracing/masking";

/**
 * The one place the app reads its environment. Every variable is listed in the
 * README's table; `loadConfig()` runs at start-up (instrumentation.ts) so that a
 * bad value stops the server with a message that says what to set.
 */

export const MIN_SECRET_LENGTH = 32;

// An exported-but-empty variable (`OPENAI_API_KEY=`) means "not set", not "set to ''".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());

const onOff = z
  .enum(["true", "false", "1", "0", "on", "off"])
  .transform((value) => value === "true" || value === "1" || value === "on");

/** `OPENINFERENCE_HIDE_*` -> the TraceConfig switch it sets. */
const MASKING_SWITCHES = {
  OPENINFERENCE_HIDE_INPUTS: "hideInputs",
  OPENINFERENCE_HIDE_OUTPUTS: "hideOutputs",
  OPENINFERENCE_HIDE_INPUT_MESSAGES: "hideInputMessages",
  OPENINFERENCE_HIDE_OUTPUT_MESSAGES: "hideOutputMessages",
  OPENINFERENCE_HIDE_INPUT_IMAGES: "hideInputImages",
  OPENINFERENCE_HIDE_INPUT_TEXT: "hideInputText",
  OPENINFERENCE_HIDE_OUTPUT_TEXT: "hideOutputText",
  OPENINFERENCE_HIDE_EMBEDDING_VECTORS: "hideEmbeddingVectors",
  OPENINFERENCE_HIDE_LLM_TOOLS: "hideLLMTools",
  OPENINFERENCE_HIDE_PROMPTS: "hidePrompts",
} as const satisfies Record<`OPENINFERENCE_HIDE_${string}`, keyof MaskingOptions>;

/** A whole number in [min, max]; the message names the variable and gives an example. */
const wholeNumber = (name: string, min: number, max: number, example: string) => {
  const message = `${name} must be a whole number from ${min} to ${max.toLocaleString("en-US")}, e.g. ${example}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
};

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SESSION_SECRET: optional(z.string()),
  OPENAI_API_KEY: optional(z.string().trim()),
  OPENAI_MODEL: optional(z.string().trim()).default("gpt-4o-mini"),
  OPENAI_BASE_URL: optional(z.url({ message: "OPENAI_BASE_URL must be a URL, e.g. https://api.openai.com/v1" })),
  DEMO_MODEL_DELAY_MS: optional(z.coerce.number().int().min(0).max(5_000)).default(20),
  DEFAULT_REGION: optional(z.string().trim().max(64)).default("local"),
  PHOENIX_COLLECTOR_ENDPOINT: optional(
    z.url({ message: "PHOENIX_COLLECTOR_ENDPOINT must be a URL, e.g. http://localhost:6006" }),
  ).default("http://localhost:6006"),
  PHOENIX_PROJECT_NAME: optional(z.string().trim().max(200)).default("phoenix-session-chat"),
  PHOENIX_API_KEY: optional(z.string().trim()),
  PHOENIX_URL: optional(z.url({ message: "PHOENIX_URL must be a URL, e.g. http://localhost:6006" })),
  TRACING_ENABLED: optional(onOff).default(true),
  TRACING_FLUSH_EACH_TURN: optional(onOff),
  DELETE_TRACES_WITH_CONVERSATION: optional(onOff).default(false),
  // OpenInference's masking switches, same names as its other SDKs read; passed to lib/tracing.
  OPENINFERENCE_HIDE_INPUTS: optional(onOff),
  OPENINFERENCE_HIDE_OUTPUTS: optional(onOff),
  OPENINFERENCE_HIDE_INPUT_MESSAGES: optional(onOff),
  OPENINFERENCE_HIDE_OUTPUT_MESSAGES: optional(onOff),
  OPENINFERENCE_HIDE_INPUT_IMAGES: optional(onOff),
  OPENINFERENCE_HIDE_INPUT_TEXT: optional(onOff),
  OPENINFERENCE_HIDE_OUTPUT_TEXT: optional(onOff),
  OPENINFERENCE_HIDE_EMBEDDING_VECTORS: optional(onOff),
  OPENINFERENCE_HIDE_LLM_TOOLS: optional(onOff),
  OPENINFERENCE_HIDE_PROMPTS: optional(onOff),
  OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: optional(z.coerce.number().int().min(0)),
  // Turn limits (lib/limits/): per-user budget by tier over a sliding window, and a cap on turns running at once.
  TURN_LIMIT_FREE: optional(wholeNumber("TURN_LIMIT_FREE", 1, 1_000_000, "20")).default(20),
  TURN_LIMIT_PRO: optional(wholeNumber("TURN_LIMIT_PRO", 1, 1_000_000, "200")).default(200),
  TURN_LIMIT_WINDOW_SECONDS: optional(wholeNumber("TURN_LIMIT_WINDOW_SECONDS", 1, 30 * 86_400, "3600 (an hour)")).default(3_600),
  MAX_CONCURRENT_TURNS: optional(wholeNumber("MAX_CONCURRENT_TURNS", 1, 100, "2")).default(2),
  REDIS_URL: optional(
    z.url({
      protocol: /^rediss?$/,
      message: "REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://localhost:6379 (unset: limits count in this process only)",
    }),
  ),
  REDIS_TIMEOUT_MS: optional(wholeNumber("REDIS_TIMEOUT_MS", 10, 10_000, "250")).default(250),
  ALLOW_TIER_SWITCH: optional(onOff),
  // Set by the platforms whose functions are frozen once a response ends.
  VERCEL: optional(z.string()),
  AWS_LAMBDA_FUNCTION_NAME: optional(z.string()),
});

export type AppConfig = {
  isProduction: boolean;
  /** Newest first: the first seals new cookies, all of them unseal. */
  sessionSecrets: string[];
  model:
    | { kind: "openai"; apiKey: string; modelId: string; baseURL: string | undefined }
    | { kind: "demo"; delayMs: number };
  defaultRegion: string;
  phoenix: {
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
  /** Turn limits. `redisUrl` unset: counted in this process, which holds for one instance only. */
  limits: TurnLimits & { redisUrl: string | undefined; redisTimeoutMs: number };
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
  return {
    isProduction,
    sessionSecrets: resolveSessionSecrets(e.SESSION_SECRET, isProduction, env),
    model: e.OPENAI_API_KEY
      ? { kind: "openai", apiKey: e.OPENAI_API_KEY, modelId: e.OPENAI_MODEL, baseURL: e.OPENAI_BASE_URL }
      : { kind: "demo", delayMs: e.DEMO_MODEL_DELAY_MS },
    defaultRegion: e.DEFAULT_REGION || "local",
    phoenix: {
      collectorEndpoint: stripTrailingSlash(e.PHOENIX_COLLECTOR_ENDPOINT),
      projectName: e.PHOENIX_PROJECT_NAME || "phoenix-session-chat",
      apiKey: e.PHOENIX_API_KEY,
      uiUrl: phoenixUiUrl(env.PHOENIX_URL, e.PHOENIX_URL, e.PHOENIX_COLLECTOR_ENDPOINT),
    },
    tracingEnabled: e.TRACING_ENABLED,
    masking: maskingFromEnv(e),
    onVercel,
    flushEachTurn: e.TRACING_FLUSH_EACH_TURN ?? (onVercel || e.AWS_LAMBDA_FUNCTION_NAME !== undefined),
    limits: {
      perTier: {
        free: { turns: e.TURN_LIMIT_FREE, windowSeconds: e.TURN_LIMIT_WINDOW_SECONDS },
        pro: { turns: e.TURN_LIMIT_PRO, windowSeconds: e.TURN_LIMIT_WINDOW_SECONDS },
      },
      maxConcurrent: e.MAX_CONCURRENT_TURNS,
      redisUrl: e.REDIS_URL,
      redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    },
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
  console.warn(`[config] ${problem}: using a random secret for this dev server; sessions end when it restarts. ${fix}`);
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
