import { describe, expect, it, vi } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

const SECRET = "s".repeat(32);

describe("parseConfig", () => {
  it("runs the offline demo model when no OpenAI key is set", () => {
    const config = parseConfig({ NODE_ENV: "production", SESSION_SECRET: SECRET });
    expect(config.model).toEqual({ kind: "demo", delayMs: 20 });
    expect(config.phoenix).toEqual({
      collectorEndpoint: "http://localhost:6006",
      projectName: "phoenix-session-chat",
      apiKey: undefined,
      uiUrl: "http://localhost:6006",
    });
    expect(config.tracingEnabled).toBe(true);
  });

  it("uses OpenAI with the configured model and base URL when a key is set", () => {
    const config = parseConfig({
      SESSION_SECRET: SECRET,
      OPENAI_API_KEY: "sk-test",
      OPENAI_MODEL: "gpt-4.1-mini",
      OPENAI_BASE_URL: "http://localhost:11434/v1",
    });
    expect(config.model).toEqual({ kind: "openai", apiKey: "sk-test", modelId: "gpt-4.1-mini", baseURL: "http://localhost:11434/v1" });
  });

  it("treats empty variables as unset", () => {
    const config = parseConfig({ SESSION_SECRET: SECRET, OPENAI_API_KEY: "", PHOENIX_API_KEY: " " });
    expect(config.model.kind).toBe("demo");
    expect(config.phoenix.apiKey).toBeUndefined();
  });

  it("hides the Phoenix links when PHOENIX_URL is set but empty, and links to the collector when it is unset", () => {
    const endpoint = { SESSION_SECRET: SECRET, PHOENIX_COLLECTOR_ENDPOINT: "https://app.phoenix.arize.com/s/acme/" };
    expect(parseConfig(endpoint).phoenix.uiUrl).toBe("https://app.phoenix.arize.com/s/acme");
    expect(parseConfig({ ...endpoint, PHOENIX_URL: "" }).phoenix.uiUrl).toBeNull();
    expect(parseConfig({ ...endpoint, PHOENIX_URL: "  " }).phoenix.uiUrl).toBeNull();
    // Hiding the links changes nothing about where spans go.
    expect(parseConfig({ ...endpoint, PHOENIX_URL: "" }).phoenix.collectorEndpoint).toBe("https://app.phoenix.arize.com/s/acme");
  });

  it("reads several comma-separated secrets, newest first, for rotation", () => {
    const config = parseConfig({ SESSION_SECRET: `${"n".repeat(40)}, ${"o".repeat(32)}` });
    expect(config.sessionSecrets).toEqual(["n".repeat(40), "o".repeat(32)]);
  });

  it("refuses to run in production without a secret, saying what to set", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET is not set.*at least 32 characters/);
  });

  it("refuses a short secret in any environment", () => {
    expect(() => parseConfig({ NODE_ENV: "production", SESSION_SECRET: "short" })).toThrow(/shorter than 32/);
    expect(() => parseConfig({ NODE_ENV: "development", SESSION_SECRET: `${SECRET},tiny` })).toThrow(/secret #2.*shorter than 32/);
  });

  it("makes up a secret in development, warns once, and shares it through the environment", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const env: Record<string, string | undefined> = { NODE_ENV: "development" };
    const first = parseConfig(env);
    expect(first.sessionSecrets[0]!.length).toBeGreaterThanOrEqual(32);
    expect(env.SESSION_SECRET).toBe(first.sessionSecrets[0]);
    // A second module graph of the same dev server reads the same secret, with no second warning.
    expect(parseConfig(env).sessionSecrets).toEqual(first.sessionSecrets);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it("flushes each turn on serverless platforms only, unless told otherwise", () => {
    expect(parseConfig({ SESSION_SECRET: SECRET }).flushEachTurn).toBe(false);
    expect(parseConfig({ SESSION_SECRET: SECRET, VERCEL: "1" }).flushEachTurn).toBe(true);
    expect(parseConfig({ SESSION_SECRET: SECRET, VERCEL: "1" }).onVercel).toBe(true);
    expect(parseConfig({ SESSION_SECRET: SECRET }).onVercel).toBe(false);
    expect(parseConfig({ SESSION_SECRET: SECRET, AWS_LAMBDA_FUNCTION_NAME: "chat" }).flushEachTurn).toBe(true);
    expect(parseConfig({ SESSION_SECRET: SECRET, VERCEL: "1", TRACING_FLUSH_EACH_TURN: "false" }).flushEachTurn).toBe(false);
    expect(parseConfig({ SESSION_SECRET: SECRET, TRACING_FLUSH_EACH_TURN: "true" }).flushEachTurn).toBe(true);
  });

  it("names the variable when a value is invalid", () => {
    expect(() => parseConfig({ SESSION_SECRET: SECRET, PHOENIX_COLLECTOR_ENDPOINT: "not a url" })).toThrow(
      /PHOENIX_COLLECTOR_ENDPOINT must be a URL/,
    );
    expect(() => parseConfig({ SESSION_SECRET: SECRET, TRACING_ENABLED: "maybe" })).toThrow(/TRACING_ENABLED/);
  });

  it("accepts a trailing slash on Phoenix URLs and a separate UI URL", () => {
    const config = parseConfig({
      SESSION_SECRET: SECRET,
      PHOENIX_COLLECTOR_ENDPOINT: "http://collector:6006/",
      PHOENIX_URL: "https://phoenix.example.com/",
      TRACING_ENABLED: "false",
    });
    expect(config.phoenix.collectorEndpoint).toBe("http://collector:6006");
    expect(config.phoenix.uiUrl).toBe("https://phoenix.example.com");
    expect(config.tracingEnabled).toBe(false);
  });

  it("normalises a collector endpoint given as the OTLP URL to Phoenix's address, once, for every use", () => {
    for (const [endpoint, base] of [
      ["http://px:6006/v1/traces", "http://px:6006"],
      ["http://px:6006/v1/traces/", "http://px:6006"],
      ["https://app.phoenix.arize.com/s/me/v1/traces", "https://app.phoenix.arize.com/s/me"],
      ["https://app.phoenix.arize.com/s/me/", "https://app.phoenix.arize.com/s/me"],
      ["http://px:6006/v1/tracesextra", "http://px:6006/v1/tracesextra"],
    ]) {
      const config = parseConfig({ SESSION_SECRET: SECRET, PHOENIX_COLLECTOR_ENDPOINT: endpoint });
      expect(config.phoenix.collectorEndpoint, endpoint).toBe(base);
      // The links open Phoenix's UI at its address, never under /v1/traces/.
      expect(config.phoenix.uiUrl, endpoint).toBe(base);
    }
  });

  it("lists the API keys that are set as secrets to keep out of logs and spans", () => {
    expect(parseConfig({ SESSION_SECRET: SECRET }).secrets).toEqual([]);
    const config = parseConfig({ SESSION_SECRET: SECRET, OPENAI_API_KEY: "sk-openai-key-123456", PHOENIX_API_KEY: "px-key-123456" });
    expect(config.secrets).toEqual(["sk-openai-key-123456", "px-key-123456"]);
  });

  it("reads the OPENINFERENCE_HIDE_* switches with the same spellings as the other booleans, and passes only those set", () => {
    const config = parseConfig({
      SESSION_SECRET: SECRET,
      OPENINFERENCE_HIDE_INPUTS: "1",
      OPENINFERENCE_HIDE_OUTPUTS: "on",
      OPENINFERENCE_HIDE_INPUT_TEXT: "true",
      OPENINFERENCE_HIDE_LLM_TOOLS: "off",
      OPENINFERENCE_HIDE_PROMPTS: "0",
      OPENINFERENCE_HIDE_EMBEDDING_VECTORS: "",
      OPENINFERENCE_BASE64_IMAGE_MAX_LENGTH: "1000",
    });
    expect(config.masking).toEqual({
      hideInputs: true,
      hideOutputs: true,
      hideInputText: true,
      hideLLMTools: false,
      hidePrompts: false,
      base64ImageMaxLength: 1000,
    });
    expect(parseConfig({ SESSION_SECRET: SECRET }).masking).toEqual({});
    expect(() => parseConfig({ SESSION_SECRET: SECRET, OPENINFERENCE_HIDE_OUTPUTS: "yes" })).toThrow(/OPENINFERENCE_HIDE_OUTPUTS/);
  });

  it("limits turns by tier with demo-friendly defaults, counted in-process unless REDIS_URL is set", () => {
    const config = parseConfig({ SESSION_SECRET: SECRET });
    expect(config.limits).toEqual({
      perTier: { free: { turns: 20, windowSeconds: 3600 }, pro: { turns: 200, windowSeconds: 3600 } },
      maxConcurrent: 2,
      perAddress: { turns: 200, windowSeconds: 3600 },
      global: { turns: 1_000, windowSeconds: 3600 },
      newVisitors: { turns: 20, windowSeconds: 3600 },
      writes: { perUser: { turns: 60, windowSeconds: 3600 }, perAddress: { turns: 300, windowSeconds: 3600 } },
      redisUrl: undefined,
      redisTimeoutMs: 250,
    });
    expect(config.trustedProxyHops).toBe(0);
    const custom = parseConfig({
      SESSION_SECRET: SECRET,
      TURN_LIMIT_FREE: "5",
      TURN_LIMIT_PRO: " 50 ",
      TURN_LIMIT_WINDOW_SECONDS: "60",
      MAX_CONCURRENT_TURNS: "1",
      REDIS_URL: "rediss://default:secret@example.upstash.io:6379",
      REDIS_TIMEOUT_MS: "100",
      TURN_LIMIT_PER_ADDRESS: "40",
      TURN_LIMIT_GLOBAL_PER_HOUR: "5000",
      NEW_VISITORS_PER_ADDRESS: "3",
      WRITE_LIMIT_PER_USER: "10",
      WRITE_LIMIT_PER_ADDRESS: "30",
      TRUSTED_PROXY_HOPS: "2",
    });
    expect(custom.limits).toEqual({
      perTier: { free: { turns: 5, windowSeconds: 60 }, pro: { turns: 50, windowSeconds: 60 } },
      maxConcurrent: 1,
      // The address shares the tiers' window; the spend cap, new visitors and writes are per hour.
      perAddress: { turns: 40, windowSeconds: 60 },
      global: { turns: 5_000, windowSeconds: 3600 },
      newVisitors: { turns: 3, windowSeconds: 3600 },
      writes: { perUser: { turns: 10, windowSeconds: 3600 }, perAddress: { turns: 30, windowSeconds: 3600 } },
      redisUrl: "rediss://default:secret@example.upstash.io:6379",
      redisTimeoutMs: 100,
    });
    expect(custom.trustedProxyHops).toBe(2);
  });

  it("refuses bad limit values at start, naming the variable and an example", () => {
    const bad = (env: Record<string, string>) => () => parseConfig({ SESSION_SECRET: SECRET, ...env });
    expect(bad({ TURN_LIMIT_FREE: "twenty" })).toThrow(/TURN_LIMIT_FREE must be a whole number from 1 to 1,000,000, e\.g\. 20/);
    expect(bad({ TURN_LIMIT_PRO: "0" })).toThrow(/TURN_LIMIT_PRO must be a whole number/);
    expect(bad({ TURN_LIMIT_WINDOW_SECONDS: "1.5" })).toThrow(/TURN_LIMIT_WINDOW_SECONDS must be a whole number/);
    expect(bad({ MAX_CONCURRENT_TURNS: "-1" })).toThrow(/MAX_CONCURRENT_TURNS must be a whole number from 1 to 100/);
    expect(bad({ REDIS_TIMEOUT_MS: "60000" })).toThrow(/REDIS_TIMEOUT_MS must be a whole number from 10 to 10,000/);
    expect(bad({ REDIS_URL: "http://localhost:6379" })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(bad({ REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL/);
    expect(bad({ ALLOW_TIER_SWITCH: "sometimes" })).toThrow(/ALLOW_TIER_SWITCH/);
    expect(bad({ TURN_LIMIT_PER_ADDRESS: "0" })).toThrow(/TURN_LIMIT_PER_ADDRESS must be a whole number from 1 to 1,000,000, e\.g\. 200/);
    expect(bad({ TURN_LIMIT_GLOBAL_PER_HOUR: "lots" })).toThrow(/TURN_LIMIT_GLOBAL_PER_HOUR must be a whole number/);
    expect(bad({ NEW_VISITORS_PER_ADDRESS: "2.5" })).toThrow(/NEW_VISITORS_PER_ADDRESS must be a whole number/);
    expect(bad({ WRITE_LIMIT_PER_USER: "-3" })).toThrow(/WRITE_LIMIT_PER_USER must be a whole number/);
    expect(bad({ WRITE_LIMIT_PER_ADDRESS: "0" })).toThrow(/WRITE_LIMIT_PER_ADDRESS must be a whole number/);
    expect(bad({ TRUSTED_PROXY_HOPS: "11" })).toThrow(/TRUSTED_PROXY_HOPS must be a whole number from 0 to 10/);
    // A password in REDIS_URL never reaches the error message.
    expect(bad({ REDIS_URL: "http://user:hunter2@host" })).toThrow(/^(?![\s\S]*hunter2)[\s\S]*REDIS_URL/);
  });

  it("lets the browser switch tiers with the demo model only, unless ALLOW_TIER_SWITCH says otherwise", () => {
    expect(parseConfig({ SESSION_SECRET: SECRET }).allowTierSwitch).toBe(true);
    expect(parseConfig({ SESSION_SECRET: SECRET, OPENAI_API_KEY: "sk-test" }).allowTierSwitch).toBe(false);
    expect(parseConfig({ SESSION_SECRET: SECRET, OPENAI_API_KEY: "sk-test", ALLOW_TIER_SWITCH: "true" }).allowTierSwitch).toBe(true);
    expect(parseConfig({ SESSION_SECRET: SECRET, ALLOW_TIER_SWITCH: "false" }).allowTierSwitch).toBe(false);
  });
});
