import { trace } from "@opentelemetry/api";
import { resolveMaskingConfig } from "@/lib/tracing/masking";
import { beforeAll, describe, expect, it } from "vitest";
import { activeTurnCount, stopTurn } from "@/lib/chat/active-turns";
import { DEMO_MODEL_ID } from "@/lib/ai/demo-model";
import { usingSession } from "@/lib/tracing/context-attributes";
import { flushTraces } from "@/lib/tracing/flush";
import { TURN_OUTCOME_ATTRIBUTE, TURN_SPAN_NAME } from "@/lib/tracing/turn-span";
import {
  answerText,
  attr,
  installInMemoryTracing,
  newSession,
  readAll,
  rootsOf,
  spansOfTrace,
  startTurn,
} from "./support/traced-turns";

let exporter: ReturnType<typeof installInMemoryTracing>;

beforeAll(() => {
  exporter = installInMemoryTracing(resolveMaskingConfig());
});

describe("a traced chat turn (demo model, tool call, streaming)", () => {
  it("is one trace: a parentless CHAIN root with the user's words in and the full answer out", async () => {
    const turn = startTurn("What time is it in Tokyo?", { delayMs: 1 });
    const chunks = await readAll(turn.stream);
    expect((await turn.finished).outcome).toBe("completed");
    const spans = await spansOfTrace(exporter, turn.traceId);

    const roots = rootsOf(spans);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.name).toBe(TURN_SPAN_NAME);
    expect(attr(root, "openinference.span.kind")).toBe("CHAIN");
    expect(attr(root, "input.value")).toBe("What time is it in Tokyo?");
    expect(attr(root, "input.mime_type")).toBe("text/plain");
    expect(answerText(chunks)).toMatch(/Asia\/Tokyo/);
    expect(attr(root, "output.value")).toBe(answerText(chunks));
    expect(attr(root, TURN_OUTCOME_ATTRIBUTE)).toBe("completed");

    // Every parent is in the trace: nothing points at a span Phoenix never receives.
    const ids = new Set(spans.map((span) => span.spanContext().spanId));
    for (const span of spans) if (span !== root) expect(ids.has(span.parentSpanContext!.spanId)).toBe(true);
  });

  it("keeps the AI SDK's span names and maps them to OpenInference kinds", async () => {
    const turn = startTurn("What time is it in Paris?");
    await readAll(turn.stream);
    const spans = await spansOfTrace(exporter, turn.traceId);
    const byName = Object.fromEntries(spans.map((span) => [span.name, attr(span, "openinference.span.kind")]));
    expect(byName).toEqual({
      [TURN_SPAN_NAME]: "CHAIN",
      [`invoke_agent ${DEMO_MODEL_ID}`]: "AGENT",
      "step 1": "CHAIN",
      "step 2": "CHAIN",
      [`chat ${DEMO_MODEL_ID}`]: "LLM",
      "execute_tool get_current_time": "TOOL",
    });
    expect(spans.filter((span) => span.name === `chat ${DEMO_MODEL_ID}`)).toHaveLength(2);
    // @vercel/otel's injected operation.name is gone, so nothing was renamed to it.
    for (const span of spans) expect(attr(span, "operation.name")).toBeUndefined();
  });

  it("puts session.id, user.id, tier/region metadata and gen_ai.conversation.id on every span", async () => {
    const session = newSession({ tier: "pro", region: "ap-northeast" });
    const turn = startTurn("What time is it in Sydney?", { session });
    await readAll(turn.stream);
    const spans = await spansOfTrace(exporter, turn.traceId);
    expect(spans.length).toBe(7);
    for (const span of spans) {
      expect(attr(span, "session.id"), span.name).toBe(session.sessionId);
      expect(attr(span, "gen_ai.conversation.id"), span.name).toBe(session.sessionId);
      expect(attr(span, "user.id"), span.name).toBe(session.userId);
      expect(JSON.parse(attr(span, "metadata") as string), span.name).toEqual({ tier: "pro", region: "ap-northeast" });
    }
  });

  it("records model name, tokens and messages on every LLM span, and the call on the tool span", async () => {
    const turn = startTurn("What time is it in London?", { delayMs: 1 });
    await readAll(turn.stream);
    const spans = await spansOfTrace(exporter, turn.traceId);
    const llmSpans = spans.filter((span) => attr(span, "openinference.span.kind") === "LLM");
    expect(llmSpans).toHaveLength(2);
    for (const span of llmSpans) {
      expect(attr(span, "llm.model_name")).toBe(DEMO_MODEL_ID);
      const prompt = attr(span, "llm.token_count.prompt") as number;
      const completion = attr(span, "llm.token_count.completion") as number;
      expect(prompt).toBeGreaterThan(0);
      expect(completion).toBeGreaterThan(0);
      expect(attr(span, "llm.token_count.total")).toBe(prompt + completion);
      // Not cut short by the stream: each LLM span has what it produced.
      expect(Object.keys(span.attributes).some((key) => key.startsWith("llm.output_messages."))).toBe(true);
    }
    const tool = spans.find((span) => attr(span, "openinference.span.kind") === "TOOL")!;
    expect(attr(tool, "tool.name")).toBe("get_current_time");
    expect(String(attr(tool, "input.value"))).toContain("Europe/London");
    expect(String(attr(tool, "output.value"))).toContain("localTime");
  });

  it("carries the conversation so far into the LLM span's input", async () => {
    const history = [
      { role: "user" as const, content: "My name is Ada." },
      { role: "assistant" as const, content: "Nice to meet you, Ada." },
    ];
    const turn = startTurn("Tell me about sessions", { history });
    await readAll(turn.stream);
    const spans = await spansOfTrace(exporter, turn.traceId);
    const llm = spans.find((span) => attr(span, "openinference.span.kind") === "LLM")!;
    const inputs = Object.entries(llm.attributes).filter(([key]) => key.startsWith("llm.input_messages."));
    expect(JSON.stringify(inputs)).toContain("My name is Ada.");
    expect(JSON.stringify(inputs)).toContain("Tell me about sessions");
  });

  it("exports only OpenInference spans: Next's spans are not even recorded, plain spans are dropped", async () => {
    const session = newSession();
    const recording = await usingSession(session.sessionId, async () => {
      const next = trace.getTracer("next.js").startSpan("POST /", { attributes: { "next.span_type": "BaseServer.handleRequest" } });
      const plain = trace.getTracer("my-app").startSpan("db query");
      const result = { next: next.isRecording(), plain: plain.isRecording() };
      next.end();
      plain.end();
      return result;
    });
    expect(recording).toEqual({ next: false, plain: true });
    await flushTraces();
    const exported = exporter.getFinishedSpans().filter((span) => attr(span, "session.id") === session.sessionId);
    expect(exported).toEqual([]);
  });
});

