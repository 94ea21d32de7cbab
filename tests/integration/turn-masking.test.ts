import { generateTraceConfig } from "@arizeai/openinference-core";
import { beforeAll, describe, expect, it } from "vitest";
import { answerText, attr, installInMemoryTracing, readAll, spansOfTrace, startTurn } from "./support/traced-turns";

// Tracing is installed once per process; this file runs in its own, with masking on.
let exporter: ReturnType<typeof installInMemoryTracing>;

beforeAll(() => {
  exporter = installInMemoryTracing(generateTraceConfig({ hideInputs: true, hideOutputs: true }));
});

describe("masking on (OPENINFERENCE_HIDE_INPUTS / _OUTPUTS)", () => {
  it("leaves no message text in any span, the AI SDK's included; ids and metadata stay", async () => {
    const secret = "my-passport-number-X12345 what time is it in Tokyo";
    const turn = startTurn(secret);
    const answer = answerText(await readAll(turn.stream));
    expect(answer).toContain("Asia/Tokyo");
    const spans = await spansOfTrace(exporter, turn.traceId);
    expect(spans.length).toBe(7);
    for (const span of spans) {
      const values = JSON.stringify(span.attributes);
      expect(values, span.name).not.toContain("X12345");
      expect(values, span.name).not.toContain(answer.slice(0, 20));
      expect(values, span.name).not.toContain("localTime");
      expect(attr(span, "session.id")).toBe(turn.session.sessionId);
      expect(attr(span, "user.id")).toBe(turn.session.userId);
      expect(attr(span, "metadata")).toBeDefined();
    }
    const root = spans.find((span) => !span.parentSpanContext?.spanId)!;
    expect(attr(root, "input.value")).toBe("__REDACTED__");
    expect(attr(root, "output.value")).toBe("__REDACTED__");
  });
});
