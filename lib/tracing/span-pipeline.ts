import { isOpenInferenceSpan, OpenInferenceBatchSpanProcessor } from "@arizeai/openinference-vercel";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { AttributeValue, Attributes, Context } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { ATTR_GEN_AI_CONVERSATION_ID } from "@opentelemetry/semantic-conventions/incubating";
import type { BufferConfig, ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createAttributeMasker, isMaskingOn, type MaskingConfig } from "./masking";
import { createSecretScrubber, type SecretScrubber } from "./secret-scrubber";

/**
 * The span processor chain that instrumentation.ts installs, in one place so the
 * integration tests run exactly this chain with an in-memory exporter:
 *
 *   KeepAiSdkSpanNames                      undo @vercel/otel's `operation.name`, so names stay
 *   └ OpenInferenceBatchSpanProcessor       session/user/metadata from the context onto every span,
 *     │                                     AI SDK -> OpenInference attributes, only OI spans pass
 *     └ PhoenixConventionsExporter          `gen_ai.conversation.id`, OPENINFERENCE_HIDE_* masking,
 *       │                                   secrets scrubbed from attributes, events, status
 *       └ LogFailuresOnceExporter           a collector that is down is one log line, not one per batch
 *         └ your exporter (OTLP http/protobuf to Phoenix)
 */

export type SpanPipelineOptions = {
  exporter: SpanExporter;
  masking: MaskingConfig;
  /** Exact values (API keys) never to export; key-shaped text is scrubbed too. */
  secretsToScrub?: ReadonlyArray<string | undefined>;
  /** Batching knobs; the defaults bound memory at 2,048 queued spans when the collector is slow. */
  buffer?: BufferConfig;
  log?: Pick<Console, "warn" | "info">;
};

export function createPhoenixSpanProcessor(options: SpanPipelineOptions): SpanProcessor {
  const exporter = new PhoenixConventionsExporter(new LogFailuresOnceExporter(options.exporter, options.log ?? console), {
    masking: options.masking,
    scrub: createSecretScrubber(options.secretsToScrub),
  });
  return new KeepAiSdkSpanNames(
    new OpenInferenceBatchSpanProcessor({
      exporter,
      spanFilter: isOpenInferenceSpan,
      config: options.buffer,
    }),
  );
}

/**
 * @vercel/otel sets `operation.name` (`gen_ai`, `gen_ai.client`) on spans that lack one,
 * in its own onEnd, before ours. openinference-vercel then renames AI SDK spans to it.
 * AI SDK 7 spans never set `operation.name` themselves (the legacy ones use `ai.*`),
 * so a non-`ai.` value here is always the injected one.
 */
export class KeepAiSdkSpanNames implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}
  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    const attributes = span.attributes as Attributes;
    const operationName = attributes["operation.name"];
    if (typeof operationName === "string" && !operationName.startsWith("ai.")) delete attributes["operation.name"];
    this.inner.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/**
 * Runs on converted OpenInference spans, right before export:
 * - copies `session.id` to `gen_ai.conversation.id`, the OpenTelemetry GenAI name,
 *   so backends other than Phoenix group the conversation too;
 * - applies the OPENINFERENCE_HIDE_* masking to every span;
 * - scrubs secrets from every string it exports: attributes, event attributes (the
 *   exception message and stack a provider error leaves) and the status message.
 *   A provider error that echoes the API key would otherwise land in Phoenix verbatim.
 */
export class PhoenixConventionsExporter implements SpanExporter {
  private readonly mask: ((attributes: Attributes) => Attributes) | undefined;
  private readonly scrub: SecretScrubber;

  constructor(
    private readonly inner: SpanExporter,
    options: { masking: MaskingConfig; scrub?: SecretScrubber },
  ) {
    this.mask = isMaskingOn(options.masking) ? createAttributeMasker(options.masking) : undefined;
    this.scrub = options.scrub ?? createSecretScrubber();
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map((span) => this.convert(span)), resultCallback);
  }

  private convert(span: ReadableSpan): ReadableSpan {
    let attributes: Attributes = { ...span.attributes };
    const sessionId = attributes[SemanticConventions.SESSION_ID];
    if (typeof sessionId === "string") attributes[ATTR_GEN_AI_CONVERSATION_ID] = sessionId;
    if (this.mask) attributes = this.mask(attributes);
    return {
      ...copyOf(span),
      attributes: this.scrubAttributes(attributes),
      events: span.events.map((event) => ({ ...event, attributes: event.attributes && this.scrubAttributes(event.attributes) })),
      status: span.status.message === undefined ? span.status : { ...span.status, message: this.scrub(span.status.message) },
    };
  }

  private scrubAttributes(attributes: Attributes): Attributes {
    const result: Attributes = {};
    for (const [key, value] of Object.entries(attributes)) result[key] = this.scrubValue(value);
    return result;
  }

  private scrubValue(value: AttributeValue | undefined): AttributeValue | undefined {
    if (typeof value === "string") return this.scrub(value);
    if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? this.scrub(item) : item)) as AttributeValue;
    return value;
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/**
 * When the collector is down, each batch fails. Log the first failure and the
 * recovery, not every batch; the chat itself never waits on this.
 */
export class LogFailuresOnceExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly log: Pick<Console, "warn" | "info">,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) this.log.info("[tracing] span export recovered");
        this.failing = false;
      } else if (!this.failing) {
        this.failing = true;
        this.log.warn(
          `[tracing] span export failed (${result.error?.message ?? "unknown error"}); spans are dropped until the collector answers again. The chat keeps working.`,
        );
      }
      // Dropped spans are not retried later, so upstream only needs to know the batch is done.
      resultCallback({ code: ExportResultCode.SUCCESS });
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** A plain copy: a ReadableSpan's `spanContext` is a method, so spreading the SDK's Span object would lose it. */
function copyOf(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