describe("how a turn ends", () => {
  it("Stop from the server: the root ends as stopped with the partial answer, nothing left open", async () => {
    const turn = startTurn("Write a long story about a lighthouse", { delayMs: 5 });
    const reader = turn.stream.getReader();
    let text = "";
    while (text.length < 40) {
      const { value } = await reader.read();
      if (value?.type === "text-delta") text += value.delta;
    }
    expect(stopTurn(turn.turnId, "someone-else")).toBe(false);
    expect(stopTurn(turn.turnId, turn.session.userId)).toBe(true);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === "text-delta") text += value.delta;
    }
    const ending = await turn.finished;
    expect(ending.outcome).toBe("stopped");

    const spans = await spansOfTrace(exporter, turn.traceId);
    const root = rootsOf(spans)[0]!;
    expect(attr(root, TURN_OUTCOME_ATTRIBUTE)).toBe("stopped");
    expect(root.status.code).not.toBe(2);
    expect(root.events.map((event) => event.name)).toContain("turn stopped by the user");
    expect(attr(root, "output.value")).toBe(text);
    expect(text.length).toBeLessThan(1_000);
    expect(spans.every((span) => span.ended)).toBe(true);
    expect(activeTurnCount()).toBe(0);
  });

  it("Stop from the browser (the reader cancels): generation stops and the root ends as stopped", async () => {
    const turn = startTurn("Write a long story about a fox", { delayMs: 5 });
    const reader = turn.stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel(new Error("browser went away"));
    const ending = await turn.finished;
    expect(ending.outcome).toBe("stopped");
    const spans = await spansOfTrace(exporter, turn.traceId);
    expect(attr(rootsOf(spans)[0]!, TURN_OUTCOME_ATTRIBUTE)).toBe("stopped");
    expect(activeTurnCount()).toBe(0);
  });

  it("a provider failure: the stream carries a typed error, the root is ERROR with the exception", async () => {
    const turn = startTurn("simulate a 429 from the provider");
    const chunks = await readAll(turn.stream);
    const error = chunks.find((chunk) => chunk.type === "error");
    expect(error?.type === "error" && JSON.parse(error.errorText)).toMatchObject({ code: "rate_limit:model", retryable: true });
    expect((await turn.finished).outcome).toBe("failed");

    const spans = await spansOfTrace(exporter, turn.traceId);
    const root = rootsOf(spans)[0]!;
    expect(root.status.code).toBe(2);
    expect(root.status.message).toMatch(/Rate limit/);
    expect(root.events.some((event) => event.name === "exception")).toBe(true);
    expect(attr(root, TURN_OUTCOME_ATTRIBUTE)).toBe("failed");
    expect(spans.every((span) => span.ended)).toBe(true);
    expect(activeTurnCount()).toBe(0);
  });

  it("a turn that runs past its time limit ends as a timeout error, in the stream and on the span", async () => {
    const turn = startTurn("Write a long story about a bear", { delayMs: 5, maxDurationMs: 50 });
    const chunks = await readAll(turn.stream);
    const error = chunks.find((chunk) => chunk.type === "error");
    expect(error?.type === "error" && JSON.parse(error.errorText)).toMatchObject({ code: "timeout:model", retryable: true });
    expect(chunks.some((chunk) => chunk.type === "abort")).toBe(false);
    const ending = await turn.finished;
    expect(ending.outcome).toBe("failed");
    const root = rootsOf(await spansOfTrace(exporter, turn.traceId))[0]!;
    expect(root.status.code).toBe(2);
  });
});

