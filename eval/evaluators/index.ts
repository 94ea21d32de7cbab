import type { Evaluator } from "./evaluator";
import { failedTurns } from "./failed-turns";
import { feedbackSummary } from "./feedback-summary";
import { refusedTurns } from "./refused-turns";
import { repeatedQuestion } from "./repeated-question";
import { stoppedTurns } from "./stopped-turns";
import { turnCount } from "./turn-count";

export type { Evaluator, Verdict } from "./evaluator";

/** The code evaluators, offline and free, run on every session. Add yours here. */
export const CODE_EVALUATORS: readonly Evaluator[] = [
  turnCount,
  failedTurns,
  refusedTurns,
  stoppedTurns,
  feedbackSummary,
  repeatedQuestion,
];
