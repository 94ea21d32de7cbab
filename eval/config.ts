import { parseArgs } from "node:util";
import { z } from "zod";

/**
 * What `npm run eval` reads: the app's own variables where they mean the same
 * (lib/config/env-schema.ts parses them for the app; that module is server-only, so
 * the few this command needs are parsed here the same way), two of its own, and the
 * command-line flags. Everything is checked before anything is read from Phoenix.
 */

export class EvalConfigError extends Error {
  override name = "EvalConfigError";
}

// An exported-but-empty variable (`OPENAI_API_KEY=`) means "not set", as in the app.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());

// Stricter than a bare z.url(): `localhost:6006` parses as a URL whose scheme is "localhost:".
const HTTP = /^https?$/;

const EvalEnvSchema = z.object({
  PHOENIX_COLLECTOR_ENDPOINT: optional(
    z.url({ protocol: HTTP, message: "PHOENIX_COLLECTOR_ENDPOINT must be an http(s) URL, e.g. http://localhost:6006" }),
  ).default("http://localhost:6006"),
  PHOENIX_PROJECT_NAME: optional(z.string().trim().max(200)).default("phoenix-session-chat"),
  PHOENIX_API_KEY: optional(z.string().trim()),
  OPENAI_API_KEY: optional(z.string().trim()),
  OPENAI_BASE_URL: optional(z.url({ protocol: HTTP, message: "OPENAI_BASE_URL must be an http(s) URL, e.g. https://api.openai.com/v1" })),
  OPENAI_MODEL: optional(z.string().trim()),
  /** The judge's model; the chat's (OPENAI_MODEL) unless set. */
  EVAL_MODEL: optional(z.string().trim()),
  /** Where the judge's own calls are traced; never the chat's project. */
  EVAL_PROJECT_NAME: optional(z.string().trim().max(200)),
});

/** `--since 24h`, `--since 7d`, `--since 30m` or an ISO date (`2026-07-01`, `2026-07-01T12:00:00Z`). */
const DURATION = /^(\d+)\s*(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseSince(value: string, now: Date = new Date()): Date | null {
  const duration = DURATION.exec(value.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  // Date.parse accepts far too much ("1", "June"): only ISO dates and date-times.
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return null;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? null : new Date(time);
}

const sinceMessage = "--since takes a duration (30m, 24h, 7d) or an ISO date (2026-07-01 or 2026-07-01T12:00:00Z)";

const FlagsSchema = z.object({
  since: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const date = parseSince(value);
      if (!date) ctx.addIssue({ code: "custom", message: `${sinceMessage}; got "${value}"` });
      return date ?? undefined;
    }),
  limit: z.coerce
    .number({ message: "--limit must be a whole number from 1 to 10,000, e.g. 50" })
    .int({ message: "--limit must be a whole number from 1 to 10,000, e.g. 50" })
    .min(1, { message: "--limit must be a whole number from 1 to 10,000, e.g. 50" })
    .max(10_000, { message: "--limit must be a whole number from 1 to 10,000, e.g. 50" })
    .optional(),
  session: z.string().trim().min(1, { message: "--session needs a session id" }).max(500).optional(),
  "dry-run": z.boolean().optional(),
  help: z.boolean().optional(),
});

export type EvalConfig = {
  phoenix: { baseUrl: string; projectName: string; apiKey: string | undefined };
  /** null: no key and no base URL, so the LLM judge is skipped. */
  judge: { apiKey: string; baseURL: string | undefined; modelId: string; projectName: string } | null;
  /** Why the judge is off, for the one line that says so. */
  judgeSkippedReason: string | null;
  select: { since: Date | undefined; limit: number | undefined; sessionId: string | undefined };
  dryRun: boolean;
  help: boolean;
};

export const USAGE = `Usage: npm run eval -- [--since 24h] [--limit 50] [--session <session.id>] [--dry-run]

Reads the sessions of PHOENIX_PROJECT_NAME from Phoenix, evaluates each one and writes
the verdicts back as session annotations (a re-run updates them).

  --since <when>     only sessions active since then: 30m, 24h, 7d, or an ISO date
  --limit <n>        at most n sessions, newest first
  --session <id>     just this session
  --dry-run          evaluate and print, write nothing
  --help             this text

Environment: PHOENIX_COLLECTOR_ENDPOINT, PHOENIX_PROJECT_NAME, PHOENIX_API_KEY (as the app);
OPENAI_API_KEY and/or OPENAI_BASE_URL turn on the LLM judge (EVAL_MODEL, default
OPENAI_MODEL or gpt-4o-mini), traced to EVAL_PROJECT_NAME (default <project>-evals).`;

type Env = Record<string, string | undefined>;

export function parseEvalConfig(argv: string[], env: Env): EvalConfig {
  let flags: Record<string, unknown>;
  try {
    flags = parseArgs({
      args: argv,
      options: {
        since: { type: "string" },
        limit: { type: "string" },
        session: { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // parseArgs says "Unknown option '--x'"; the usage says what there is.
    throw new EvalConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }

  const problems: string[] = [];
  const parsedFlags = FlagsSchema.safeParse(flags);
  if (!parsedFlags.success) problems.push(...parsedFlags.error.issues.map((issue) => `  - ${issue.message}`));
  const parsedEnv = EvalEnvSchema.safeParse(env);
  if (!parsedEnv.success) problems.push(...parsedEnv.error.issues.map((issue) => `  - ${issue.path.join(".")}: ${issue.message}`));
  if (!parsedFlags.success || !parsedEnv.success) throw new EvalConfigError(`Invalid settings:\n${problems.join("\n")}`);

  const e = parsedEnv.data;
  const f = parsedFlags.data;
  const projectName = e.PHOENIX_PROJECT_NAME || "phoenix-session-chat";
  const judgeProject = e.EVAL_PROJECT_NAME ?? `${projectName}-evals`;
  if (judgeProject === projectName) {
    throw new EvalConfigError(
      `EVAL_PROJECT_NAME is the chat's own project ("${projectName}"): the judge's traces would become sessions of it. Pick another name, or unset it (default "${projectName}-evals").`,
    );
  }
  const judgeOn = Boolean(e.OPENAI_API_KEY || e.OPENAI_BASE_URL);
  return {
    phoenix: { baseUrl: phoenixBaseUrl(e.PHOENIX_COLLECTOR_ENDPOINT), projectName, apiKey: e.PHOENIX_API_KEY },
    judge: judgeOn
      ? {
          // A local OpenAI-compatible server (Ollama, vLLM) may want no key, but the provider insists on one.
          apiKey: e.OPENAI_API_KEY ?? "not-needed",
          baseURL: e.OPENAI_BASE_URL,
          modelId: e.EVAL_MODEL ?? e.OPENAI_MODEL ?? "gpt-4o-mini",
          projectName: judgeProject,
        }
      : null,
    judgeSkippedReason: judgeOn ? null : "neither OPENAI_API_KEY nor OPENAI_BASE_URL is set",
    select: { since: f.since, limit: f.limit, sessionId: f.session },
    dryRun: f["dry-run"] ?? false,
    help: f.help ?? false,
  };
}

/** PHOENIX_COLLECTOR_ENDPOINT may be Phoenix's address or its OTLP path; the REST API lives at the address. */
export function phoenixBaseUrl(collectorEndpoint: string): string {
  return collectorEndpoint.replace(/\/+$/, "").replace(/\/v1\/traces$/, "");
}
