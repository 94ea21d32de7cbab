import { describe, expect, it } from "vitest";
import { EvalConfigError, parseEvalConfig, parseSince } from "@/eval/config";

/** `npm run eval`'s settings: the app's variables, two of its own, and the flags, all checked up front. */

const parse = (argv: string[] = [], env: Record<string, string | undefined> = {}) => parseEvalConfig(argv, env);
const problem = (argv: string[], env: Record<string, string | undefined> = {}) => {
  try {
    parse(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(EvalConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
};

describe("environment", () => {
  it("defaults: the local Phoenix, the app's default project, no judge", () => {
    const config = parse();
    expect(config.phoenix).toEqual({ baseUrl: "http://localhost:6006", projectName: "phoenix-session-chat", apiKey: undefined });
    expect(config.judge).toBeNull();
    expect(config.judgeSkippedReason).toBe("neither OPENAI_API_KEY nor OPENAI_BASE_URL is set");
    expect(config.select).toEqual({ since: undefined, limit: undefined, sessionId: undefined });
    expect(config.dryRun).toBe(false);
  });

  it("PHOENIX_COLLECTOR_ENDPOINT may be the OTLP path; the REST API is at the address", () => {
    for (const endpoint of ["https://phoenix.example.com/v1/traces", "https://phoenix.example.com/v1/traces/", "https://phoenix.example.com/"]) {
      expect(parse([], { PHOENIX_COLLECTOR_ENDPOINT: endpoint }).phoenix.baseUrl, endpoint).toBe("https://phoenix.example.com");
    }
  });

  it("the API key and project as the app reads them; empty means unset", () => {
    const config = parse([], { PHOENIX_API_KEY: " key-1 ", PHOENIX_PROJECT_NAME: "prod-chat", OPENAI_API_KEY: "" });
    expect(config.phoenix).toMatchObject({ apiKey: "key-1", projectName: "prod-chat" });
    expect(config.judge).toBeNull();
  });

  it("a key turns the judge on: EVAL_MODEL, else OPENAI_MODEL, else gpt-4o-mini; traced to <project>-evals", () => {
    expect(parse([], { OPENAI_API_KEY: "sk-1" }).judge).toEqual({
      apiKey: "sk-1",
      baseURL: undefined,
      modelId: "gpt-4o-mini",
      projectName: "phoenix-session-chat-evals",
    });
    expect(parse([], { OPENAI_API_KEY: "sk-1", OPENAI_MODEL: "gpt-4.1" }).judge?.modelId).toBe("gpt-4.1");
    expect(parse([], { OPENAI_API_KEY: "sk-1", OPENAI_MODEL: "gpt-4.1", EVAL_MODEL: "o4-mini" }).judge?.modelId).toBe("o4-mini");
    expect(parse([], { OPENAI_API_KEY: "sk-1", EVAL_PROJECT_NAME: "judges" }).judge?.projectName).toBe("judges");
  });

  it("a base URL alone turns it on too (a local server that wants no key)", () => {
    const judge = parse([], { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }).judge;
    expect(judge).toMatchObject({ baseURL: "http://127.0.0.1:11434/v1", apiKey: "not-needed" });
  });

  it("refuses to trace the judge into the chat's own project", () => {
    expect(problem([], { PHOENIX_PROJECT_NAME: "chat", EVAL_PROJECT_NAME: "chat" })).toMatch(/EVAL_PROJECT_NAME is the chat's own project/);
  });

  it("bad URLs name the variable and an example", () => {
    const message = problem([], { PHOENIX_COLLECTOR_ENDPOINT: "localhost:6006", OPENAI_BASE_URL: "nope" });
    expect(message).toContain("PHOENIX_COLLECTOR_ENDPOINT must be an http(s) URL, e.g. http://localhost:6006");
    expect(message).toContain("OPENAI_BASE_URL must be an http(s) URL");
  });
});

describe("flags", () => {
  it("--since, --limit, --session, --dry-run", () => {
    const config = parse(["--since", "2026-07-01", "--limit", "25", "--session", " abc ", "--dry-run"]);
    expect(config.select).toEqual({ since: new Date("2026-07-01T00:00:00Z"), limit: 25, sessionId: "abc" });
    expect(config.dryRun).toBe(true);
  });

  it("--since takes a duration back from now, or an ISO date", () => {
    const now = new Date("2026-07-02T12:00:00Z");
    expect(parseSince("24h", now)).toEqual(new Date("2026-07-01T12:00:00Z"));
    expect(parseSince("7d", now)).toEqual(new Date("2026-06-25T12:00:00Z"));
    expect(parseSince("30m", now)).toEqual(new Date("2026-07-02T11:30:00Z"));
    expect(parseSince("2026-07-01T08:30:00Z", now)).toEqual(new Date("2026-07-01T08:30:00Z"));
    for (const bad of ["yesterday", "1", "24", "24x", "June 1", "2026-13-45"]) expect(parseSince(bad, now), bad).toBeNull();
  });

  it("bad values are refused with what to write instead", () => {
    expect(problem(["--since", "yesterday"])).toContain('--since takes a duration (30m, 24h, 7d) or an ISO date (2026-07-01 or 2026-07-01T12:00:00Z); got "yesterday"');
    for (const limit of ["0", "-3", "2.5", "ten", "10001"]) {
      expect(problem([`--limit=${limit}`]), limit).toContain("--limit must be a whole number from 1 to 10,000, e.g. 50");
    }
    expect(problem(["--session", "  "])).toContain("--session needs a session id");
  });

  it("an unknown flag or a stray word shows the usage", () => {
    expect(problem(["--days", "3"])).toMatch(/Unknown option '--days'[\s\S]*Usage: npm run eval/);
    expect(problem(["everything"])).toMatch(/Usage: npm run eval/);
  });

  it("env and flag problems are reported together", () => {
    const message = problem(["--limit", "0"], { OPENAI_BASE_URL: "nope" });
    expect(message).toContain("--limit");
    expect(message).toContain("OPENAI_BASE_URL");
  });
});
