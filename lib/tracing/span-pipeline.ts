import { isOpenInferenceSpan, OpenInferenceBatchSpanProcessor } from "@arizeai/openinference-vercel";
import type { Attributes, Context } from "@opentelemetry/api";
import type { BufferConfig, ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { createExportPass } from "./export-pass";
import type { MaskingConfig } from "./masking";
import { dropAgentPrompt } from "./recorded-once";
import { createSecretScrubber } from "./secret-scrubber";
import { LogFailuresOnceExporter, PhoenixConventionsExporter } from "./span-exporters";

/**
 * The span processor chain that instrumentation.ts installs, in one place so the
 * integration tests run exactly this chain with an in-memory exporter:
 *
 *   PrepareAiSdkSpans                       after span end (next event-loop turn), before conversion:
 *   │                                       undo @vercel/otel's `operation.name`; take the prompt off
 *   │                                       a child agent span
 *   └ OpenInferenceBatchSpanProcessor       session/user/metadata from the context onto every span,
 *     │                                     AI SDK -> OpenInference attributes, only OI spans pass
 *     └ PhoenixConventionsExporter          one pass per span: copies dropped, OPENINFERENCE_HIDE_*
 *       │                                   masking, secrets scrubbed, `gen_ai.conversation.id`
 *       └ LogFailuresOnceExporter           a collector that is down is one log line, not one per batch
 *         └ your exporter (OTLP http/protobuf to Phoenix)
 */

export type SpanPipelineOptions = {
  exporter: SpanExporter;
  masking: MaskingConfig;
  /** Exact values (API keys) never to export; key-shaped text is scrubbed too. */
  secretsToScrub?: ReadonlyArray<string | undefined>;
  /** Export the copies Phoenix does not read as well (see recorded-once.ts). Default false. */
  keepCopies?: boolean;
  /** Batching knobs; the defaults bound memory at 2,048 queued spans when the collector is slow. */
  buffer?: BufferConfig;
  log?: Pick<Console, "warn" | "info">;
};

export function createPhoenixSpanProcessor(options: SpanPipelineOptions): SpanProcessor {
  const pass = createExportPass({
    masking: options.masking,
    scrub: createSecretScrubber(options.secretsToScrub),
    keepCopies: options.keepCopies,
  });
  const exporter = new PhoenixConventionsExporter(new LogFailuresOnceExporter(options.exporter, options.log ?? console), pass);
  return new PrepareAiSdkSpans(
    new OpenInferenceBatchSpanProcessor({ exporter, spanFilter: isOpenInferenceSpan, config: options.buffer }),
    { keepCopies: options.keepCopies === true },
  );
}

/**
 * Runs at span end, before openinference-vercel converts the span:
 * - @vercel/otel sets `operation.name` (`gen_ai`, `gen_ai.client`) on spans that lack one,
 *   in its own onEnd, before ours; openinference-vercel would rename AI SDK spans to it.
 *   AI SDK 7 spans never set `operation.name` themselves (the legacy ones use `ai.*`),
 *   so a non-`ai.` value here is always the injected one.
 * - An agent span under the turn span drops its copy of the prompt (recorded-once.ts), so
 *   it is not even converted.
 *
 * The conversion parses each LLM span's messages several times over, so it does not run
 * inside `span.end()`, on the way of the answer's last bytes: ended spans wait for the
 * next turn of the event loop (`setImmediate`), then go on in the order they ended. A flush
 * or a shutdown hands them on first.
 */
export class PrepareAiSdkSpans implements SpanProcessor {
  private ended: ReadableSpan[] = [];
  private scheduled = false;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly options: { keepCopies: boolean },
  ) {}
  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.handOn());
  }
  forceFlush(): Promise<void> {
    this.handOn();
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    this.handOn();
    return this.inner.shutdown();
  }

  private handOn(): void {
    this.scheduled = false;
    const spans = this.ended;
    this.ended = [];
    for (const span of spans) {
      const attributes = span.attributes as Attributes;
      const operationName = attributes["operation.name"];
      if (typeof operationName === "string" && !operationName.startsWith("ai.")) delete attributes["operation.name"];
      if (!this.options.keepCopies) dropAgentPrompt(attributes, span.parentSpanContext?.spanId !== undefined);
      this.inner.onEnd(span);
    }
  }
}
