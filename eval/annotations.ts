import type { Evaluator, Verdict } from "./evaluators";
import type { SessionAnnotationData } from "./phoenix-api";
import type { SessionRecord } from "./session-record";

/**
 * A verdict as a Phoenix session annotation. Phoenix upserts session annotations on
 * (name, session, identifier), so a fixed identifier per evaluator makes a re-run
 * replace the last verdict on each session rather than add another. The identifier
 * names the writer, as Phoenix's own `px-app:<user>` does; it also lets one
 * filter-based DELETE (project, name, identifier) take back every verdict of one evaluator.
 */

export function evaluatorIdentifier(evaluatorName: string): string {
  return `eval:${evaluatorName}`;
}

export function toAnnotation(
  session: SessionRecord,
  evaluator: Pick<Evaluator, "name" | "annotatorKind">,
  verdict: Verdict,
  extraMetadata: Record<string, unknown> = {},
): SessionAnnotationData {
  return {
    session_id: session.sessionId,
    name: evaluator.name,
    annotator_kind: evaluator.annotatorKind,
    result: { label: verdict.label, score: verdict.score, explanation: verdict.explanation },
    identifier: evaluatorIdentifier(evaluator.name),
    // How many turns were judged: a session with more turns now has a stale verdict.
    metadata: { turns: session.turns.length, ...extraMetadata },
  };
}
