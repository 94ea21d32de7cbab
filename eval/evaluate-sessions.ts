import { toAnnotation } from "./annotations";
import type { Evaluator, Verdict } from "./evaluators";
import { PhoenixError, type PhoenixApi, type PhoenixSessionRow, type SessionAnnotationData } from "./phoenix-api";
import { fatalMessage, readSession } from "./read-sessions";

/**
 * The run: each selected session read, every evaluator over it, its verdicts written
 * in one request (Phoenix writes a request's annotations in one transaction: a
 * session gets all its verdicts or none). A few sessions at a time; the judge's
 * model calls are what take long.
 */

export type EvaluatorTally = {
  kind: Evaluator["annotatorKind"];
  /** Verdicts per label, written (or, in a dry run, that would have been). */
  labels: Map<string, number>;
  skipped: number;
  failed: number;
};

export type RunSummary = {
  projectName: string;
  dryRun: boolean;
  selected: number;
  /** Sessions whose verdicts were all written (or evaluated, in a dry run). */
  evaluated: number;
  evaluators: Map<string, EvaluatorTally>;
  /** One line per problem: which session, which evaluator, what went wrong. */
  failures: { sessionId: string; problem: string }[];
  /** Why the run stopped before the end (Phoenix went away), or null. */
  stoppedEarly: string | null;
  /** Every verdict, for `--dry-run` to print. */
  verdicts: { sessionId: string; evaluator: string; verdict: Verdict }[];
};

export type Progress = { start(total: number): void; tick(): void; stop(): void };

export type EvaluateOptions = {
  api: PhoenixApi;
  projectName: string;
  sessions: PhoenixSessionRow[];
  evaluators: readonly Evaluator[];
  dryRun?: boolean;
  progress?: Progress;
  concurrency?: number;
};

// Phoenix unreachable or refusing the key: every later session would fail the same way.
const STOPS_THE_RUN = new Set(["unreachable", "timeout", "unauthorized"]);

export async function evaluateSessions(options: EvaluateOptions): Promise<RunSummary> {
  const { api, projectName, sessions, evaluators, dryRun = false, progress, concurrency = 4 } = options;
  const summary: RunSummary = {
    projectName,
    dryRun,
    selected: sessions.length,
    evaluated: 0,
    evaluators: new Map(evaluators.map((e) => [e.name, { kind: e.annotatorKind, labels: new Map(), skipped: 0, failed: 0 }])),
    failures: [],
    stoppedEarly: null,
    verdicts: [],
  };
  const tally = (name: string) => summary.evaluators.get(name)!;
  const fail = (sessionId: string, problem: string) => summary.failures.push({ sessionId, problem });
  const stopIfFatal = (error: unknown) => {
    if (error instanceof PhoenixError && STOPS_THE_RUN.has(error.kind)) summary.stoppedEarly ??= fatalMessage(error);
  };

  async function evaluateOne(row: PhoenixSessionRow): Promise<void> {
    const sessionId = row.session_id;
    let record;
    try {
      record = await readSession(api, projectName, row);
    } catch (error) {
      fail(sessionId, `could not be read: ${messageOf(error)}`);
      stopIfFatal(error);
      return;
    }
    const done: { evaluator: Evaluator; verdict: Verdict }[] = [];
    for (const evaluator of evaluators) {
      try {
        const verdict = await evaluator.evaluate(record);
        if (verdict) done.push({ evaluator, verdict });
        else tally(evaluator.name).skipped += 1;
      } catch (error) {
        tally(evaluator.name).failed += 1;
        fail(sessionId, `${evaluator.name} failed: ${messageOf(error)}`);
      }
    }
    const annotations: SessionAnnotationData[] = done.map(({ evaluator, verdict }) =>
      toAnnotation(record, evaluator, verdict, evaluator.metadata),
    );
    if (!dryRun) {
      try {
        await api.annotateSessions(annotations);
      } catch (error) {
        for (const { evaluator } of done) tally(evaluator.name).failed += 1;
        fail(sessionId, `its ${done.length} verdicts were not written: ${messageOf(error)}`);
        stopIfFatal(error);
        return;
      }
    }
    for (const { evaluator, verdict } of done) {
      const labels = tally(evaluator.name).labels;
      labels.set(verdict.label, (labels.get(verdict.label) ?? 0) + 1);
      summary.verdicts.push({ sessionId, evaluator: evaluator.name, verdict });
    }
    summary.evaluated += 1;
  }

  progress?.start(sessions.length);
  let next = 0;
  const worker = async () => {
    while (next < sessions.length && !summary.stoppedEarly) {
      await evaluateOne(sessions[next++]!);
      progress?.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, sessions.length) }, worker));
  } finally {
    progress?.stop();
  }
  return summary;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
