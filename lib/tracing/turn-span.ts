import { MimeType, OpenInferenceSpanKind, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { isSpanContextValid, SpanStatusCode, trace, type Span } from "@opentelemetry/api";

/**
 * The root span of one chat turn: what Phoenix's Sessions view shows as a turn,
 * with the user's words as input and the whole answer as output.
 *
 * It starts as its own root (`root: true`), not under Next's request span:
 * @vercel/otel force-ends a trace's open spans when its root ends, which would cut a
 * streamed answer short; and Next's spans are not exported, so the AI spans
 * would otherwise point at a parent Phoenix never receives.
 */

export const TURN_SPAN_NAME = "chat.turn";
/** completed | stopped | failed: how the turn ended, so a Stop is visible in Phoenix. */
export const TURN_OUTCOME_ATTRIBUTE = "chat.turn.outcome";

const tracer = trace.getTracer("phoenix-session-chat");

export type TurnEnding =
  | { outcome: "completed"; output: string }
  | { outcome: "stopped"; output: string }
  | { outcome: "failed"; output: string; error: unknown };

export type TurnSpan = {
  /** The trace id for "View trace" links; null when tracing is off. */
  readonly traceId: string | null;
  /** Ends the span; later calls are ignored, so every exit path may call it. */
  end(ending: TurnEnding): void;
  readonly ended: boolean;
};

/** Runs `fn` with the turn span active, so the AI SDK's spans become its children. */
export function traceTurn<T>(input: string, fn: (turn: TurnSpan) => T): T {
  return tracer.startActiveSpan(
    TURN_SPAN_NAME,
    {
      root: true,
      attributes: {
        [SemanticConventions.OPENINFERENCE_SPAN_KIND]: OpenInferenceSpanKind.CHAIN,
        [SemanticConventions.INPUT_VALUE]: input,
        [SemanticConventions.INPUT_MIME_TYPE]: MimeType.TEXT,
      },
    },
    (span) => fn(turnSpan(span)),
  );
}

function turnSpan(span: Span): TurnSpan {
  const context = span.spanContext();
  let ended = false;
  return {
    traceId: isSpanContextValid(context) && span.isRecording() ? context.traceId : null,
    get ended() {
      return ended;
    },
    end(ending) {
      if (ended) return;
      ended = true;
      span.setAttributes({
        [SemanticConventions.OUTPUT_VALUE]: ending.output,
        [SemanticConventions.OUTPUT_MIME_TYPE]: MimeType.TEXT,
        [TURN_OUTCOME_ATTRIBUTE]: ending.outcome,
      });
      if (ending.outcome === "failed") {
        const error = ending.error instanceof Error ? ending.error : new Error(String(ending.error));
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
