import "server-only";
import { traceTurn } from "@/lib/tracing/turn-span";
import type { ChatError } from "./chat-error";
import { usingTurnContext, type TurnSession } from "./run-turn";

/** The outcome a refused turn records, so Phoenix's filters (errors, this attribute) find who hits limits. */
export const RATE_LIMITED = "rate_limited";

/**
 * A turn the limits refused is still a turn of its conversation in Phoenix: a root
 * span with the user's words as input and the refusal as output, status ERROR,
 * `chat.turn.outcome = rate_limited`, and no model call under it.
 */
export function recordRefusedTurn(session: TurnSession, message: string, refusal: ChatError): string | null {
  return usingTurnContext(session, () =>
    traceTurn(message, (turn) => {
      turn.end({ outcome: RATE_LIMITED, output: refusal.message, error: refusal });
      return turn.traceId;
    }),
  );
}
