import type { InferUITools, UIMessage } from "ai";
import type { ChatTools } from "@/lib/ai/tools";
import type { FeedbackChoice } from "@/lib/feedback/feedback-protocol";
import type { ChatErrorPayload } from "./chat-error";

/**
 * The one message format, in the browser, in storage and on the wire: the AI SDK's
 * `UIMessage`, with text, step and tool parts, and our metadata. Types only, so
 * the browser bundle pays nothing for them.
 */

export type TurnOutcome = "completed" | "stopped" | "failed";

export type ChatMessageMetadata = {
  /** The trace this turn is recorded under ("View trace", feedback); null when tracing is off. */
  traceId?: string | null;
  /**
   * Sealed by the server when the turn starts: proof that this trace belongs to this
   * conversation and user, which feedback on the answer must show.
   */
  receipt?: string;
  /** The user's saved vote on this answer. */
  feedback?: FeedbackChoice | null;
  /** How the turn ended, set in the browser when the stream ends. */
  outcome?: TurnOutcome;
  /** What the user saw when the turn failed, kept so a reload shows it too. */
  error?: ChatErrorPayload;
};

export type ChatUIMessage = UIMessage<ChatMessageMetadata, never, InferUITools<ChatTools>>;
export type ChatMessagePart = ChatUIMessage["parts"][number];

/** The user's words of a message: its text parts, joined. */
export function messageText(message: Pick<ChatUIMessage, "parts">): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}
