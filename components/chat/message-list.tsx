"use client";

import type { ChatUIMessage } from "@/lib/chat/chat-message";
import type { FeedbackChoice, FeedbackResult } from "@/lib/feedback/feedback-protocol";
import { MessageItem, Thinking } from "./message-item";

type Props = {
  messages: ChatUIMessage[];
  busy: boolean;
  /** The question is sent and no answer chunk has arrived yet. */
  waiting: boolean;
  onRetry: (messageId: string) => void;
  onVote?: (messageId: string, next: FeedbackChoice | null) => Promise<FeedbackResult>;
};

/**
 * A plain list, not a live region: `role="log"` on the <ol> would replace its list
 * role (orphaning every <li>), and a live region here would read each streamed token.
 * What a screen reader hears about a turn comes from turn-announcer.tsx.
 */
export function MessageList({ messages, busy, waiting, onRetry, onVote }: Props) {
  const last = messages.at(-1);
  return (
    <ol className="message-list" aria-label="Messages">
      {messages.map((message) => (
        <MessageItem
          key={message.id}
          message={message}
          streaming={busy && message === last && message.role === "assistant"}
          // Only a failed answer offers Retry; the others keep a constant prop, so a turn starting doesn't re-render them.
          canRetry={message.metadata?.outcome === "failed" && !busy}
          onRetry={onRetry}
          onVote={onVote}
        />
      ))}
      {waiting && last?.role === "user" && (
        <li className="message message-assistant" data-testid="assistant-message" data-status="streaming">
          <Thinking />
        </li>
      )}
    </ol>
  );
}
