import { firstSentence, turnShareEvaluator } from "./turn-share";

/**
 * Turns the app refused before calling the model (`chat.turn.outcome = rate_limited`:
 * the tier's budget, too many at once). Many refusals in one conversation: a user
 * who ran into the limits, or a script.
 */
export const refusedTurns = turnShareEvaluator({
  name: "refused_turns",
  matches: (turn) => turn.outcome === "refused",
  verb: "refused by the turn limits",
  detail: (turn) => firstSentence(turn.statusMessage ?? turn.output),
});
