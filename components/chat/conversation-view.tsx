"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import type { ConversationHandle } from "@/lib/chat/turn-protocol";
import { Composer } from "./composer";
import { EmptyState } from "./empty-state";
import { MessageList } from "./message-list";
import { TurnAnnouncer, useTurnAnnouncement } from "./turn-announcer";
import { useConversation } from "./use-conversation";
import { useFollowEnd } from "./use-follow-end";

type Props = {
  chatId: string;
  conversation: ConversationHandle;
  initialMessages: ChatUIMessage[];
  onSave: (conversation: ConversationHandle, messages: ChatUIMessage[]) => ChatUIMessage[];
  onMoveToNewSession: () => Promise<ConversationHandle | null>;
  /** Tells the page when an answer starts and stops streaming (switching conversations waits for it). */
  onBusyChange: (busy: boolean) => void;
  demoModel: boolean;
  feedbackEnabled: boolean;
  /** The message box takes focus when this view mounts (page load, a conversation opened or started). */
  focusComposer: boolean;
  /** The conversation's rating, shown under its last answer once there is one. */
  rating: ReactNode;
};

/** The messages and the composer of the conversation this tab shows. Mounted once per conversation. */
export function ConversationView(props: Props) {
  const chat = useConversation({
    chatId: props.chatId,
    conversation: props.conversation,
    initialMessages: props.initialMessages,
    onSave: props.onSave,
    onMoveToNewSession: props.onMoveToNewSession,
  });
  const [draft, setDraft] = useState("");
  const scroller = useRef<HTMLDivElement>(null);
  const messageBox = useRef<HTMLTextAreaElement>(null);
  const { onBusyChange } = props;
  const announcement = useTurnAnnouncement(chat.messages, chat.busy, chat.refusal);

  useEffect(() => onBusyChange(chat.busy), [chat.busy, onBusyChange]);

  // A refused turn hands its words back: they wait in the box until the limit allows them.
  const refusal = chat.refusal;
  useEffect(() => {
    if (refusal) setDraft((current) => current || refusal.text);
  }, [refusal]);

  // Follow the answer as it grows, unless the reader has scrolled up to read; sending goes back to following.
  const followEnd = useFollowEnd(scroller);
  const { send: sendTurn } = chat;
  const send = useCallback(
    (text: string) => {
      followEnd();
      sendTurn(text);
    },
    [followEnd, sendTurn],
  );

  const answered = chat.messages.some((m) => m.role === "assistant" && m.metadata?.outcome !== undefined);
  return (
    <main className="chat-main">
      <div className="messages" ref={scroller}>
        {chat.messages.length === 0 && !chat.busy ? (
          <EmptyState
            demoModel={props.demoModel}
            onPick={(prompt) => {
              send(prompt);
              // The example's button goes with the empty state: focus waits in the box for the next question.
              messageBox.current?.focus();
            }}
          />
        ) : (
          <MessageList
            messages={chat.messages}
            busy={chat.busy}
            waiting={chat.waiting}
            onRetry={chat.retry}
            onVote={props.feedbackEnabled ? chat.vote : undefined}
          />
        )}
        {answered && props.rating}
      </div>
      {refusal && (
        <p className="message-error composer-refusal" data-testid="turn-refused" data-code={refusal.error.code}>
          {refusal.error.message}
        </p>
      )}
      <Composer
        inputRef={messageBox}
        autoFocus={props.focusComposer}
        isStreaming={chat.busy}
        onSend={send}
        onStop={chat.stop}
        draft={draft}
        onDraftChange={setDraft}
      />
      <TurnAnnouncer announcement={announcement} />
    </main>
  );
}
