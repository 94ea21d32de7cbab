import { MimeType, OpenInferenceSpanKind, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { isSpanContextValid, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

/**
 * The root span of one turn: what Phoenix's Sessions view shows as a turn, with
 * the user's words as input and the whole answer as output.
 *
 * It starts as its own root (`root: true`), not under Next's request span:
 * @vercel/otel force-ends a trace's open spans when its root ends, which would cut a
 * streamed answer short; and Next's spans are not exported, so the AI spans
 * would otherwise point at a parent Phoenix never receives.
 */

export const TURN_SPAN_NAME = "chat.turn";
/** completed | stopped | failed (or your own failure name): how the turn ended, so a Stop is visible in Phoenix. */
export const TURN_OUTCOME_ATTRIBUTE = "chat.turn.outcome";
export const TURN_TRACER_NAME = "phoenix-session-chat";

/**
 * How a turn ended. `completed` and `stopped` end the span OK; any other outcome
 * (`failed`, or a name of yours such as `rate_limited`) ends it ERROR, with the error
 * recorded as an exception event.
 */
export type TurnEnding =
  | { outcome: "completed" | "stopped"; output: string }
  | { outcome: "failed" | (string & {}); output: string; error: unknown };

export type TurnSpan = {
  /** The trace id for "View trace" links; null when tracing is off (the span is not recording). */
  readonly traceId: string | null;
  /** The root span's id; null when tracing is off. */
  readonly spanId: string | null;
  /** True once `end()` has run. */
  readonly ended: boolean;
  /** Ends the span; later calls are ignored, so every exit path may call it. */
  end(ending: TurnEnding): void;
  /** Adds attributes to the root span (e.g. `chat.turn.limit_checked: false`); ignored once ended. */
  setAttributes(attributes: Attributes): void;
};

export type TurnTracerOptions = {
  /** The root span's name. Default `chat.turn`. */
  spanName?: string;
  /** The attribute that records the outcome. Default `chat.turn.outcome`. */
  outcomeAttribute?: string;
  /** The OpenTelemetry tracer (instrumentation scope) name. Default `phoenix-session-chat`. */
  tracerName?: string;
};

/** Runs `fn` with a new root turn span active, so every span started inside (the AI SDK's) is its child. */
export type TraceTurn = <T>(input: string, fn: (turn: TurnSpan) => T) => T;

/** A `traceTurn` with your own span name, outcome attribute and tracer name. */
export function createTurnTracer(options: TurnTracerOptions = {}): TraceTurn {
  const spanName = options.spanName ?? TURN_SPAN_NAME;
  const outcomeAttribute = options.outcomeAttribute ?? TURN_OUTCOME_ATTRIBUTE;
  const tracerName = options.tracerName ?? TURN_TRACER_NAME;
  return (input, fn) =>
    // Looked up per turn, not once: the global provider may be registered after this module loads.
    trace.getTracer(tracerName).startActiveSpan(
      spanName,
      {
        root: true,
        attributes: {
          [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.CHAIN,
          [SemanticConventions.INPUT_VALUE]: input,
          [SemanticConventions.INPUT_MIME_TYPE]: MimeType.TEXT,
        },
      },
      (span) => fn(turnSpan(span, outcomeAttribute)),
    );
}

/** The default turn tracer: span `chat.turn`, outcome in `chat.turn.outcome`. */
export const traceTurn: TraceTurn = createTurnTracer();

function turnSpan(span: Span, outcomeAttribute: string): TurnSpan {
  const context = span.spanContext();
  const recording = isSpanContextValid(context) && span.isRecording();
  let ended = false;
  return {
    traceId: recording ? context.traceId : null,
    spanId: recording ? context.spanId : null,
    get ended() {
      return ended;
    },
    setAttributes(attributes) {
      if (!ended) span.setAttributes(attributes);
    },
    end(ending) {
      if (ended) return;
      ended = true;
      span.setAttributes({
        [SemanticConventions.OUTPUT_VALUE]: ending.output,
        [SemanticConventions.OUTPUT_MIME_TYPE]: MimeType.TEXT,
        [outcomeAttribute]: ending.outcome,
      });
      if (isFailure(ending)) {
        const error = ending.error instanceof Error ? ending.error : new Error(String(ending.error ?? ending.outcome));
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      } else {
        if (ending.outcome === "stopped") span.addEvent("turn stopped by the user");
        span.setStatus({ code: SpanStatusCode.OK });
      }
      span.end();
    },
  };
}

/** Any outcome but `completed` and `stopped` is a failure. */
export function isFailure(ending: TurnEnding): ending is Extract<TurnEnding, { error: unknown }> {
  return ending.outcome !== "completed" && ending.outcome !== "stopped";
}
