"use client";

import { useChat } from "@ai-sdk/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { sendChatTurn, stopChatTurn } from "@/app/actions/chat-turn";
import { voteOnTurn } from "@/app/actions/feedback";
import { chatErrorPayload, type ChatErrorPayload } from "@/lib/chat/chat-error";
import { messageText, type ChatUIMessage, type TurnOutcome } from "@/lib/chat/chat-message";
import type { ConversationHandle } from "@/lib/chat/turn-protocol";
import { browserConversationStore } from "@/lib/conversation-store/source";
import type { FeedbackChoice, FeedbackResult } from "@/lib/feedback/feedback-protocol";
import { chatErrorFrom, isConversationRefused, isRefusedBeforeSending } from "./chat-errors";
import { ServerActionChatTransport } from "./server-action-transport";

/**
 * One conversation on the AI SDK's `useChat`, over our Server Action transport.
 * What `useChat` does not know, we add when a turn ends: how it ended (completed,
 * stopped, failed, with the error the user saw), kept in the message's metadata so
 * a reload shows the same thing. The conversation is saved whenever no answer streams.
 */
export function useConversation(options: {
  /** The chat's id, stable while the conversation moves to a new session (which would otherwise start a new `useChat`). */
  chatId: string;
  conversation: ConversationHandle;
  initialMessages: ChatUIMessage[];
  /** Keeps the messages (and the token, which the server may re-seal with a newer secret); returns what was stored. */
  onSave: (conversation: ConversationHandle, messages: ChatUIMessage[]) => ChatUIMessage[];
  /** A new session (and token) for this conversation, when the server refused its token. */
  onMoveToNewSession: () => Promise<ConversationHandle | null>;
}) {
  const lastError = useRef<ChatErrorPayload | null>(null);
  /** A turn refused before it reached the model (limits, no visitor cookie): taken back off the conversation, its words returned to the composer. */
  const [refusal, setRefusal] = useState<{ error: ChatErrorPayload; text: string } | null>(null);
  const handle = useRef(options.conversation);
  const onSave = useRef(options.onSave);
  onSave.current = options.onSave;
  const onMoveToNewSession = useRef(options.onMoveToNewSession);
  onMoveToNewSession.current = options.onMoveToNewSession;

  const transport = useMemo(
    () =>
      new ServerActionChatTransport({
        send: async (request) => {
          const result = await sendChatTurn(request);
          // Sealed with an older secret: the server re-sealed it with the newest, and this one is kept from now on.
          if (result.ok && result.conversationToken) handle.current = { ...handle.current, token: result.conversationToken };
          return result;
        },
        stop: stopChatTurn,
        request: () => ({ conversationToken: handle.current.token }),
      }),
    [],
  );

  const chat = useChat<ChatUIMessage>({
    id: options.chatId,
    messages: options.initialMessages,
    transport,
    onError: (error) => {
      lastError.current = chatErrorFrom(error);
    },
    onFinish: ({ message, isAbort, isError }) => {
      const outcome: TurnOutcome = isError ? "failed" : isAbort ? "stopped" : "completed";
      const error = isError ? (lastError.current ?? chatErrorPayload("internal:server")) : undefined;
      lastError.current = null;
      if (error && isRefusedBeforeSending(error.code)) {
        // Nothing was sent to the model: the message goes back to the box, to send when the limit (or a reload) allows.
        const question = messages.current.findLast((m) => m.role === "user");
        setMessages.current((all) => all.filter((m) => m !== question && m.id !== message.id));
        setRefusal({ error, text: question ? messageText(question) : "" });
        return;
      }
      setMessages.current((all) => withOutcome(all, message, outcome, error));
    },
  });
  const setMessages = useRef(chat.setMessages);
  setMessages.current = chat.setMessages;
  const messages = useRef(chat.messages);
  messages.current = chat.messages;

  const busy = chat.status === "submitted" || chat.status === "streaming";
  const idle = useRef(!busy);
  idle.current = !busy;
  useEffect(() => {
    if (busy) return;
    const stored = onSave.current(handle.current, chat.messages);
    // Another tab added turns to this conversation meanwhile: show them (and send them as history) too.
    if (!sameIds(stored, chat.messages)) setMessages.current(stored);
  }, [busy, chat.messages]);

  useEffect(
    () =>
      // A turn another tab added to this conversation shows here as soon as this tab is idle.
      browserConversationStore().subscribe((change) => {
        if (!change.fromOtherTab || change.sessionId !== handle.current.sessionId || !idle.current) return;
        const stored = browserConversationStore().load<ChatUIMessage>(handle.current.sessionId);
        if (stored && !sameIds(stored.messages, messages.current)) setMessages.current(stored.messages);
      }),
    [],
  );

  const { sendMessage, regenerate, stop } = chat;
  const send = useCallback(
    (text: string) => {
      setRefusal(null);
      void sendMessage({ text });
    },
    [sendMessage],
  );
  /** Retry; after a refused token, first moves the conversation to a new session (the user pressed "Continue"). */
  const retry = useCallback(
    async (messageId: string) => {
      const failed = messages.current.find((m) => m.id === messageId)?.metadata?.error;
      if (failed && isConversationRefused(failed.code)) {
        const next = await onMoveToNewSession.current();
        if (!next) return;
        handle.current = next;
        // The earlier answers' receipts name the old session, which this user can no longer prove is
        // theirs: without them no thumbs show that could only ever answer `forbidden:feedback`.
        setMessages.current((all) => all.map(withoutReceipt));
      }
      await regenerate({ messageId });
    },
    [regenerate],
  );
  const stopTurn = useCallback(() => void stop(), [stop]);

  /** Thumbs on an answer: saved in Phoenix first, then shown (and kept) on the message. */
  const vote = useCallback(async (messageId: string, next: FeedbackChoice | null): Promise<FeedbackResult> => {
    const receipt = messages.current.find((m) => m.id === messageId)?.metadata?.receipt;
    if (!receipt) return { ok: false, error: chatErrorPayload("bad_request:feedback") };
    const result = await voteOnTurn({ conversationToken: handle.current.token, receipt, vote: next?.vote ?? null, comment: next?.comment }).catch(
      () => ({ ok: false as const, error: chatErrorPayload("offline:network") }),
    );
    if (result.ok) {
      setMessages.current((all) => all.map((m) => (m.id === messageId ? { ...m, metadata: { ...m.metadata, feedback: next } } : m)));
    }
    return result;
  }, []);

  return { messages: chat.messages, busy, waiting: chat.status === "submitted", send, retry, stop: stopTurn, vote, refusal };
}

function withoutReceipt(message: ChatUIMessage): ChatUIMessage {
  if (!message.metadata?.receipt) return message;
  const { receipt: _dropped, ...metadata } = message.metadata;
  return { ...message, metadata };
}

function sameIds(a: readonly ChatUIMessage[], b: readonly ChatUIMessage[]): boolean {
  return a.length === b.length && a.every((message, i) => message.id === b[i]!.id);
}

/**
 * Records how the turn ended on its answer. A turn that failed or was stopped before
 * any chunk arrived has no answer yet: one is added, so the error (with Retry) or
 * "Stopped." shows under the question, and survives a reload.
 */
function withOutcome(
  messages: ChatUIMessage[],
  answer: ChatUIMessage,
  outcome: TurnOutcome,
  error: ChatErrorPayload | undefined,
): ChatUIMessage[] {
  const metadata = { ...answer.metadata, outcome, error };
  const index = messages.findIndex((m) => m.id === answer.id);
  if (index === -1) return [...messages, { id: answer.id, role: "assistant", parts: answer.parts, metadata }];
  return messages.map((m, i) => (i === index ? { ...m, metadata: { ...m.metadata, ...metadata } } : m));
}
