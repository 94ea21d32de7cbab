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

export function MessageList({ messages, busy, waiting, onRetry, onVote }: Props) {
  const last = messages.at(-1);
  return (
    <ol className="message-list" role="log" aria-live="polite" aria-label="Conversation">
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
