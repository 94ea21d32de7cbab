/**
 * lib/tracing: session-aware tracing of AI SDK chat turns into Arize Phoenix, for any
 * Next.js app. It imports nothing from the app around it; copy the folder as is.
 *
 *   instrumentation.ts   registerTracing({ collectorEndpoint, projectName, ... })
 *   your action/route    usingSession(id, () => usingAttributes({ userId, metadata }, () =>
 *                          traceTurn(message, (turn) => traceUIMessageStream(turn, uiStream, { abortController }))))
 */
export { usingAttributes, usingSession, withAttributes, withSession, type AttributeOptions } from "./context-attributes";
export { flushTraces } from "./flush";
export { createAttributeMasker, isMaskingOn, resolveMaskingConfig, type MaskingConfig, type MaskingOptions } from "./masking";
export {
  installTracing,
  phoenixExporter,
  registerTracing,
  tracesUrl,
  type InstallTracingOptions,
  type RegisteredTracing,
  type TracingOptions,
} from "./register";
export { SkipNextJsSpansSampler } from "./sampler";
export { createSecretScrubber, scrubSecrets, SCRUBBED, type SecretScrubber } from "./secret-scrubber";
export { flushOnShutdown, type ShutdownFlushOptions } from "./shutdown";
export { createPhoenixSpanProcessor, type SpanPipelineOptions } from "./span-pipeline";
export {
  createTurnTracer,
  isFailure,
  traceTurn,
  TURN_OUTCOME_ATTRIBUTE,
  TURN_SPAN_NAME,
  TURN_TRACER_NAME,
  type TraceTurn,
  type TurnEnding,
  type TurnSpan,
  type TurnTracerOptions,
} from "./turn-span";
export {
  isTimeout,
  traceUIMessageStream,
  type TracedUIMessageStream,
  type TraceUIMessageStreamOptions,
} from "./ui-message-stream";
