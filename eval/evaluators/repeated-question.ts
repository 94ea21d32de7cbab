import type { Turn } from "../session-record";
import { count, listSome, quote, share, type Evaluator } from "./evaluator";

/**
 * A user asking again what was already answered: the answer did not land. A turn
 * counts when its words match an earlier *answered* turn's: the same after case,
 * punctuation and spacing are set aside, or, for four words or more, nearly the same
 * words (80% overlap). Sending again after a refusal, a failure or a Stop is a retry,
 * not a repeat (the other evaluators count those).
 * Score: the share of turns that repeat. Label: `repeated` or `no_repeats`.
 */

const SIMILAR = 0.8;
const MIN_WORDS_FOR_SIMILAR = 4;

export function normalise(words: string): string {
  return words
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function sameQuestion(a: string, b: string): boolean {
  const [x, y] = [normalise(a), normalise(b)];
  if (!x || !y) return false;
  if (x === y) return true;
  const [wx, wy] = [new Set(x.split(" ")), new Set(y.split(" "))];
  if (wx.size < MIN_WORDS_FOR_SIMILAR || wy.size < MIN_WORDS_FOR_SIMILAR) return false;
  const shared = [...wx].filter((w) => wy.has(w)).length;
  return shared / (wx.size + wy.size - shared) >= SIMILAR;
}

export const repeatedQuestion: Evaluator = {
  name: "repeated_question",
  annotatorKind: "CODE",
  evaluate(session) {
    const turns = session.turns;
    if (turns.length === 0) return null;
    const repeats: { turn: Turn; of: Turn }[] = [];
    for (const turn of turns) {
      const earlier = turns.find((t) => t.index < turn.index && t.outcome === "completed" && sameQuestion(t.input, turn.input));
      if (earlier) repeats.push({ turn, of: earlier });
    }
    if (repeats.length === 0) {
      return { label: "no_repeats", score: 0, explanation: `No answered question was asked again (${count(turns.length, "turn")}).` };
    }
    const which = repeats.map(({ turn, of }) => `turn ${turn.index} repeats turn ${of.index} ${quote(of.input)}`);
    return {
      label: "repeated",
      score: share(repeats.length, turns.length),
      explanation: `${repeats.length} of ${count(turns.length, "turn")} asked again what was already answered: ${listSome(which)}.`,
    };
  },
};
