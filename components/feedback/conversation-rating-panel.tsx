"use client";

import { useCallback, useEffect, useState } from "react";
import { rateConversation } from "@/app/actions/feedback";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import type { ConversationHandle } from "@/lib/chat/turn-protocol";
import { ratingKey } from "@/lib/conversation-store/records";
import type { FeedbackChoice } from "@/lib/feedback/feedback-protocol";
import { ConversationRating } from "./conversation-rating";

/**
 * The rating of the conversation this tab shows: saved in Phoenix as a session
 * annotation, and remembered in this browser (one small key per conversation) so
 * it shows again after a reload.
 */
export function ConversationRatingPanel({ conversation }: { conversation: ConversationHandle }) {
  const key = ratingKey(conversation.sessionId);
  const [value, setValue] = useState<FeedbackChoice | null>(null);

  useEffect(() => setValue(readRating(key)), [key]);

  const onRate = useCallback(
    async (next: FeedbackChoice | null) => {
      const result = await rateConversation({ conversationToken: conversation.token, vote: next?.vote ?? null, comment: next?.comment }).catch(
        () => ({ ok: false as const, error: chatErrorPayload("offline:network") }),
      );
      if (result.ok) {
        setValue(next);
        writeRating(key, next);
      }
      return result;
    },
    [conversation.token, key],
  );

  return <ConversationRating value={value} onRate={onRate} />;
}

function readRating(key: string): FeedbackChoice | null {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(key) ?? "null") as FeedbackChoice | null;
    return parsed && (parsed.vote === "positive" || parsed.vote === "negative") ? parsed : null;
  } catch {
    return null;
  }
}

function writeRating(key: string, value: FeedbackChoice | null) {
  try {
    if (value) window.localStorage.setItem(key, JSON.stringify(value));
    else window.localStorage.removeItem(key);
  } catch {
    // Saved in Phoenix all the same; only this browser forgets it.
  }
}
