import { firstSentence, turnShareEvaluator } from "./turn-share";

/**
 * Turns that ended in an error (`chat.turn.outcome = failed`: the model provider
 * failed, timed out, or the app did): the user got no answer, or half of one.
 */
export const failedTurns = turnShareEvaluator({
  name: "failed_turns",
  matches: (turn) => turn.outcome === "failed",
  verb: "failed",
  detail: (turn) => firstSentence(turn.statusMessage),
});
