import type { Feedback } from "../session-record";
import { count, listSome, quote, share, type Evaluator } from "./evaluator";

/**
 * What the users said, in one place: the thumbs on answers (trace annotations
 * `user_feedback`) and the ratings of the whole conversation (session annotations
 * `user_feedback`), both as the app and Phoenix's own UI write them.
 * Score: the thumbs-down share of all of them (0 = all up, 1 = all down), null when
 * nobody voted. Label: `positive` (no thumb down), `negative` (no thumb up), `mixed`,
 * or `no_feedback`.
 */

function describe(feedback: Feedback): string {
  const where = feedback.turnIndex === null ? "the conversation" : `turn ${feedback.turnIndex}`;
  return feedback.comment ? `${where} ${quote(feedback.comment, 80)}` : where;
}

function side(votes: Feedback[], vote: Feedback["vote"], noun: string): string | null {
  const these = votes.filter((v) => v.vote === vote);
  if (these.length === 0) return null;
  return `${count(these.length, noun)} ${vote === "negative" ? "down" : "up"} (${listSome(these.map(describe), 3)})`;
}

export const feedbackSummary: Evaluator = {
  name: "feedback_summary",
  annotatorKind: "CODE",
  evaluate(session) {
    const all = [...session.votes, ...session.ratings];
    if (all.length === 0) {
      return { label: "no_feedback", score: null, explanation: "No thumbs on any answer and no rating of the conversation." };
    }
    const downs = all.filter((f) => f.vote === "negative").length;
    const label = downs === 0 ? "positive" : downs === all.length ? "negative" : "mixed";
    const parts = [
      side(session.votes, "negative", "answer"),
      side(session.votes, "positive", "answer"),
      side(session.ratings, "negative", "rating"),
      side(session.ratings, "positive", "rating"),
    ].filter(Boolean);
    return {
      label,
      score: share(downs, all.length),
      explanation: `${downs} of ${count(all.length, "vote")} thumbs down: ${parts.join("; ")}.`,
    };
  },
};
