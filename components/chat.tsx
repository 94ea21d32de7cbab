"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { changeTier, startNewConversation } from "@/app/actions/conversation";
import { chatErrorPayload, type ChatErrorPayload } from "@/lib/chat/chat-error";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import type { SessionResult, SessionView } from "@/lib/chat/turn-protocol";
import { Composer } from "./composer";
import { EmptyState } from "./empty-state";
import { forgetHistory, loadHistory } from "./history-storage";
import { MessageList } from "./message-list";
import { SessionPanel } from "./session-panel";
import { useConversation } from "./use-conversation";

type Props = {
  initialSession: SessionView;
  /** Phoenix's UI, for the "Open in Phoenix" and "View trace" links; null when tracing is off. */
  phoenixUrl: string | null;
  /** The offline demo model answers (no OPENAI_API_KEY). */
  demoModel: boolean;
};

/**
 * The page's client side: the session the cookie holds (shown, tier, New conversation)
 * and the conversation itself, which mounts once its history is read from storage.
 */
export function Chat({ initialSession, phoenixUrl, demoModel }: Props) {
  const [session, setSession] = useState(initialSession);
  const [sessionError, setSessionError] = useState<ChatErrorPayload | null>(null);
  // One `useChat` instance per conversation; a re-minted session id keeps the same one.
  const [conversation, setConversation] = useState<{ key: string; messages: ChatUIMessage[] } | null>(null);

  useEffect(() => {
    if (!conversation) setConversation({ key: session.sessionId, messages: loadHistory(session.sessionId) });
  }, [conversation, session.sessionId]);

  const onSession = useCallback((next: SessionView) => {
    setSession((current) => {
      // The cookie had expired: the conversation goes on under the new id, and its history moves along.
      if (current.sessionId !== next.sessionId) forgetHistory(current.sessionId);
      return next;
    });
  }, []);

  const newConversation = useCallback(async () => {
    const result = await callSessionAction(startNewConversation);
    if (!result.ok) return setSessionError(result.error);
    setSessionError(null);
    forgetHistory(session.sessionId);
    setSession(result.session);
    setConversation({ key: result.session.sessionId, messages: [] });
  }, [session.sessionId]);

  const setTier = useCallback(async (tier: string) => {
    const result = await callSessionAction(() => changeTier({ tier }));
    if (!result.ok) return setSessionError(result.error);
    setSessionError(null);
    setSession(result.session);
  }, []);

  return (
    <div className="chat-layout">
      <header className="chat-header">
        <h1>Phoenix Session Chat</h1>
        <button type="button" onClick={() => void newConversation()} data-testid="new-conversation">
          New conversation
        </button>
      </header>
      {conversation ? (
        <Conversation
          key={conversation.key}
          id={conversation.key}
          initialMessages={conversation.messages}
          session={session}
          sessionError={sessionError}
          onSession={onSession}
          onTierChange={setTier}
          phoenixUrl={phoenixUrl}
          demoModel={demoModel}
        />
      ) : (
        <SessionPanel session={session} phoenixUrl={phoenixUrl} error={sessionError} busy={false} onTierChange={setTier} />
      )}
    </div>
  );
}

function Conversation(props: {
  id: string;
  initialMessages: ChatUIMessage[];
  session: SessionView;
  sessionError: ChatErrorPayload | null;
  onSession: (session: SessionView) => void;
  onTierChange: (tier: string) => Promise<void>;
  phoenixUrl: string | null;
  demoModel: boolean;
}) {
  const chat = useConversation({
    id: props.id,
    sessionId: props.session.sessionId,
    initialMessages: props.initialMessages,
    onSession: props.onSession,
  });
  const [draft, setDraft] = useState("");
  const endOfMessages = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Follow the answer as it grows, unless the reader has scrolled up to read.
    const box = scroller.current;
    if (!box) return;
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 160;
    if (nearBottom) endOfMessages.current?.scrollIntoView({ block: "end" });
  }, [chat.messages]);

  return (
    <>
      <SessionPanel
        session={props.session}
        phoenixUrl={props.phoenixUrl}
        error={props.sessionError}
        busy={chat.busy}
        onTierChange={(tier) => void props.onTierChange(tier)}
      />
      <main className="chat-main">
        <div className="messages" ref={scroller}>
          {chat.messages.length === 0 && !chat.busy ? (
            <EmptyState demoModel={props.demoModel} onPick={chat.send} />
          ) : (
            <MessageList
              messages={chat.messages}
              busy={chat.busy}
              waiting={chat.waiting}
              phoenixUrl={props.phoenixUrl}
              onRetry={chat.retry}
            />
          )}
          <div ref={endOfMessages} />
        </div>
        <Composer isStreaming={chat.busy} onSend={chat.send} onStop={chat.stop} draft={draft} onDraftChange={setDraft} />
      </main>
    </>
  );
}

async function callSessionAction(action: () => Promise<SessionResult>): Promise<SessionResult> {
  try {
    return await action();
  } catch (error) {
    const offline = error instanceof TypeError && /fetch|network/i.test(error.message);
    return { ok: false, error: chatErrorPayload(offline ? "offline:network" : "internal:server") };
  }
}
