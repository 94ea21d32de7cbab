import { describe, expect, it } from "vitest";
import { evaluateSessions } from "@/eval/evaluate-sessions";
import { CODE_EVALUATORS, type Evaluator } from "@/eval/evaluators";
import { PhoenixError, type PhoenixApi, type PhoenixSessionRow, type SessionAnnotationData } from "@/eval/phoenix-api";
import { formatSummary } from "@/eval/report";

/**
 * The run over several sessions, with Phoenix replaced by an in-memory stand-in:
 * what is written per session, what a failing evaluator or write does to the rest,
 * and what stops the run.
 */

const row = (id: string): PhoenixSessionRow => ({
  session_id: id,
  start_time: "2026-07-01T10:00:00+00:00",
  end_time: "2026-07-01T10:01:00+00:00",
  traces: [{ trace_id: `${id}-t1`, start_time: "2026-07-01T10:00:00+00:00" }],
});

function fakeApi(options: { writeFails?: (sessionId: string) => PhoenixError | null; readFails?: (traceId: string) => PhoenixError | null } = {}) {
  const writes: SessionAnnotationData[][] = [];
  const api = {
    baseUrl: "http://phoenix.test",
    async rootSpans(_project: string, traceIds: string[]) {
      const failure = options.readFails?.(traceIds[0]!);
      if (failure) throw failure;
      return traceIds.map((traceId) => ({
        name: "chat.turn",
        context: { trace_id: traceId, span_id: "1" },
        parent_id: null,
        start_time: "2026-07-01T10:00:00+00:00",
        status_code: "OK",
        status_message: "",
        attributes: { "input.value": "Hello!", "output.value": "Hi!", "chat.turn.outcome": "completed" },
      }));
    },
    traceAnnotations: async () => [],
    sessionAnnotations: async () => [],
    async annotateSessions(data: SessionAnnotationData[]) {
      const failure = options.writeFails?.(data[0]!.session_id);
      if (failure) throw failure;
      writes.push(data);
      return data.map((_, i) => String(i));
    },
  };
  return { api: api as unknown as PhoenixApi, writes };
}

const failing: Evaluator = {
  name: "always_fails",
  annotatorKind: "LLM",
  evaluate: async () => {
    throw new Error("model said no\nstack...");
  },
};

describe("evaluateSessions", () => {
  it("writes each session's verdicts in one request: one annotation per evaluator, its fixed identifier, the annotator kind", async () => {
    const { api, writes } = fakeApi();
    const summary = await evaluateSessions({ api, projectName: "chat", sessions: [row("a"), row("b")], evaluators: CODE_EVALUATORS });
    expect(writes).toHaveLength(2);
    const [first] = writes.filter((w) => w[0]!.session_id === "a");
    expect(first!.map((a) => [a.name, a.identifier, a.annotator_kind])).toEqual(
      CODE_EVALUATORS.map((e) => [e.name, `eval:${e.name}`, "CODE"]),
    );
    expect(first!.find((a) => a.name === "turn_count")).toEqual({
      session_id: "a",
      name: "turn_count",
      annotator_kind: "CODE",
      result: { label: "single_turn", score: 1, explanation: "1 turn: 1 answered." },
      identifier: "eval:turn_count",
      metadata: { turns: 1 },
    });
    expect(summary).toMatchObject({ selected: 2, evaluated: 2, failures: [], stoppedEarly: null });
    expect(summary.evaluators.get("turn_count")!.labels).toEqual(new Map([["single_turn", 2]]));
  });

  it("an evaluator that throws is listed; the session's other verdicts are still written", async () => {
    const { api, writes } = fakeApi();
    const summary = await evaluateSessions({ api, projectName: "chat", sessions: [row("a")], evaluators: [...CODE_EVALUATORS, failing] });
    expect(writes[0]!.map((a) => a.name)).toEqual(CODE_EVALUATORS.map((e) => e.name));
    expect(summary.failures).toEqual([{ sessionId: "a", problem: "always_fails failed: model said no" }]);
    expect(summary.evaluators.get("always_fails")).toMatchObject({ failed: 1, skipped: 0 });
    expect(formatSummary(summary, { judgeSkipped: null, judgeExportProblem: null })).toContain("session a: always_fails failed: model said no");
  });

  it("the same problem on many sessions is one line in the summary, naming a few of them", async () => {
    const { api } = fakeApi();
    const sessions = ["a", "b", "c", "d", "e"].map(row);
    const summary = await evaluateSessions({ api, projectName: "chat", sessions, evaluators: [failing], concurrency: 1 });
    expect(summary.failures).toHaveLength(5);
    const text = formatSummary(summary, { judgeSkipped: null, judgeExportProblem: null });
    expect(text).toContain("Failures (5):\n  5 sessions (a, b, c, ...): always_fails failed: model said no");
    expect(text.match(/model said no/g)).toHaveLength(1);
  });

  it("a write Phoenix refuses is listed with its reason, and counted as failed, not as labels", async () => {
    const { api } = fakeApi({ writeFails: (id) => (id === "b" ? new PhoenixError("rejected", "POST /v1/session_annotations -> 422: bad", 422) : null) });
    const summary = await evaluateSessions({ api, projectName: "chat", sessions: [row("a"), row("b")], evaluators: CODE_EVALUATORS });
    expect(summary.evaluated).toBe(1);
    expect(summary.failures).toEqual([
      { sessionId: "b", problem: `its ${CODE_EVALUATORS.length} verdicts were not written: POST /v1/session_annotations -> 422: bad` },
    ]);
    expect(summary.evaluators.get("turn_count")).toMatchObject({ failed: 1, labels: new Map([["single_turn", 1]]) });
    expect(summary.stoppedEarly).toBeNull();
  });

  it("Phoenix going away mid-run stops it: no more sessions are tried, and the summary says how many were left", async () => {
    let reads = 0;
    const { api, writes } = fakeApi({
      readFails: () => (++reads === 3 ? new PhoenixError("unreachable", "cannot reach Phoenix at http://phoenix.test (ECONNREFUSED)") : null),
    });
    const sessions = ["a", "b", "c", "d", "e", "f"].map(row);
    const summary = await evaluateSessions({ api, projectName: "chat", sessions, evaluators: CODE_EVALUATORS, concurrency: 1 });
    expect(writes.map((w) => w[0]!.session_id)).toEqual(["a", "b"]);
    expect(reads).toBe(3);
    expect(summary.stoppedEarly).toMatch(/^Cannot reach Phoenix at http:\/\/phoenix.test \(ECONNREFUSED\)\. Is it running\?/);
    const text = formatSummary(summary, { judgeSkipped: null, judgeExportProblem: null });
    expect(text).toContain("2 of 6 sessions evaluated and written");
    expect(text).toContain("3 sessions were not evaluated; the 2 before were written.");
    expect(text).toContain("session c: could not be read: cannot reach Phoenix");
  });

  it("a dry run writes nothing and still tallies the labels", async () => {
    const { api, writes } = fakeApi();
    const summary = await evaluateSessions({ api, projectName: "chat", sessions: [row("a")], evaluators: CODE_EVALUATORS, dryRun: true });
    expect(writes).toEqual([]);
    expect(summary.verdicts).toHaveLength(CODE_EVALUATORS.length);
    expect(formatSummary(summary, { judgeSkipped: "no key", judgeExportProblem: null })).toMatch(
      /1 of 1 sessions evaluated \(dry run: nothing written\)[\s\S]*goal_met\s+LLM\s+-\s+\(judge skipped\)[\s\S]*LLM judge skipped: no key\. The code evaluators ran\./,
    );
  });
});
