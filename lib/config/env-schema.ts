import "server-only";
import { z } from "zod";
import type { MaskingOptions } from "@/lib/tracing/masking";

/**
 * Every environment variable the app reads, with its check and default: the schema
 * lib/config.ts parses once at start-up. A bad value's message names the variable
 * and shows a good one.
 */

// An exported-but-empty variable (`OPENAI_API_KEY=`) means "not set", not "set to ''".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());

const onOff = z
  .enum(["true", "false", "1", "0", "on", "off"])
  .transform((value) => value === "true" || value === "1" || value === "on");

/** `OPENINFERENCE_HIDE_*` -> the TraceConfig switch it sets. */
export const MASKING_SWITCHES = {
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

export const EnvSchema = z.object({
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
  // Abuse and cost (README "Abuse and cost"): budgets a script cannot walk around by minting cookies.
  TURN_LIMIT_PER_ADDRESS: optional(wholeNumber("TURN_LIMIT_PER_ADDRESS", 1, 1_000_000, "200")).default(200),
  TURN_LIMIT_GLOBAL_PER_HOUR: optional(wholeNumber("TURN_LIMIT_GLOBAL_PER_HOUR", 1, 100_000_000, "1000")).default(1_000),
  NEW_VISITORS_PER_ADDRESS: optional(wholeNumber("NEW_VISITORS_PER_ADDRESS", 1, 1_000_000, "20")).default(20),
  WRITE_LIMIT_PER_USER: optional(wholeNumber("WRITE_LIMIT_PER_USER", 1, 1_000_000, "60")).default(60),
  WRITE_LIMIT_PER_ADDRESS: optional(wholeNumber("WRITE_LIMIT_PER_ADDRESS", 1, 1_000_000, "300")).default(300),
  // How many proxies of yours append to X-Forwarded-For in front of `next start` (0: trust none, use the socket).
  TRUSTED_PROXY_HOPS: optional(wholeNumber("TRUSTED_PROXY_HOPS", 0, 10, "1 (one load balancer)")).default(0),
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

