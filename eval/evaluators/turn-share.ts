import type { SessionRecord, Turn } from "../session-record";
import { count, listSome, quote, share, type Evaluator } from "./evaluator";

/**
 * The shape shared by the failed, refused and stopped evaluators: which share of the
 * session's turns ended some way. Score: that share (0 to 1), so Phoenix's averages
 * over sessions read as "the share of turns that ...". Label: `none`, `some` or `all`.
 */

export type TurnShareOptions = {
  name: string;
  matches: (turn: Turn) => boolean;
  /** Past participle, after "2 of 5 turns": "failed", "refused by the turn limits". */
  verb: string;
  /** What to add after a matching turn's words, e.g. its error. */
  detail?: (turn: Turn) => string | null;
};

export function turnShareEvaluator({ name, matches, verb, detail }: TurnShareOptions): Evaluator {
  return {
    name,
    annotatorKind: "CODE",
    evaluate(session: SessionRecord) {
      const total = session.turns.length;
      if (total === 0) return null;
      const hits = session.turns.filter(matches);
      const label = hits.length === 0 ? "none" : hits.length === total ? "all" : "some";
      if (hits.length === 0) return { label, score: 0, explanation: `No turn ${verb} (of ${count(total, "turn")}).` };
      const which = hits.map((turn) => {
        const extra = detail?.(turn);
        return `turn ${turn.index} ${quote(turn.input)}${extra ? `: ${extra}` : ""}`;
      });
      const head = `${hits.length} of ${count(total, "turn")} ${verb}`;
      return { label, score: share(hits.length, total), explanation: `${head}: ${listSome(which)}.` };
    },
  };
}

/** The first sentence of an error message, without its full stop (the explanation adds its own), clipped. */
export function firstSentence(message: string | null, max = 120): string | null {
  const sentence = message?.trim().split(/(?<=[.!?])\s/)[0]?.trim().replace(/\.$/, "");
  if (!sentence) return null;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}
