"use client";

import { useChat } from "@ai-sdk/react";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { sendChatTurn, stopChatTurn } from "@/app/actions/chat-turn";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import type { ChatUIMessage, TurnOutcome } from "@/lib/chat/chat-message";
import type { SessionView } from "@/lib/chat/turn-protocol";
import { chatErrorFrom } from "./chat-errors";
import { saveHistory } from "./history-storage";
import { ServerActionChatTransport } from "./server-action-transport";

/**
 * One conversation on the AI SDK's `useChat`, over our Server Action transport.
 * What `useChat` does not know, we add when a turn ends: how it ended (completed,
 * stopped, failed, with the error the user saw), kept in the message's metadata so
 * a reload shows the same thing. The history is saved whenever no answer is streaming.
 */
export function useConversation(options: {
  id: string;
  sessionId: string;
  initialMessages: ChatUIMessage[];
  /** The server re-minted the session (an expired cookie): the conversation goes on under the new id. */
  onSession: (session: SessionView) => void;
}) {
  const lastError = useRef<ChatErrorPayload | null>(null);
  const onSession = useRef(options.onSession);
  onSession.current = options.onSession;

  const transport = useMemo(
    () =>
      new ServerActionChatTransport({
        send: async (request) => {
          const result = await sendChatTurn(request);
          if (result.ok) onSession.current(result.session);
          return result;
        },
        stop: stopChatTurn,
      }),
    [],
  );

  const chat = useChat<ChatUIMessage>({
    id: options.id,
    messages: options.initialMessages,
    transport,
    onError: (error) => {
      lastError.current = chatErrorFrom(error);
    },
    onFinish: ({ message, isAbort, isError }) => {
      const outcome: TurnOutcome = isError ? "failed" : isAbort ? "stopped" : "completed";
      const error = isError ? (lastError.current ?? undefined) : undefined;
      lastError.current = null;
      setMessages.current((all) => withOutcome(all, message, outcome, error));
    },
  });
  const setMessages = useRef(chat.setMessages);
  setMessages.current = chat.setMessages;

  const busy = chat.status === "submitted" || chat.status === "streaming";
  useEffect(() => {
    if (!busy) saveHistory(options.sessionId, chat.messages);
  }, [busy, chat.messages, options.sessionId]);

  const { sendMessage, regenerate, stop } = chat;
  const send = useCallback((text: string) => void sendMessage({ text }), [sendMessage]);
  const retry = useCallback((messageId: string) => void regenerate({ messageId }), [regenerate]);
  const stopTurn = useCallback(() => void stop(), [stop]);

  return { messages: chat.messages, busy, waiting: chat.status === "submitted", send, retry, stop: stopTurn };
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
