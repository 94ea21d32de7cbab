"use client";

import { useCallback, useState } from "react";
import { changeTier } from "@/app/actions/conversation";
import { ConversationList } from "@/components/conversations/conversation-list";
import { useConversations } from "@/components/conversations/use-conversations";
import { ConversationRatingPanel } from "@/components/feedback/conversation-rating-panel";
import { SessionPanel } from "@/components/session-panel/session-panel";
import { chatErrorPayload, type ChatErrorPayload } from "@/lib/chat/chat-error";
import type { ConversationHandle } from "@/lib/chat/turn-protocol";
import type { Visitor } from "@/lib/identity/visitor";
import { ConversationView } from "./conversation-view";

type Props = {
  /** Who the cookie says you are: user id, tier, region. */
  visitor: Visitor;
  /** A fresh conversation the server sealed while rendering, for a tab that has none yet. */
  newConversation: ConversationHandle;
  /** The offline demo model answers (no OPENAI_API_KEY). */
  demoModel: boolean;
  /** Thumbs on answers and the conversation rating (needs tracing: votes are written to Phoenix). */
  feedbackEnabled: boolean;
  /** Deleting a conversation also deletes its Phoenix session (DELETE_TRACES_WITH_CONVERSATION). */
  deleteTraces: boolean;
  /** The tier switch is shown (demo model, or ALLOW_TIER_SWITCH=true). */
  canChangeTier: boolean;
};

/**
 * The page's client side: this browser's conversations (list), the one this tab
 * shows, and who you are (the session panel: tier, region). Where each part sits on
 * each screen size: app/chat-layout.css.
 */
export function Chat(props: Props) {
  const { visitor: initialVisitor, newConversation, demoModel, feedbackEnabled, deleteTraces, canChangeTier } = props;
  const [visitor, setVisitor] = useState(initialVisitor);
  const [tierError, setTierError] = useState<ChatErrorPayload | null>(null);
  const [busy, setBusy] = useState(false);
  // A conversation opened or started from the list takes focus into its message box; one that replaces a
  // deleted conversation does not, so focus stays where the list put it (the next conversation).
  const [focusComposer, setFocusComposer] = useState(true);
  const conversations = useConversations(newConversation, { deleteTraces });
  const current = conversations.current;

  const setTier = useCallback(async (tier: string) => {
    const result = await changeTier({ tier }).catch(() => ({ ok: false as const, error: chatErrorPayload("offline:network") }));
    if (!result.ok) return setTierError(result.error);
    setTierError(null);
    setVisitor(result.visitor);
  }, []);

  return (
    <div className="chat-layout">
      <a className="skip-link" href="#message">
        Skip to the message box
      </a>
      <header className="chat-header">
        <h1>Phoenix Session Chat</h1>
      </header>
      <ConversationList
        conversations={conversations.conversations}
        currentId={current?.sessionId ?? null}
        onOpen={(id) => {
          setFocusComposer(true);
          conversations.open(id);
        }}
        onNew={() => {
          setFocusComposer(true);
          void conversations.startNew();
        }}
        onDelete={(id) => {
          setFocusComposer(false);
          void conversations.remove(id);
        }}
        onRetryDelete={(id) => {
          setFocusComposer(false);
          void conversations.remove(id);
        }}
        onDeleteLocally={(id) => {
          setFocusComposer(false);
          conversations.removeLocally(id);
        }}
        notice={conversations.notice}
        onDismissNotice={conversations.dismissNotice}
        deleteError={conversations.deleteError}
        pendingDeleteId={conversations.pendingDeleteId}
        disabled={busy}
      />
      <SessionPanel
        visitor={visitor}
        sessionId={current?.sessionId ?? null}
        error={tierError}
        busy={busy}
        canChangeTier={canChangeTier}
        onTierChange={(tier) => void setTier(tier)}
      />
      {current && (
        <ConversationView
          key={current.viewId}
          chatId={current.viewId}
          conversation={current}
          initialMessages={current.messages}
          onSave={conversations.save}
          onMoveToNewSession={conversations.moveToNewSession}
          onBusyChange={setBusy}
          demoModel={demoModel}
          feedbackEnabled={feedbackEnabled}
          focusComposer={focusComposer}
          rating={feedbackEnabled ? <ConversationRatingPanel key={current.sessionId} conversation={current} /> : null}
        />
      )}
    </div>
  );
}
