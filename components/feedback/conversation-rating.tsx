"use client";

import type { FeedbackResult } from "@/lib/feedback/feedback-protocol";
import { FeedbackButtons, type FeedbackValue } from "./feedback-buttons";

/**
 * Thumbs up or down for the whole conversation, for the session panel. Saved as a
 * session annotation in Phoenix, so its session filters find the unhappy ones.
 * Test ids: rating-up, rating-down, rating-comment, rating-submit, rating-error.
 */
export function ConversationRating({
  value,
  onRate,
}: {
  value: FeedbackValue;
  onRate: (next: FeedbackValue) => Promise<FeedbackResult>;
}) {
  return (
    <section className="conversation-rating" aria-labelledby="conversation-rating-heading">
      <h2 id="conversation-rating-heading">Rate this conversation</h2>
      <FeedbackButtons kind="conversation" value={value} onVote={onRate} />
    </section>
  );
}
