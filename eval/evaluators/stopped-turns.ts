import { turnShareEvaluator } from "./turn-share";

/**
 * Turns the user stopped before the answer finished (`chat.turn.outcome = stopped`):
 * often an answer going the wrong way, or too long.
 */
export const stoppedTurns = turnShareEvaluator({
  name: "stopped_turns",
  matches: (turn) => turn.outcome === "stopped",
  verb: "stopped by the user",
});
