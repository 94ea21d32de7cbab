import type { AnnotationDeleteFilter, SessionAnnotation, TraceAnnotation } from "@/lib/phoenix/rest-client";
import type { FeedbackChoice } from "./feedback-protocol";

/**
 * A vote as Phoenix's own Sessions view writes its thumbs, so ours shows on the turn
 * there: name `user_feedback` (Phoenix creates that categorical config at start-up:
 * `positive` = 1, `negative` = 0), annotator kind HUMAN, the comment as explanation.
 * On the trace only: the trace and its root span as well shows the vote twice
 * (Arize-ai/phoenix#14189).
 */

export const FEEDBACK_ANNOTATION_NAME = "user_feedback";

/**
 * One annotation per user and turn. Phoenix upserts on (name, trace, identifier), but
 * its DELETE filters by project, name and identifier only, not by trace: the trace id
 * is in the identifier so an undo removes this one vote and no other. (Phoenix's own
 * view uses `px-app:<viewer>`; ours names the app's user, who is no Phoenix user.)
 */
export function turnFeedbackIdentifier(userId: string, traceId: string): string {
  return `user:${userId}:trace:${traceId}`;
}

export function conversationFeedbackIdentifier(userId: string, sessionId: string): string {
  return `user:${userId}:session:${sessionId}`;
}

function result({ vote, comment }: FeedbackChoice) {
  const explanation = comment?.trim();
  return { label: vote, score: vote === "positive" ? 1 : 0, explanation: explanation ? explanation : null };
}

export function turnFeedbackAnnotation(
  target: { traceId: string; userId: string },
  choice: FeedbackChoice,
): TraceAnnotation {
  return {
    trace_id: target.traceId,
    name: FEEDBACK_ANNOTATION_NAME,
    annotator_kind: "HUMAN",
    result: result(choice),
    identifier: turnFeedbackIdentifier(target.userId, target.traceId),
    metadata: { user_id: target.userId },
  };
}

export function conversationFeedbackAnnotation(
  target: { sessionId: string; userId: string },
  choice: FeedbackChoice,
): SessionAnnotation {
  return {
    session_id: target.sessionId,
    name: FEEDBACK_ANNOTATION_NAME,
    annotator_kind: "HUMAN",
    result: result(choice),
    identifier: conversationFeedbackIdentifier(target.userId, target.sessionId),
    metadata: { user_id: target.userId },
  };
}

/** Exactly the one annotation a user wrote on a trace (or a session): undo touches nothing else. */
export function feedbackDeleteFilter(projectName: string, identifier: string): AnnotationDeleteFilter {
  return { projectName, name: FEEDBACK_ANNOTATION_NAME, identifier, annotatorKind: "HUMAN" };
}
