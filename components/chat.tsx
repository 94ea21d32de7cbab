"use client";

import { useEffect, useRef, useState } from "react";
import type { SessionView } from "@/lib/chat/turn-protocol";
import { Composer } from "./composer";
import { EmptyState } from "./empty-state";
import { MessageItem } from "./message-item";
import { SessionPanel } from "./session-panel";
import { useChatSession } from "./use-chat-session";

type Props = {
  initialSession: SessionView;
  /** Phoenix's UI, for the "Open in Phoenix" and "View trace" links; null when tracing is off. */
  phoenixUrl: string | null;
  /** The offline demo model answers (no OPENAI_API_KEY). */
  demoModel: boolean;
};

export function Chat({ initialSession, phoenixUrl, demoModel }: Props) {
  const chat = useChatSession(initialSession);
  const [draft, setDraft] = useState("");
  const endOfMessages = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const lastText = chat.messages.at(-1)?.text;

  useEffect(() => {
    // Follow the answer as it grows, unless the reader has scrolled up to read.
    const box = scroller.current;
    if (!box) return;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 160;
    if (nearBottom) endOfMessages.current?.scrollIntoView({ block: "end" });
  }, [chat.messages.length, lastText]);

  return (
    <div className="chat-layout">
      <header className="chat-header">
        <h1>Phoenix Session Chat</h1>
        <button type="button" onClick={() => void chat.newConversation()} data-testid="new-conversation">
          New conversation
        </button>
      </header>
      <SessionPanel
        session={chat.session}
        phoenixUrl={phoenixUrl}
        error={chat.sessionError}
        busy={chat.isStreaming}
        onTierChange={(tier) => void chat.setTier(tier)}
      />
      <main className="chat-main">
        <div className="messages" ref={scroller}>
          {chat.historyLoaded && chat.messages.length === 0 ? (
            <EmptyState demoModel={demoModel} onPick={(prompt) => void chat.send(prompt)} />
          ) : (
            <ol className="message-list" role="log" aria-live="polite" aria-label="Conversation">
              {chat.messages.map((message) => (
                <MessageItem
                  key={message.id}
                  message={message}
                  phoenixUrl={phoenixUrl}
                  canRetry={!chat.isStreaming}
                  onRetry={(id) => void chat.retry(id)}
                />
              ))}
            </ol>
          )}
          <div ref={endOfMessages} />
        </div>
        <Composer
          isStreaming={chat.isStreaming}
          onSend={(text) => void chat.send(text)}
          onStop={chat.stop}
          draft={draft}
          onDraftChange={setDraft}
        />
      </main>
    </div>
  );
}
