import type { ChatErrorPayload } from "@/lib/chat/chat-error";

/**
 * What crosses the wire between the feedback buttons and the feedback actions.
 * Constants and types only: the browser imports this file.
 */

export const VOTES = ["positive", "negative"] as const;
export type Vote = (typeof VOTES)[number];

/** What a user chose: a thumb and an optional comment. `null` where a choice is allowed = no vote (undo). */
export type FeedbackChoice = { vote: Vote; comment?: string };

export type FeedbackResult = { ok: true } | { ok: false; error: ChatErrorPayload };

/** One answer: the conversation it belongs to and the receipt sealed into its metadata when the turn started. */
export type TurnVoteRequest = {
  conversationToken: string;
  receipt: string;
  vote: Vote | null;
  comment?: string;
};

export type ConversationRatingRequest = { conversationToken: string; vote: Vote | null; comment?: string };
