/**
 * A small server-like process for tests/integration/tracing-shutdown-flush.test.ts:
 * registers tracing exactly as an app does (OTLP to the test's fake collector, a batch
 * delay far longer than the test), runs TURNS traced turns, prints what it started,
 * then idles until a signal arrives. Run with `node --conditions=react-server --import tsx`.
 */
import { SamplingDecision, type Sampler } from "@opentelemetry/sdk-trace-base";
import { streamText, toUIMessageStream } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { registerTracing, SkipNextJsSpansSampler, traceTurn, traceUIMessageStream, usingSession } from "../../../lib/tracing";

const env = process.env;
const turns = Number(env.TURNS ?? 10);

if (env.OTHER_HANDLER === "1") {
  // Like `next start`: its own handler, registered before instrumentation runs, closes the
  // server, then calls process.exit(143) a moment later.
  process.on("SIGTERM", () => setTimeout(() => process.exit(143), 20));
}

// Counts the spans that will be exported: every span this process records is an OpenInference one.
let spansStarted = 0;
const inner = new SkipNextJsSpansSampler();
const countingSampler: Sampler = {
  shouldSample(context, traceId, name, kind, attributes) {
    const result = inner.shouldSample(context, traceId, name, kind, attributes);
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) spansStarted++;
    return result;
  },
  toString: () => "CountingSampler",
};

registerTracing({
  collectorEndpoint: env.COLLECTOR_URL!,
  projectName: "shutdown-flush",
  sampler: countingSampler,
  // Nothing is exported on the batch timer during the test: only the shutdown flush can deliver.
  buffer: { scheduledDelayMillis: 600_000, maxExportBatchSize: 1_000, maxQueueSize: 10_000 },
  flushOnShutdown: { timeoutMs: Number(env.FLUSH_TIMEOUT_MS ?? 5_000) },
  log: { info: () => undefined, warn: (message: string) => console.error(message) },
});

const model = new MockLanguageModelV4({
  doStream: async () => ({
    stream: new ReadableStream({
      start(controller) {
        controller.enqueue({ type: "stream-start", warnings: [] });
        controller.enqueue({ type: "text-start", id: "t" });
        controller.enqueue({ type: "text-delta", id: "t", delta: "It is noon." });
        controller.enqueue({ type: "text-end", id: "t" });
        controller.enqueue({
          type: "finish",
          finishReason: { unified: "stop", raw: "stop" },
          usage: { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 3, text: 3, reasoning: 0 } },
        });
        controller.close();
      },
    }),
  }),
});

const traceIds: string[] = [];
for (let i = 0; i < turns; i++) {
  const turn = usingSession(`shutdown-session-${i}`, () =>
    traceTurn(`turn ${i}`, (span) => {
      const abortController = new AbortController();
      const result = streamText({ model, prompt: `turn ${i}`, abortSignal: abortController.signal });
      return { traceId: span.traceId, ...traceUIMessageStream(span, toUIMessageStream({ stream: result.stream }), { abortController }) };
    }),
  );
  for await (const _chunk of turn.stream);
  await turn.finished;
  traceIds.push(turn.traceId!);
}

console.log(JSON.stringify({ ready: true, traceIds, spansStarted }));
// Idle like a server; the signal decides when this process ends.
setInterval(() => undefined, 1 << 30);