describe("concurrency", () => {
  it("50 turns in 50 sessions at once: not one span carries another session's ids", async () => {
    const turns = Array.from({ length: 50 }, (_, i) =>
      startTurn(i % 2 ? `What time is it in Berlin? (${i})` : `Tell me about tracing (${i})`, {
        session: newSession({ tier: i % 3 ? "free" : "pro", region: `r-${i}` }),
        delayMs: 1 + (i % 3),
      }),
    );
    await Promise.all(turns.map((turn) => readAll(turn.stream)));
    await Promise.all(turns.map((turn) => turn.finished));
    await flushTraces();
    const all = exporter.getFinishedSpans();
    for (const turn of turns) {
      const spans = all.filter((span) => span.spanContext().traceId === turn.traceId);
      expect(spans.length).toBeGreaterThanOrEqual(4);
      expect(rootsOf(spans)).toHaveLength(1);
      for (const span of spans) {
        expect(attr(span, "session.id")).toBe(turn.session.sessionId);
        expect(attr(span, "user.id")).toBe(turn.session.userId);
        expect(JSON.parse(attr(span, "metadata") as string)).toEqual({ tier: turn.session.tier, region: turn.session.region });
      }
    }
    // And every span that names one of these sessions belongs to that session's trace.
    const traceOf = new Map(turns.map((turn) => [turn.session.sessionId, turn.traceId]));
    for (const span of all) {
      const expected = traceOf.get(attr(span, "session.id") as string);
      if (expected) expect(span.spanContext().traceId).toBe(expected);
    }
  });
});
