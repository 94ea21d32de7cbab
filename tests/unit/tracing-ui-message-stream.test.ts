import { SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { UIMessageChunk } from "ai";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTurnTracer, isTimeout, traceTurn, traceUIMessageStream, type TurnSpan } from "@/lib/tracing";

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterEach(() => exporter.reset());

/** Two steps of text, as streamText -> toUIMessageStream produces them around a tool call. */
const twoSteps: UIMessageChunk[] = [
  { type: "start" },
  { type: "start-step" },
  { type: "text-start", id: "a" },
  { type: "text-delta", id: "a", delta: "Let me check. " },
  { type: "text-end", id: "a" },
  { type: "finish-step" },
  { type: "start-step" },
  { type: "text-start", id: "b" },
  { type: "text-delta", id: "b", delta: "It is " },
  { type: "text-delta", id: "b", delta: "noon." },
  { type: "text-end", id: "b" },
  { type: "finish-step" },
  { type: "finish" },
];

/** A source the test drives chunk by chunk; it records whether it was cancelled. */
function controlledSource() {
  let controller!: ReadableStreamDefaultController<UIMessageChunk>;
  const state = { cancelled: false as boolean, reason: undefined as unknown };
  const stream = new ReadableStream<UIMessageChunk>({
    start: (c) => void (controller = c),
    cancel: (reason) => {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return { stream, controller, state };
}

function fromChunks(chunks: UIMessageChunk[]): ReadableStream<UIMessageChunk> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const onlySpan = (): ReadableSpan => {
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

describe("traceUIMessageStream", () => {
  it("completed: passes every chunk through and ends with the text of all steps, only once the source has ended", async () => {
    const source = controlledSource();
    const abortController = new AbortController();
    const traced = traceTurn("What time is it?", (turn) => ({ turn, ...traceUIMessageStream(turn, source.stream, { abortController }) }));
    const reader = traced.stream.getReader();
    for (const chunk of twoSteps) source.controller.enqueue(chunk);
    const seen: UIMessageChunk[] = [];
    for (let i = 0; i < twoSteps.length; i++) seen.push((await reader.read()).value!);
    // Every chunk is out, but the source has not ended: neither has the turn.
    expect(traced.turn.ended).toBe(false);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    source.controller.close();
    expect((await reader.read()).done).toBe(true);

    expect(seen).toEqual(twoSteps);
    expect(await traced.finished).toEqual({ outcome: "completed", output: "Let me check. It is noon." });
    const span = onlySpan();
    expect(span.name).toBe("chat.turn");
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes).toMatchObject({
      "input.value": "What time is it?",
      "output.value": "Let me check. It is noon.",
      "output.mime_type": "text/plain",
      "chat.turn.outcome": "completed",
    });
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(abortController.signal.aborted).toBe(false);
  });

  it("stopped: the reader cancelling aborts the generation, cancels the source and ends the turn with what was said", async () => {
    const source = controlledSource();
    const abortController = new AbortController();
    const { stream, finished } = traceTurn("Tell me a story", (turn) => traceUIMessageStream(turn, source.stream, { abortController }));
    const reader = stream.getReader();
    source.controller.enqueue({ type: "text-delta", id: "a", delta: "Once upon" });
    await reader.read();
    await reader.cancel("user pressed Stop");

    expect(abortController.signal.aborted).toBe(true);
    expect(abortController.signal.reason).toBe("user pressed Stop");
    expect(source.state.cancelled).toBe(true);
    expect(await finished).toEqual({ outcome: "stopped", output: "Once upon" });
    const span = onlySpan();
    expect(span.attributes["chat.turn.outcome"]).toBe("stopped");
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(span.events.map((event) => event.name)).toContain("turn stopped by the user");
  });

  it("failed: a source that errors errors the stream and ends the turn ERROR with the exception", async () => {
    const source = controlledSource();
    const { stream, finished } = traceTurn("Hi", (turn) =>
      traceUIMessageStream(turn, source.stream, { abortController: new AbortController() }),
    );
    const reader = stream.getReader();
    source.controller.enqueue({ type: "text-delta", id: "a", delta: "Hel" });
    await reader.read();
    source.controller.error(new Error("socket hang up"));
    await expect(reader.read()).rejects.toThrow("socket hang up");

    const ending = await finished;
    expect(ending).toMatchObject({ outcome: "failed", output: "Hel" });
    expect((ending as { error: Error }).error.message).toBe("socket hang up");
    const span = onlySpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "socket hang up" });
    expect(span.events.find((event) => event.name === "exception")?.attributes?.["exception.message"]).toBe("socket hang up");
  });

  it("failed: the provider error reported through failure() wins although the UI stream ended normally", async () => {
    const providerError = new Error("Rate limit reached");
    const errorChunk: UIMessageChunk = { type: "error", errorText: "rate_limit:model" };
    const { stream, finished } = traceTurn("Hi", (turn) =>
      traceUIMessageStream(turn, fromChunks([{ type: "start" }, errorChunk]), {
        abortController: new AbortController(),
        failure: () => providerError,
      }),
    );
    expect(await readAll(stream)).toContainEqual(errorChunk);
    expect(await finished).toEqual({ outcome: "failed", output: "", error: providerError });
    expect(onlySpan().status).toEqual({ code: SpanStatusCode.ERROR, message: "Rate limit reached" });
  });

  it("timed out: aborts with a TimeoutError, shows the reader the timeout chunk instead of the abort, ends failed", async () => {
    const abortController = new AbortController();
    // Like streamText: on abort the UI stream sends an `abort` chunk and ends.
    const source = new ReadableStream<UIMessageChunk>({
      start(controller) {
        controller.enqueue({ type: "text-delta", id: "a", delta: "Thinking" });
        abortController.signal.addEventListener("abort", () => {
          controller.enqueue({ type: "abort" });
          controller.close();
        });
      },
    });
    const timeoutChunk: UIMessageChunk = { type: "error", errorText: "timeout:model" };
    const { stream, finished } = traceTurn("Hi", (turn) =>
      traceUIMessageStream(turn, source, { abortController, timeoutMs: 10, timeoutChunk }),
    );
    const chunks = await readAll(stream);

    expect(chunks).toEqual([{ type: "text-delta", id: "a", delta: "Thinking" }, timeoutChunk]);
    expect(isTimeout(abortController.signal.reason)).toBe(true);
    const ending = await finished;
    expect(ending.outcome).toBe("failed");
    expect(ending.output).toBe("Thinking");
    expect(isTimeout((ending as { error: unknown }).error)).toBe(true);
    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["chat.turn.outcome"]).toBe("failed");
  });

  it("a timeout with no timeoutChunk passes the SDK's abort chunk through", async () => {
    const abortController = new AbortController();
    const source = new ReadableStream<UIMessageChunk>({
      start(controller) {
        abortController.signal.addEventListener("abort", () => {
          controller.enqueue({ type: "abort" });
          controller.close();
        });
      },
    });
    const { stream, finished } = traceTurn("Hi", (turn) => traceUIMessageStream(turn, source, { abortController, timeoutMs: 10 }));
    expect(await readAll(stream)).toEqual([{ type: "abort" }]);
    expect((await finished).outcome).toBe("failed");
  });
});

