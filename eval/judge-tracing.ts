import { OpenTelemetry } from "@ai-sdk/otel";
import { SemanticConventions, SEMRESATTRS_PROJECT_NAME } from "@arizeai/openinference-semantic-conventions";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { resolveMaskingConfig } from "../lib/tracing/masking";
import { createPhoenixSpanProcessor } from "../lib/tracing/span-pipeline";

/**
 * The judge's own model calls, traced to a project of their own (`<project>-evals`),
 * through the same span pipeline as the app's (lib/tracing: OpenInference conversion,
 * secrets scrubbed). Its own tracer provider, never registered globally, handed to each
 * call as a per-call AI SDK telemetry integration: nothing else in this process is
 * traced, and nothing it traces can land in the chat's project.
 *
 * The spans carry no `session.id`: session ids are global across Phoenix projects, so
 * one would drag the judge's calls into the conversation they judge. The judged
 * session's id goes in `metadata` instead.
 */

export type JudgeTracing = {
  /** The telemetry integration for one judge call about `sessionId`. */
  forSession(sessionId: string, evaluator: string): OpenTelemetry;
  /** The first export failure, if any (the summary says it). */
  readonly exportProblem: string | null;
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
};

export function createJudgeTracing(options: {
  baseUrl: string;
  apiKey?: string;
  projectName: string;
  secretsToScrub: ReadonlyArray<string | undefined>;
}): JudgeTracing {
  let exportProblem: string | null = null;
  const exporter = new OTLPTraceExporter({
    url: `${options.baseUrl}/v1/traces`,
    headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
  });
  const processor = createPhoenixSpanProcessor({
    exporter,
    masking: resolveMaskingConfig(),
    secretsToScrub: [options.apiKey, ...options.secretsToScrub],
    // The pipeline logs an export failure once; keep it for the summary instead of interleaving it with the progress bar.
    log: { info: () => undefined, warn: (message: string) => void (exportProblem ??= String(message)) },
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [SEMRESATTRS_PROJECT_NAME]: options.projectName, "service.name": options.projectName }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer("phoenix-session-chat-eval");

  return {
    forSession: (sessionId, evaluator) =>
      new OpenTelemetry({
        tracer,
        agentSpanName: "functionId",
        enrichSpan: ({ spanType }) =>
          spanType === "operation"
            ? { [SemanticConventions.METADATA]: JSON.stringify({ evaluator, evaluated_session_id: sessionId }) }
            : undefined,
      }),
    get exportProblem() {
      return exportProblem;
    },
    shutdown: () => provider.shutdown(),
  };
}
