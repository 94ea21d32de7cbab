/**
 * Limits shared by the browser (to say no before sending) and the Server Action
 * (to say no for real). Plain constants so the client bundle stays free of zod.
 */
export const MAX_MESSAGE_CHARS = 4_000;
/** Answers can be longer than questions; this bounds one text part a client may replay as history. */
export const MAX_ANSWER_CHARS = 20_000;
export const MAX_HISTORY_MESSAGES = 200;
/** How much of the history the model sees; older turns stay on screen but leave the prompt. */
export const MODEL_CONTEXT_MESSAGES = 40;
/**
 * What one turn may send as history, in bytes of JSON. Counted in bytes, not characters:
 * 4,000 CJK characters are 12,000 bytes, and Next refuses an action body over its
 * `serverActions.bodySizeLimit` before our code runs. The browser trims the oldest
 * messages to stay under this; the server refuses more with a typed error.
 */
export const MAX_HISTORY_BYTES = 512 * 1024;

/**
 * A comment on a vote (lib/feedback/): here with the other sizes, so the error texts
 * (chat-error.ts) import sizes from one file and nothing from lib/feedback/.
 */
export const MAX_FEEDBACK_COMMENT_CHARS = 1_000;

export type MessageProblem = "empty" | "too_long";

export function checkMessage(text: string): MessageProblem | null {
  if (text.trim().length === 0) return "empty";
  if (text.length > MAX_MESSAGE_CHARS) return "too_long";
  return null;
}

let graphemes: Intl.Segmenter | undefined;

/**
 * At most `max` characters as a reader counts them (graphemes), ending in "…" when cut:
 * cutting UTF-16 units would split an emoji (surrogate pairs, ZWJ sequences, flags) or
 * detach a combining mark, and the broken half would land in a span or an answer.
 */
export function clipGraphemes(text: string, max: number): string {
  // A string no longer than `max` code units has no more than `max` graphemes.
  if (text.length <= max) return text;
  const kept: string[] = [];
  // Made on first use, not at import: the browser imports this file, and an old one has no Segmenter.
  graphemes ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  for (const { segment } of graphemes.segment(text)) {
    kept.push(segment);
    if (kept.length > max) return `${kept.slice(0, max - 1).join("")}…`;
  }
  return text;
}

/** UTF-8 bytes of a value's JSON, as it crosses the wire. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
