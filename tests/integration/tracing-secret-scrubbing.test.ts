import { APICallError, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { streamText, toUIMessageStream, type ModelMessage } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { flushTraces, installTracing, traceTurn, traceUIMessageStream, usingSession } from "@/lib/tracing";

// The key as the app is configured with it (secretsToScrub), and one the app was not told about.
const CONFIGURED_KEY = "org-internal-model-key-4f1e9c2ab7d3";
const OPENAI_SHAPED_KEY = "sk-proj-Zt4Qw8Er2Ty6Ui0Op3As7Df1Gh5Jk9Lz2Xc6Vb0Nm4Qw8Er";

let exporter: InMemorySpanExporter;

beforeAll(() => {
  exporter = new InMemorySpanExporter();
  // Exactly the production pipeline (registerOTel + our processor chain), with an in-memory exporter.
  installTracing({ exporter, projectName: "secret-scrubbing", secretsToScrub: [CONFIGURED_KEY] });
});

/** A provider that rejects the key and, like OpenAI's 401, echoes it in the message and response body. */
function modelEchoingKeys(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async () => {
      throw new APICallError({
        message: `Incorrect API key provided: ${OPENAI_SHAPED_KEY}. Also tried ${CONFIGURED_KEY} with Authorization: Bearer ${CONFIGURED_KEY}`,
        url: "https://api.example.com/v1/chat/completions",
        requestBodyValues: { model: "gpt-test" },
        statusCode: 401,
        responseBody: JSON.stringify({ error: { message: `invalid key ${OPENAI_SHAPED_KEY}` } }),
        isRetryable: false,
      });
    },
  });
}

function everyString(span: ReadableSpan): string {
  return JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, links: span.links });
}

describe("a provider error that echoes the API key", () => {
  it("reaches no exported span: not the exception events, not the status message, not any attribute", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let failure: unknown;
    const turn = usingSession("scrub-session", () =>
      traceTurn("Hello?", (span) => {
        const abortController = new AbortController();
        const result = streamText({
          model: modelEchoingKeys(),
          prompt: "Hello?",
          abortSignal: abortController.signal,
          onError: ({ error }) => void (failure = error),
        });
        return { traceId: span.traceId, ...traceUIMessageStream(span, toUIMessageStream({ stream: result.stream }), { abortController, failure: () => failure }) };
      }),
    );
    for await (const _chunk of turn.stream);
    const ending = await turn.finished;
    expect(ending.outcome).toBe("failed");
    // The error itself still carries the key (the app scrubs before logging; see scrubSecrets).
    expect(String((ending as { error: Error }).error.message)).toContain(OPENAI_SHAPED_KEY);

    await flushTraces();
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === turn.traceId);
    const root = spans.find((span) => span.name === "chat.turn");
    expect(root, "the turn's root span").toBeDefined();
    // The key would be here, unscrubbed: the exception event and the ERROR status.
    expect(root!.status.message).toContain("Incorrect API key provided: [REDACTED]");
    expect(root!.events.find((event) => event.name === "exception")?.attributes?.["exception.message"]).toContain("[REDACTED]");
    expect(spans.length).toBeGreaterThan(1);
    for (const span of spans) {
      const text = everyString(span);
      expect(text, span.name).not.toContain(CONFIGURED_KEY);
      expect(text, span.name).not.toContain(OPENAI_SHAPED_KEY);
      expect(text, span.name).not.toContain("Zt4Qw8Er2Ty6");
      expect(span.attributes["session.id"], span.name).toBe("scrub-session");
    }
  });
});

/** A model that answers "Noted." after reading whatever it was sent. */
function modelAnswering(): MockLanguageModelV4 {
  const usage = { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 2, text: 2, reasoning: 0 } };
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        start(controller) {
          const parts: LanguageModelV4StreamPart[] = [
            { type: "stream-start", warnings: [] },
            { type: "text-start", id: "t" },
            { type: "text-delta", id: "t", delta: "Noted." },
            { type: "text-end", id: "t" },
            { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
          ];
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    }),
  });
}

describe("a key pasted into a long conversation", () => {
  it("is found inside a 50 KB history (a pasted log among the messages): no exported span holds it, the text around it is kept", async () => {
    const filler = "We talked about sessions, spans and traces, and how Phoenix groups them by session id. ";
    const log = filler.repeat(340);
    const pasted = `${log.slice(0, 13_000)}Authorization: Bearer ${CONFIGURED_KEY} (retrying with ${OPENAI_SHAPED_KEY})\n${log.slice(13_000)}`;
    const messages: ModelMessage[] = [
      { role: "user", content: "Can you read my server log?" },
      { role: "assistant", content: "Paste it here." },
      { role: "user", content: pasted },
      { role: "assistant", content: "Noted." },
      ...Array.from({ length: 20 }, (_, i): ModelMessage => ({ role: i % 2 ? "assistant" : "user", content: filler.repeat(12) })),
      { role: "user", content: "What did I paste?" },
    ];
    expect(JSON.stringify(messages).length).toBeGreaterThan(50_000);

    const turn = usingSession("scrub-history", () =>
      traceTurn("What did I paste?", (span) => {
        const abortController = new AbortController();
        const result = streamText({ model: modelAnswering(), messages, abortSignal: abortController.signal });
        return { traceId: span.traceId, ...traceUIMessageStream(span, toUIMessageStream({ stream: result.stream }), { abortController }) };
      }),
    );
    for await (const _chunk of turn.stream);
    expect((await turn.finished).outcome).toBe("completed");
    await flushTraces();
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === turn.traceId);
    const llm = spans.find((span) => span.attributes["openinference.span.kind"] === "LLM");
    expect(llm, "the LLM span").toBeDefined();
    expect(JSON.stringify(llm!.attributes).length).toBeGreaterThan(50_000);
    for (const span of spans) {
      expect(everyString(span), span.name).not.toContain(CONFIGURED_KEY);
      expect(everyString(span), span.name).not.toContain("Zt4Qw8Er2Ty6");
    }
    const exported = Object.values(llm!.attributes).find((value) => typeof value === "string" && value.includes("Authorization"));
    expect(exported).toBe(`${log.slice(0, 13_000)}Authorization: Bearer [REDACTED] (retrying with [REDACTED])\n${log.slice(13_000)}`);
  });
});

