import { chatErrorPayload, type ChatErrorPayload } from "@/lib/chat/chat-error";
import { isBodyTooLargeError } from "@/lib/http/body-limit";
import { ChatRequestError } from "./server-action-transport";

/**
 * What the user sees for whatever `useChat` reports as an error: our typed failure
 * (returned by the action, or sent mid-stream as an `error` chunk whose text is the
 * payload's JSON), a lost connection, or anything else as a server failure.
 */
export function chatErrorFrom(error: unknown): ChatErrorPayload {
  if (error instanceof ChatRequestError) return error.payload;
  // proxy.ts refused the request before Next decoded it (413): no Retry, since it would fail the same way.
  if (isBodyTooLargeError(error)) return chatErrorPayload("bad_request:too_large");
  if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message)) return chatErrorPayload("offline:network");
  if (error instanceof Error) return parseErrorText(error.message) ?? chatErrorPayload("internal:server");
  return chatErrorPayload("internal:server");
}

function parseErrorText(text: string): ChatErrorPayload | null {
  try {
    const parsed = JSON.parse(text) as Partial<ChatErrorPayload>;
    if (typeof parsed.code === "string" && typeof parsed.message === "string") {
      return { code: parsed.code, message: parsed.message, retryable: parsed.retryable !== false };
    }
  } catch {
    // Not one of ours.
  }
  return null;
}

/**
 * The server refused the conversation's token (another user's, damaged, or its conversation
 * was deleted): it can go on in a new session (use-conversation.ts).
 */
export function isConversationRefused(code: string): boolean {
  return code === "forbidden:conversation" || code === "bad_request:conversation" || code === "gone:conversation";
}

/**
 * Refused before anything reached the model (the limits: the user's, the network's or
 * everyone's; or no valid visitor cookie):
 * the conversation is left as it was and the words go back to the box (use-conversation.ts),
 * with one notice that says why and what to do.
 */
export function isRefusedBeforeSending(code: string): boolean {
  return REFUSED_BEFORE_SENDING.has(code);
}

const REFUSED_BEFORE_SENDING = new Set<string>([
  "rate_limit:turns",
  "rate_limit:concurrent",
  "rate_limit:address",
  "rate_limit:global",
  "unauthorized:no_cookie",
  "unauthorized:session",
]);
