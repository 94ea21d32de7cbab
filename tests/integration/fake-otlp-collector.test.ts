import { context, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOtlpCollector, type FakeOtlpCollector } from "../support/fake-otlp-collector";

/**
 * The serverless-flush browser test counts spans with this fake collector; here the
 * exporter the app uses sends to it, so a decoding mistake fails here, not there.
 */
describe("the fake OTLP collector", () => {
  let collector: FakeOtlpCollector;
  beforeAll(async () => {
    collector = await startFakeOtlpCollector();
  });
  afterAll(() => collector.stop());

  it("decodes what the app's OTLP http/protobuf exporter sends: ids, parents, names, kinds, attributes, resource", async () => {
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }))],
    });
    const tracer = provider.getTracer("test");
    const root = tracer.startSpan("chat.turn", {
      kind: SpanKind.SERVER,
      attributes: { "session.id": "s-1", "llm.token_count.total": 42, ratio: 0.5, ok: true, "tag.tags": ["a", "b"] },
    });
    const child = tracer.startSpan("chat gpt", {}, trace.setSpan(context.active(), root));
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    expect(collector.errors()).toEqual([]);
    const spans = collector.spans();
    expect(spans.map((span) => span.name).sort()).toEqual(["chat gpt", "chat.turn"]);
    const received = Object.fromEntries(spans.map((span) => [span.name, span]));
    expect(received["chat.turn"]).toMatchObject({
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      parentSpanId: undefined,
      kind: 2, // SPAN_KIND_SERVER in OTLP (the API's SERVER + 1)
      attributes: { "session.id": "s-1", "llm.token_count.total": 42, ratio: 0.5, ok: true, "tag.tags": ["a", "b"] },
    });
    expect(received["chat gpt"]).toMatchObject({
      traceId: root.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: root.spanContext().spanId,
    });
    expect(received["chat.turn"]!.resource["service.name"]).toEqual(expect.any(String));
  });
});