describe("the turn span", () => {
  it("takes its span name, outcome attribute and tracer name as options", () => {
    const traceAgentRun = createTurnTracer({ spanName: "agent.run", outcomeAttribute: "agent.outcome", tracerName: "my-app" });
    const ids = traceAgentRun("Plan my trip", (turn) => {
      turn.setAttributes({ "agent.limit_checked": false });
      turn.end({ outcome: "completed", output: "Done." });
      turn.setAttributes({ "agent.after_end": true });
      turn.end({ outcome: "failed", output: "ignored", error: new Error("ignored") });
      return { traceId: turn.traceId, spanId: turn.spanId, ended: turn.ended };
    });
    const span = onlySpan();
    expect(span.name).toBe("agent.run");
    expect(span.instrumentationScope.name).toBe("my-app");
    expect(span.attributes).toMatchObject({ "agent.outcome": "completed", "agent.limit_checked": false, "output.value": "Done." });
    expect(span.attributes["agent.after_end"]).toBeUndefined();
    expect(span.attributes["chat.turn.outcome"]).toBeUndefined();
    expect(ids).toEqual({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, ended: true });
  });

  it("any outcome other than completed or stopped (e.g. rate_limited) ends ERROR with the exception", () => {
    traceTurn("Hi", (turn: TurnSpan) => turn.end({ outcome: "rate_limited", output: "", error: new Error("Too many turns") }));
    const span = onlySpan();
    expect(span.attributes["chat.turn.outcome"]).toBe("rate_limited");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "Too many turns" });
    expect(span.events.map((event) => event.name)).toEqual(["exception"]);
  });
});
