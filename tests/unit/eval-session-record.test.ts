import { describe, expect, it } from "vitest";
import type { PhoenixSpan } from "@/eval/phoenix-api";
import { toSessionRecord, toTurns, turnOutcome } from "@/eval/session-record";

/** Phoenix's REST rows (as 20.26 answers them) -> the session the evaluators read. */

function rootSpan(traceId: string, startTime: string, attributes: Record<string, unknown>, status = "OK", message = ""): PhoenixSpan {
  return {
    name: "chat.turn",
    context: { trace_id: traceId, span_id: `${traceId}-root` },
    parent_id: null,
    start_time: startTime,
    status_code: status,
    status_message: message,
    attributes,
  };
}

const ROW = {
  session_id: "s-1",
  start_time: "2026-07-01T10:00:00+00:00",
  end_time: "2026-07-01T10:05:00+00:00",
  traces: [
    { trace_id: "t-b", start_time: "2026-07-01T10:01:00+00:00" },
    { trace_id: "t-a", start_time: "2026-07-01T10:00:00+00:00" },
  ],
};

describe("turnOutcome", () => {
  it("reads chat.turn.outcome; rate_limited is a refusal", () => {
    expect(turnOutcome("completed", "OK")).toBe("completed");
    expect(turnOutcome("stopped", "OK")).toBe("stopped");
    expect(turnOutcome("failed", "ERROR")).toBe("failed");
    expect(turnOutcome("rate_limited", "ERROR")).toBe("refused");
  });

  it("without the attribute (or with an outcome of another app's), the span status decides", () => {
    expect(turnOutcome(undefined, "ERROR")).toBe("failed");
    expect(turnOutcome(undefined, "OK")).toBe("completed");
    expect(turnOutcome(undefined, "UNSET")).toBe("completed");
    expect(turnOutcome("timeout", "ERROR")).toBe("failed");
  });
});

describe("toTurns", () => {
  it("orders the root spans by start time and reads the user's words, the answer, the outcome and the user", () => {
    const turns = toTurns([
      rootSpan("t-b", "2026-07-01T10:01:00+00:00", {
        "input.value": "Again",
        "output.value": "Limit reached.",
        "chat.turn.outcome": "rate_limited",
        "user.id": "u-1",
      }, "ERROR", "Limit reached."),
      rootSpan("t-a", "2026-07-01T10:00:00+00:00", {
        "input.value": "Hello!",
        "output.value": "Hi there.",
        "chat.turn.outcome": "completed",
        "user.id": "u-1",
        "metadata.tier": "free",
      }),
    ]);
    expect(turns.map(({ attributes: _, ...turn }) => turn)).toEqual([
      {
        index: 1,
        traceId: "t-a",
        startTime: "2026-07-01T10:00:00+00:00",
        input: "Hello!",
        output: "Hi there.",
        outcome: "completed",
        statusMessage: null,
        userId: "u-1",
      },
      {
        index: 2,
        traceId: "t-b",
        startTime: "2026-07-01T10:01:00+00:00",
        input: "Again",
        output: "Limit reached.",
        outcome: "refused",
        statusMessage: "Limit reached.",
        userId: "u-1",
      },
    ]);
    expect(turns[0]!.attributes["metadata.tier"]).toBe("free");
  });

  it("a root span without input or output gives empty strings, not 'undefined'", () => {
    const [turn] = toTurns([rootSpan("t", "2026-07-01T10:00:00+00:00", {})]);
    expect(turn).toMatchObject({ input: "", output: "", userId: null, outcome: "completed" });
  });
});

describe("toSessionRecord", () => {
  const spans = [
    rootSpan("t-a", "2026-07-01T10:00:00+00:00", { "input.value": "Hello!" }),
    rootSpan("t-b", "2026-07-01T10:01:00+00:00", { "input.value": "How?" }),
  ];
  const vote = (trace_id: string, label: string | null, extra: Record<string, unknown> = {}) => ({
    trace_id,
    name: "user_feedback",
    annotator_kind: "HUMAN",
    identifier: `user:u-1:trace:${trace_id}`,
    result: { label, score: label === "positive" ? 1 : 0, explanation: null },
    ...extra,
  });

  it("votes land on their turn, in turn order; the rating is the conversation's", () => {
    const record = toSessionRecord(
      ROW,
      spans,
      [vote("t-b", "negative", { result: { label: "negative", score: 0, explanation: "  Too vague  " } }), vote("t-a", "positive")],
      [{ session_id: "s-1", name: "user_feedback", annotator_kind: "HUMAN", identifier: "user:u-1:session:s-1", result: { label: "negative", score: 0, explanation: "" } }],
    );
    expect(record.sessionId).toBe("s-1");
    expect(record.votes).toEqual([
      { turnIndex: 1, vote: "positive", comment: null },
      { turnIndex: 2, vote: "negative", comment: "Too vague" },
    ]);
    expect(record.ratings).toEqual([{ turnIndex: null, vote: "negative", comment: null }]);
  });

  it("only a human's user_feedback counts: not an LLM's, not other names, not a vote on a trace outside the session", () => {
    const record = toSessionRecord(
      ROW,
      spans,
      [
        vote("t-a", "negative", { annotator_kind: "LLM" }),
        vote("t-a", "negative", { name: "correctness" }),
        vote("t-elsewhere", "negative"),
        vote("t-a", null, { result: { label: null, score: 0, explanation: null } }),
      ],
      [],
    );
    // The last one has no label but Phoenix's score 0: a thumbs down written without a label.
    expect(record.votes).toEqual([{ turnIndex: 1, vote: "negative", comment: null }]);
  });
});
