import type { TurnOutcome } from "../session-record";
import { count, type Evaluator } from "./evaluator";

/**
 * How long the conversation was. Score: the number of turns (refused ones included:
 * the user sent them). Label: `single_turn` (a user who asked once and left is worth
 * a look), `multi_turn`, or `empty` (Phoenix has the session but no root span of it).
 */

const IN_WORDS: Record<TurnOutcome, string> = { completed: "answered", stopped: "stopped", failed: "failed", refused: "refused" };

export const turnCount: Evaluator = {
  name: "turn_count",
  annotatorKind: "CODE",
  evaluate(session) {
    const turns = session.turns;
    if (turns.length === 0) {
      return { label: "empty", score: 0, explanation: "No turns: none of this session's traces has a root span in Phoenix." };
    }
    const byOutcome = (Object.keys(IN_WORDS) as TurnOutcome[])
      .map((outcome) => [outcome, turns.filter((t) => t.outcome === outcome).length] as const)
      .filter(([, n]) => n > 0)
      .map(([outcome, n]) => `${n} ${IN_WORDS[outcome]}`);
    return {
      label: turns.length === 1 ? "single_turn" : "multi_turn",
      score: turns.length,
      explanation: `${count(turns.length, "turn")}: ${byOutcome.join(", ")}.`,
    };
  },
};
