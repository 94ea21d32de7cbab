import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { FEEDBACK_ANNOTATION_NAME } from "../lib/feedback/feedback-annotations";
import { TURN_OUTCOME_ATTRIBUTE } from "../lib/tracing/turn-span";
import type { PhoenixSessionAnnotation, PhoenixSessionRow, PhoenixSpan, PhoenixTraceAnnotation } from "./phoenix-api";

/**
 * One conversation as the evaluators see it: its turns in order and what its users
 * said about it. Built only from what the app records for sure: each turn's root
 * span (`input.value`, `output.value`, `chat.turn.outcome`, `session.id`, `user.id`)
 * and the `user_feedback` annotations. Nothing from the AI SDK's own spans, whose
 * attributes change between versions.
 */

/** How a turn ended, in the evaluators' words. */
export type TurnOutcome = "completed" | "stopped" | "failed" | "refused";

export type Turn = {
  /** 1-based, in the order the turns started. */
  index: number;
  traceId: string;
  startTime: string;
  /** The user's words. */
  input: string;
  /** The answer, or the refusal the user was shown; may be empty (a failed turn). */
  output: string;
  outcome: TurnOutcome;
  /** The span's status message (the error, for a failed or refused turn). */
  statusMessage: string | null;
  userId: string | null;
  /** All the root span's attributes, flattened (`metadata.tier`), for evaluators of your own. */
  attributes: Readonly<Record<string, unknown>>;
};

/** A thumbs up or down, on one answer (`turnIndex`) or on the whole conversation (`turnIndex` null). */
export type Feedback = { turnIndex: number | null; vote: "positive" | "negative"; comment: string | null };

export type SessionRecord = {
  sessionId: string;
  startTime: string;
  endTime: string;
  turns: Turn[];
  /** Votes on answers, in turn order. */
  votes: Feedback[];
  /** Ratings of the whole conversation (one per user who rated it). */
  ratings: Feedback[];
};

/** The outcomes a refused turn records (lib/chat/refused-turn.ts: `rate_limited`). */
export const REFUSED_OUTCOMES: ReadonlySet<string> = new Set(["rate_limited"]);

export function turnOutcome(recorded: unknown, statusCode: string): TurnOutcome {
  if (recorded === "completed" || recorded === "stopped" || recorded === "failed") return recorded;
  if (typeof recorded === "string" && REFUSED_OUTCOMES.has(recorded)) return "refused";
  // A root span without the attribute (another app, an older version): its status decides.
  return statusCode === "ERROR" ? "failed" : "completed";
}

const text = (value: unknown): string => (typeof value === "string" ? value : value == null ? "" : JSON.stringify(value));

export function toTurns(rootSpans: PhoenixSpan[]): Turn[] {
  return [...rootSpans]
    .sort((a, b) => a.start_time.localeCompare(b.start_time) || a.context.trace_id.localeCompare(b.context.trace_id))
    .map((span, i) => {
      const attributes = span.attributes ?? {};
      const userId = attributes[SemanticConventions.USER_ID];
      return {
        index: i + 1,
        traceId: span.context.trace_id,
        startTime: span.start_time,
        input: text(attributes[SemanticConventions.INPUT_VALUE]),
        output: text(attributes[SemanticConventions.OUTPUT_VALUE]),
        outcome: turnOutcome(attributes[TURN_OUTCOME_ATTRIBUTE], span.status_code),
        statusMessage: span.status_message || null,
        userId: typeof userId === "string" ? userId : null,
        attributes,
      };
    });
}

/** A `user_feedback` annotation as a vote; anything but a human's positive/negative is not one. */
function toFeedback(
  annotation: Pick<PhoenixTraceAnnotation, "name" | "annotator_kind" | "result">,
  turnIndex: number | null,
): Feedback | null {
  if (annotation.name !== FEEDBACK_ANNOTATION_NAME || annotation.annotator_kind !== "HUMAN") return null;
  const { label, score } = annotation.result ?? {};
  const vote = label === "positive" || label === "negative" ? label : score === 1 ? "positive" : score === 0 ? "negative" : null;
  if (!vote) return null;
  return { turnIndex, vote, comment: annotation.result?.explanation?.trim() || null };
}

export function toSessionRecord(
  session: PhoenixSessionRow,
  rootSpans: PhoenixSpan[],
  traceAnnotations: PhoenixTraceAnnotation[],
  sessionAnnotations: PhoenixSessionAnnotation[],
): SessionRecord {
  const turns = toTurns(rootSpans);
  const turnOf = new Map(turns.map((turn) => [turn.traceId, turn.index]));
  const votes = traceAnnotations
    .map((a) => toFeedback(a, turnOf.get(a.trace_id) ?? null))
    .filter((f): f is Feedback => f !== null && f.turnIndex !== null)
    .sort((a, b) => a.turnIndex! - b.turnIndex!);
  const ratings = sessionAnnotations.map((a) => toFeedback(a, null)).filter((f): f is Feedback => f !== null);
  return { sessionId: session.session_id, startTime: session.start_time, endTime: session.end_time, turns, votes, ratings };
}
