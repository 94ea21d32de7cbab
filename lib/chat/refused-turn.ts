import "server-only";
import type { TurnRefusal } from "@/lib/limits/limiter";
import { traceTurn } from "@/lib/tracing/turn-span";
import type { ChatError } from "./chat-error";
import { clipGraphemes } from "./message-size";
import { REFUSALS_UNTRACED_ATTRIBUTE, usingTurnContext, type TurnAttributes } from "./run-turn";

/** The outcome a refused turn records, so Phoenix's filters (errors, this attribute) find who hits limits. */
export const RATE_LIMITED = "rate_limited";
/** Which limit refused it: budget, address, global or concurrency. */
export const REFUSAL_REASON_ATTRIBUTE = "chat.turn.refusal.reason";
/** When sending again can succeed, as the user was told. */
export const REFUSAL_RETRY_AFTER_ATTRIBUTE = "chat.turn.refusal.retry_after_seconds";
/** Set when the input was clipped: how long the user's words were. */
export const REFUSED_INPUT_LENGTH_ATTRIBUTE = "chat.turn.input_length";
/**
 * A refused turn's input is clipped to this many characters: it shows what was asked
 * without a flood of 4,000-character refusals costing the collector what answers do.
 */
export const REFUSED_INPUT_MAX_CHARS = 300;

/**
 * A turn the limits refused is still a turn of its conversation in Phoenix: a root span
 * with the user's words (clipped) as input and the refusal as output, status ERROR,
 * `chat.turn.outcome = rate_limited`, which limit and when to come back, and no model call.
 *
 * Only the first refusal of a user in a minute is recorded (the limiter decides:
 * `refusal.trace`); the span then carries how many were counted but not traced before
 * it, and the user's next answered turn carries the rest. So a script hammering a limit
 * costs one span a minute, and Phoenix still shows that it was refused, and how often.
 */
export function recordRefusedTurn(attributes: TurnAttributes, message: string, error: ChatError, refusal: TurnRefusal): string | null {
  return usingTurnContext(attributes, () =>
    traceTurn(clipGraphemes(message, REFUSED_INPUT_MAX_CHARS), (turn) => {
      turn.setAttributes({
        [REFUSAL_REASON_ATTRIBUTE]: refusal.reason,
        [REFUSAL_RETRY_AFTER_ATTRIBUTE]: refusal.retryAfterSeconds,
        [REFUSALS_UNTRACED_ATTRIBUTE]: refusal.refusalsUntraced,
        ...(message.length > REFUSED_INPUT_MAX_CHARS ? { [REFUSED_INPUT_LENGTH_ATTRIBUTE]: message.length } : {}),
      });
      turn.end({ outcome: RATE_LIMITED, output: error.message, error });
      return turn.traceId;
    }),
  );
}

