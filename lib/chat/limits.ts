/**
 * Limits shared by the browser (to say no before sending) and the Server Action
 * (to say no for real). Plain constants so the client bundle stays free of zod.
 */
export const MAX_MESSAGE_CHARS = 4_000;
/** Answers can be longer than questions; this bounds what a client may replay as history. */
export const MAX_ANSWER_CHARS = 20_000;
export const MAX_HISTORY_MESSAGES = 200;
/** How much of the history the model sees; older turns stay on screen but leave the prompt. */
export const MODEL_CONTEXT_MESSAGES = 40;

export type MessageProblem = "empty" | "too_long";

export function checkMessage(text: string): MessageProblem | null {
  if (text.trim().length === 0) return "empty";
  if (text.length > MAX_MESSAGE_CHARS) return "too_long";
  return null;
}
