import "server-only";
import { OpenTelemetry } from "@ai-sdk/otel";
import { SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { registerOTel } from "@vercel/otel";
import { registerTelemetry } from "ai";
import type { AppConfig } from "@/lib/config";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { maskingConfigFromEnv, type MaskingConfig } from "./masking";
import { SkipNextJsSpansSampler } from "./sampler";
import { createPhoenixSpanProcessor } from "./span-pipeline";

const REGISTERED = Symbol.for("phoenix-session-chat.tracing-registered");

/** Called once from instrumentation.ts: OpenTelemetry via @vercel/otel, and the AI SDK's spans. */
export function registerTracing(config: AppConfig): void {
  if (!config.tracingEnabled) {
    console.info("[tracing] off (TRACING_ENABLED=false): no spans are recorded or exported");
    return;
  }
  // Both registrations are process-global, and the AI SDK's duplicates spans if called twice.
  const globals = globalThis as { [REGISTERED]?: boolean };
  if (globals[REGISTERED]) return;
  globals[REGISTERED] = true;

  installTracing({ exporter: phoenixExporter(config.phoenix), projectName: config.phoenix.projectName, masking: maskingConfigFromEnv() });
  console.info(`[tracing] exporting to ${tracesUrl(config.phoenix.collectorEndpoint)}, project "${config.phoenix.projectName}"`);
}

/**
 * The whole installation with the exporter left open, so the integration tests
 * run exactly what production runs, with an in-memory exporter in place of OTLP.
 */
export function installTracing(options: { exporter: SpanExporter; projectName: string; masking: MaskingConfig }): void {
  registerOTel({
    serviceName: options.projectName,
    attributes: { [SEMRESATTRS_PROJECT_NAME]: options.projectName },
    // Only OpenInference spans are exported; fetch spans would be recorded and then dropped.
    instrumentations: [],
    // Next's own spans are never exported; not recording them at all makes them free.
    traceSampler: new SkipNextJsSpansSampler(),
    // No `traceExporter` here: it would export every span a second time, unconverted.
    spanProcessors: [createPhoenixSpanProcessor({ exporter: options.exporter, masking: options.masking })],
  });
  registerTelemetry(new OpenTelemetry());
}

/** OTLP over http/protobuf, the one encoding Phoenix's HTTP collector accepts. */
export function phoenixExporter(phoenix: AppConfig["phoenix"]): OTLPTraceExporter {
  return new OTLPTraceExporter({
    url: tracesUrl(phoenix.collectorEndpoint),
    headers: phoenix.apiKey ? { Authorization: `Bearer ${phoenix.apiKey}` } : {},
    timeoutMillis: 10_000,
  });
}

/** Accepts Phoenix's base URL (the documented form) or a full `/v1/traces` URL. */
export function tracesUrl(collectorEndpoint: string): string {
  return collectorEndpoint.endsWith("/v1/traces") ? collectorEndpoint : `${collectorEndpoint}/v1/traces`;
}
