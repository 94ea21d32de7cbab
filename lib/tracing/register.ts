import "server-only";
import { OpenTelemetry } from "@ai-sdk/otel";
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { BufferConfig, Sampler, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { registerOTel } from "@vercel/otel";
import { registerTelemetry } from "ai";
import { flushTraces } from "./flush";
import { resolveMaskingConfig, type MaskingOptions } from "./masking";
import { SkipNextJsSpansSampler } from "./sampler";
import { flushOnShutdown, type ShutdownFlushOptions } from "./shutdown";
import { createPhoenixSpanProcessor } from "./span-pipeline";

/** Everything `registerTracing` needs, as plain values: this folder never reads the environment. */
export type TracingOptions = {
  /** `false` records and exports nothing (one log line says so). Default `true`. */
  enabled?: boolean;
  /** Phoenix's base URL (`http://localhost:6006`) or a full OTLP `/v1/traces` URL. */
  collectorEndpoint: string;
  /** The Phoenix project the spans land in (resource attribute `openinference.project.name`). */
  projectName: string;
  /** Sent as `Authorization: Bearer <apiKey>` when Phoenix has auth on. Also never exported in a span. */
  apiKey?: string;
  /** OpenInference's masking switches (`hideInputs`, `hideOutputs`, ...); unset ones show everything. */
  masking?: MaskingOptions;
  /** Exact values that must never reach a span (your model provider's API key, ...). Key-shaped text is scrubbed too. */
  secretsToScrub?: ReadonlyArray<string | undefined>;
  /**
   * Also export the copies Phoenix does not read: the AI SDK's raw `gen_ai.*` prompt and
   * response attributes, the prompt on the agent span, each message's text in both forms.
   * Default `false`: each thing is exported once. For a backend that reads the GenAI attributes.
   */
  keepCopies?: boolean;
  /** Don't even record Next.js's own spans (they are never exported). Default `true`. Ignored when `sampler` is given. */
  skipNextJsSpans?: boolean;
  /** Your own sampler, instead of the one `skipNextJsSpans` chooses. */
  sampler?: Sampler;
  /** The batch processor's knobs (queue size, batch size, delay); the defaults bound memory at 2,048 queued spans. */
  buffer?: BufferConfig;
  /** How long one export may take. Default 10,000 ms. */
  exportTimeoutMs?: number;
  /** Export queued spans on SIGTERM/SIGINT, bounded in time (see shutdown.ts). Default on; `false` turns it off. */
  flushOnShutdown?: boolean | ShutdownFlushOptions;
  /** Where the few tracing log lines go. Default `console`. */
  log?: Pick<Console, "info" | "warn">;
};

export type RegisteredTracing = {
  /** False when `enabled: false`; everything below still works and does nothing. */
  readonly enabled: boolean;
  /** Exports what is queued now (e.g. from `after()` on serverless, where a function freezes once it has answered). */
  flush(): Promise<void>;
};

const REGISTERED = Symbol.for("lib-tracing.registered");

/**
 * Call once from `instrumentation.ts`: OpenTelemetry via @vercel/otel, the
 * OpenInference span pipeline exporting to Phoenix, and the AI SDK's spans.
 * A second call in the same process changes nothing (both registrations are
 * process-global, and the AI SDK's would record every span twice).
 */
export function registerTracing(options: TracingOptions): RegisteredTracing {
  const log = options.log ?? console;
  if (options.enabled === false) {
    log.info("[tracing] off: no spans are recorded or exported");
    return { enabled: false, flush: async () => undefined };
  }
  const globals = globalThis as { [REGISTERED]?: RegisteredTracing };
  if (globals[REGISTERED]) return globals[REGISTERED];

  const exporter = phoenixExporter(options);
  const processor = installTracing({
    exporter,
    projectName: options.projectName,
    masking: options.masking,
    secretsToScrub: [options.apiKey, ...(options.secretsToScrub ?? [])],
    keepCopies: options.keepCopies,
    sampler: options.sampler,
    skipNextJsSpans: options.skipNextJsSpans,
    buffer: options.buffer,
    log,
  });
  if (options.flushOnShutdown !== false) {
    flushOnShutdown(processor, { log, ...(typeof options.flushOnShutdown === "object" ? options.flushOnShutdown : {}) });
  }
  log.info(`[tracing] exporting to ${tracesUrl(options.collectorEndpoint)}, project "${options.projectName}"`);
  return (globals[REGISTERED] = { enabled: true, flush: flushTraces });
}

export type InstallTracingOptions = {
  exporter: SpanExporter;
  projectName: string;
  masking?: MaskingOptions;
  secretsToScrub?: ReadonlyArray<string | undefined>;
  keepCopies?: boolean;
  skipNextJsSpans?: boolean;
  sampler?: Sampler;
  buffer?: BufferConfig;
  log?: Pick<Console, "info" | "warn">;
};

/**
 * The whole installation with the exporter left open, so tests run exactly what
 * production runs, with an in-memory exporter in place of OTLP. Returns the span
 * processor (flush it to export now).
 */
export function installTracing(options: InstallTracingOptions): SpanProcessor {
  const processor = createPhoenixSpanProcessor({
    exporter: options.exporter,
    masking: resolveMaskingConfig(options.masking),
    secretsToScrub: options.secretsToScrub,
    keepCopies: options.keepCopies,
    buffer: options.buffer,
    log: options.log,
  });
  registerOTel({
    serviceName: options.projectName,
    attributes: { [SEMRESATTRS_PROJECT_NAME]: options.projectName },
    // Only OpenInference spans are exported; fetch spans would be recorded and then dropped.
    instrumentations: [],
    // Next's own spans are never exported; not recording them at all makes them free.
    traceSampler: options.sampler ?? (options.skipNextJsSpans === false ? "always_on" : new SkipNextJsSpansSampler()),
    // No `traceExporter` here: it would export every span a second time, unconverted.
    spanProcessors: [processor],
  });
  registerTelemetry(new OpenTelemetry());
  return processor;
}

/** OTLP over http/protobuf, the one encoding Phoenix's HTTP collector accepts. */
export function phoenixExporter(options: { collectorEndpoint: string; apiKey?: string; exportTimeoutMs?: number }): OTLPTraceExporter {
  return new OTLPTraceExporter({
    url: tracesUrl(options.collectorEndpoint),
    headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
    timeoutMillis: options.exportTimeoutMs ?? 10_000,
  });
}

/** Accepts Phoenix's base URL (the documented form) or a full `/v1/traces` URL. */
export function tracesUrl(collectorEndpoint: string): string {
  const base = collectorEndpoint.replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}
