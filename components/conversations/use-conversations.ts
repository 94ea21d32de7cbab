"use client";

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { deleteConversation, startNewConversation } from "@/app/actions/conversation";
import { isConversationRefused } from "@/components/chat/chat-errors";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import type { ConversationHandle } from "@/lib/chat/turn-protocol";
import { mergeWithOtherTabs } from "@/lib/conversation-store/merge";
import { browserConversationStore, NO_CONVERSATIONS, type ConversationStore } from "@/lib/conversation-store/source";

/**
 * This tab's conversations: the list (this browser's, shared by its tabs through
 * localStorage) and the one this tab shows. Which one a tab shows lives in the
 * tab's own sessionStorage, so a reload comes back to it and other tabs never
 * move it: each tab's turns land in the conversation that tab shows.
 */

/** `viewId` names the mounted chat: it stays when a conversation moves to a new session (see `moveToNewSession`). */
export type OpenConversation = ConversationHandle & { messages: ChatUIMessage[]; viewId: string };

const TAB_KEY = "phoenix-chat:tab-conversation";
const noStore = { subscribe: () => () => undefined, list: () => NO_CONVERSATIONS };

export function useConversations(initial: ConversationHandle, options: { deleteTraces: boolean }) {
  const store = useMemo<ConversationStore | null>(() => (typeof window === "undefined" ? null : browserConversationStore()), []);
  const conversations = useSyncExternalStore((store ?? noStore).subscribe, (store ?? noStore).list, noStore.list);
  // null until this tab's conversation is read from storage (the server cannot see it).
  const [current, setCurrent] = useState<OpenConversation | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<DeleteError | null>(null);
  const [pendingDeleteId, setPendingDeleteId] = useState<string | null>(null);
  // The message ids this tab last read or wrote, per conversation: another tab showing the same
  // conversation may have saved turns since, which this tab's save must keep (lib/conversation-store/merge.ts).
  const seen = useRef(new Map<string, ReadonlySet<string>>());

  const show = useCallback((conversation: Omit<OpenConversation, "viewId">, viewId = conversation.sessionId) => {
    seen.current.set(conversation.sessionId, idsOf(conversation.messages));
    setCurrent({ ...conversation, viewId });
    try {
      window.sessionStorage.setItem(TAB_KEY, conversation.sessionId);
    } catch {
      // Without sessionStorage a reload opens a new conversation; the old one is still in the list.
    }
  }, []);

  const open = useCallback(
    (sessionId: string) => {
      const stored = store?.load<ChatUIMessage>(sessionId);
      if (stored) show({ sessionId, token: stored.token, messages: stored.messages });
    },
    [store, show],
  );

  useEffect(() => {
    if (current || !store) return;
    let tabConversation: string | null = null;
    try {
      tabConversation = window.sessionStorage.getItem(TAB_KEY);
    } catch {
      // No sessionStorage: start fresh.
    }
    const stored = tabConversation ? store.load<ChatUIMessage>(tabConversation) : null;
    if (stored && tabConversation) show({ sessionId: tabConversation, token: stored.token, messages: stored.messages });
    else show({ ...initial, messages: [] });
  }, [current, initial, store, show]);

  const startNew = useCallback(async () => {
    const result = await mintConversation();
    if (!result.ok) return setNotice(result.error.message);
    setNotice(null);
    show({ ...result.conversation, messages: [] });
  }, [show]);

  /**
   * A conversation whose token the server refuses (the cookie expired and the user is
   * new, or the secret that sealed it was retired) goes on in a new Phoenix session,
   * when the user asks: same messages, same view, a new token
   * (components/chat/use-conversation.ts drops the earlier answers' receipts).
   */
  const moveToNewSession = useCallback(async (): Promise<ConversationHandle | null> => {
    const result = await mintConversation();
    if (!result.ok || !current) return null;
    store?.remove(current.sessionId);
    show({ ...result.conversation, messages: current.messages }, current.viewId);
    return result.conversation;
  }, [current, show, store]);

  /**
   * Keeps a conversation's messages (and a re-sealed token); a conversation with no
   * message yet is not listed. Returns what was stored: with another tab's turns
   * merged in, the caller shows those too.
   */
  const save = useCallback(
    (conversation: ConversationHandle, messages: ChatUIMessage[]): ChatUIMessage[] => {
      if (!store || messages.length === 0) return messages;
      const { sessionId } = conversation;
      const stored = store.load<ChatUIMessage>(sessionId)?.messages ?? [];
      const merged = mergeWithOtherTabs(stored, seen.current.get(sessionId) ?? new Set(), messages);
      const result = store.save(sessionId, { token: conversation.token, messages: merged });
      // What this tab has (not the merge): another tab's turns stay "unseen" here, so later saves keep them too.
      if (result.ok) seen.current.set(sessionId, idsOf(messages));
      if (!result.ok) {
        setNotice(
          result.reason === "quota"
            ? "This browser's storage is full: this conversation stays on screen but will not survive a reload. Delete old conversations to make room."
            : "This browser does not let the app store conversations: they last as long as this tab.",
        );
      } else if (result.dropped.length > 0) {
        setNotice(
          result.dropped.length === 1
            ? "The oldest conversation was removed to make room."
            : `The ${result.dropped.length} oldest conversations were removed to make room.`,
        );
      }
      return merged;
    },
    [store],
  );

  /** Forgets a conversation in this browser (its rating too); a new one takes its place on screen. */
  const forget = useCallback(
    async (sessionId: string, afterwards: string | null) => {
      store?.remove(sessionId);
      setDeleteError(null);
      if (sessionId === current?.sessionId) await startNew();
      setNotice(afterwards);
    },
    [store, current, startNew],
  );

  /**
   * Deletes a conversation. With DELETE_TRACES_WITH_CONVERSATION the server deletes its
   * Phoenix session first; the copy in this browser can always be deleted, whatever Phoenix
   * says, and the notice says what stayed there.
   */
  const remove = useCallback(
    async (sessionId: string) => {
      if (!store) return;
      const token = sessionId === current?.sessionId ? current.token : store.load(sessionId)?.token;
      setDeleteError(null);
      if (!options.deleteTraces || !token) return forget(sessionId, null);
      setPendingDeleteId(sessionId);
      const result = await deleteConversation({ conversationToken: token }).catch(() => null);
      setPendingDeleteId(null);
      if (result?.ok) return forget(sessionId, null);
      const error = result?.error ?? chatErrorPayload("offline:network");
      // This browser can no longer prove the conversation is its user's: no retry would ever delete its traces.
      if (isConversationRefused(error.code)) return forget(sessionId, TRACES_NOT_YOURS);
      // Phoenix did not answer, or the connection dropped: Retry, or delete the copy here only.
      setDeleteError({ sessionId, message: error.message });
    },
    [store, current, options.deleteTraces, forget],
  );

  /** "Delete from this browser only", after Phoenix failed to delete its traces. */
  const removeLocally = useCallback((sessionId: string) => void forget(sessionId, TRACES_KEPT), [forget]);

  return {
    conversations,
    current,
    open,
    startNew,
    moveToNewSession,
    save,
    remove,
    removeLocally,
    notice,
    dismissNotice: () => setNotice(null),
    deleteError,
    pendingDeleteId,
  };
}

export type DeleteError = { sessionId: string; message: string };

const TRACES_NOT_YOURS =
  "Deleted from this browser. Its traces stay in Phoenix: this browser can no longer prove the conversation is yours (your session was renewed, or the server's secret changed).";
const TRACES_KEPT = "Deleted from this browser only. Its traces are still in Phoenix.";

const idsOf = (messages: readonly ChatUIMessage[]): ReadonlySet<string> => new Set(messages.map((message) => message.id));

/** A new conversation the server seals for this user; a lost connection is a typed failure like the others. */
function mintConversation() {
  return startNewConversation().catch(() => ({ ok: false as const, error: chatErrorPayload("offline:network") }));
}
