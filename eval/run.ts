/**
 * `npm run eval`: evaluates the conversations of the configured Phoenix project and
 * writes the verdicts back as session annotations. Outside the app's request path:
 * run it by hand, from CI on a schedule, or from cron.
 *
 *   sessions (REST) -> each session's turns, votes, rating -> code evaluators (+ LLM judge)
 *   -> POST /v1/session_annotations (upsert: a re-run updates)
 *
 * Exit codes: 0 all written; 1 nothing done (bad settings, Phoenix unreachable, no such
 * project or session); 2 finished, but some sessions or verdicts failed (listed).
 */
import { existsSync } from "node:fs";
import { EvalConfigError, parseEvalConfig, USAGE, type EvalConfig } from "./config";
import { evaluateSessions } from "./evaluate-sessions";
import { CODE_EVALUATORS, type Evaluator } from "./evaluators";
import type { JudgeTracing } from "./judge-tracing";
import { createPhoenixApi } from "./phoenix-api";
import { checkProject, EvalFatalError, selectSessions } from "./read-sessions";
import { formatSummary, formatVerdicts, progressBar } from "./report";
import { errorLine } from "../lib/log/error-line";
import { createSecretScrubber } from "../lib/tracing/secret-scrubber";

const say = (line: string) => console.log(`[eval] ${line}`);

/** The same files `next dev` reads, so the eval sees the app's settings; the shell's variables win. */
function loadEnvFiles() {
  for (const file of [".env.local", ".env"]) if (existsSync(file)) process.loadEnvFile(file);
  // Empty means unset, here as in the app. But @ai-sdk/openai builds a default provider from
  // OPENAI_BASE_URL as it is imported, and an empty one throws ("baseURL must be a non-empty string").
  for (const name of ["OPENAI_BASE_URL", "OPENAI_API_KEY"]) if (process.env[name]?.trim() === "") delete process.env[name];
}

function describeSelection({ select }: EvalConfig): string {
  const parts = [
    select.sessionId && `session ${select.sessionId}`,
    select.since && `active since ${select.since.toISOString()}`,
    select.limit && `at most ${select.limit}, newest first`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

async function main(): Promise<number> {
  loadEnvFiles();
  const config = parseEvalConfig(process.argv.slice(2), process.env);
  if (config.help) {
    console.log(USAGE);
    return 0;
  }
  const { projectName } = config.phoenix;
  const api = createPhoenixApi({ baseUrl: config.phoenix.baseUrl, apiKey: config.phoenix.apiKey });
  await checkProject(api, projectName);
  const sessions = await selectSessions(api, projectName, config.select);
  say(`${sessions.length} sessions of "${projectName}" at ${api.baseUrl}${describeSelection(config)}`);

  const evaluators: Evaluator[] = [...CODE_EVALUATORS];
  let tracing: JudgeTracing | undefined;
  if (config.judge) {
    // Loaded only when there is a judge: a run without one needs no AI SDK.
    const [{ createJudgeTracing }, { createGoalJudge, judgeModel }] = await Promise.all([import("./judge-tracing"), import("./llm-judge")]);
    tracing = createJudgeTracing({
      baseUrl: config.phoenix.baseUrl,
      apiKey: config.phoenix.apiKey,
      projectName: config.judge.projectName,
      secretsToScrub: [config.judge.apiKey],
    });
    evaluators.push(createGoalJudge({ model: judgeModel(config.judge), tracing }));
    say(`LLM judge: ${config.judge.modelId}${config.judge.baseURL ? ` at ${config.judge.baseURL}` : ""}, traced to project "${config.judge.projectName}"`);
  } else {
    say(`LLM judge skipped: ${config.judgeSkippedReason}`);
  }

  const summary = await evaluateSessions({ api, projectName, sessions, evaluators, dryRun: config.dryRun, progress: progressBar() });
  await tracing?.shutdown();

  if (config.dryRun && summary.verdicts.length) console.log(`\n${formatVerdicts(summary)}`);
  console.log(`\n${formatSummary(summary, { judgeSkipped: config.judgeSkippedReason, judgeExportProblem: tracing?.exportProblem ?? null })}`);
  return summary.failures.length || summary.stoppedEarly ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof EvalConfigError || error instanceof EvalFatalError) {
      // One message: what is wrong, what to do, and that nothing was written.
      console.error(`[eval] ${error.message}\n[eval] Nothing was written.`);
    } else {
      // Scrubbed: an HTTP client's error can echo the request, API key included.
      const scrub = createSecretScrubber([process.env.PHOENIX_API_KEY, process.env.OPENAI_API_KEY]);
      console.error(errorLine("[eval] Unexpected failure", error, scrub));
    }
    process.exit(1);
  },
);
