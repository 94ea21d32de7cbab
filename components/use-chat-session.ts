"use client";

import type { UIMessageChunk } from "ai";
import { useCallback, useEffect, useRef, useState } from "react";
import { sendChatTurn, stopChatTurn } from "@/app/actions/chat-turn";
import { changeTier, startNewConversation } from "@/app/actions/conversation";
import { chatErrorPayload, type ChatErrorPayload } from "@/lib/chat/chat-error";
import { MAX_ANSWER_CHARS, MODEL_CONTEXT_MESSAGES } from "@/lib/chat/limits";
import type { HistoryMessage, SessionView } from "@/lib/chat/turn-protocol";
import type { ChatMessageView, ToolCallView } from "./chat-types";
import { forgetHistory, loadHistory, saveHistory } from "./history-storage";

type ActiveTurn = {
  assistantId: string;
  turnId?: string;
  reader?: ReadableStreamDefaultReader<UIMessageChunk>;
  stopped: boolean;
};

/**
 * One conversation in the browser: the messages, the turn in flight, and the
 * calls to the Server Actions. The server is the source of truth for the
 * session id; this hook only shows what the server says.
 */
export function useChatSession(initialSession: SessionView) {
  const [session, setSession] = useState(initialSession);
  const [messages, setMessages] = useState<ChatMessageView[]>([]);
  const [historyLoaded, setHistoryLoaded] = useState(false);
  const [isStreaming, setIsStreaming] = useState(false);
  const [sessionError, setSessionError] = useState<ChatErrorPayload | null>(null);
  const activeTurn = useRef<ActiveTurn | null>(null);
  /** A session id the server minted mid-conversation: keep the messages on screen, don't load. */
  const continuedAs = useRef<string | null>(null);

  useEffect(() => {
    if (continuedAs.current === session.sessionId) {
      continuedAs.current = null;
      return;
    }
    setMessages(loadHistory(session.sessionId));
    setHistoryLoaded(true);
  }, [session.sessionId]);

  useEffect(() => {
    if (historyLoaded) saveHistory(session.sessionId, messages);
  }, [historyLoaded, messages, session.sessionId]);

  const update = useCallback((id: string, change: (message: ChatMessageView) => ChatMessageView) => {
    setMessages((all) => all.map((message) => (message.id === id ? change(message) : message)));
  }, []);

  const streamAnswer = useCallback(
    async (assistantId: string, text: string, history: HistoryMessage[]) => {
      const turn: ActiveTurn = { assistantId, stopped: false };
      activeTurn.current = turn;
      setIsStreaming(true);
      let failure: ChatErrorPayload | undefined;
      let aborted = false;
      try {
        const result = await sendChatTurn({ message: text, history });
        if (!result.ok) {
          failure = result.error;
          return;
        }
        // Normally the same session; a new id means the cookie had expired, and the conversation goes on under it.
        if (result.session.sessionId !== session.sessionId) continuedAs.current = result.session.sessionId;
        setSession(result.session);
        turn.turnId = result.turnId;
        update(assistantId, (m) => ({ ...m, traceId: result.traceId ?? undefined }));
        const reader = result.stream.getReader();
        turn.reader = reader;
        if (turn.stopped) {
          // Stop was pressed while the action was still starting.
          void reader.cancel();
          askServerToStop(result.turnId);
        }
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (value.type === "error") failure = parseErrorText(value.errorText);
          else if (value.type === "abort") aborted = true;
          else update(assistantId, (m) => applyChunk(m, value));
        }
      } catch (error) {
        if (!turn.stopped) failure = chatErrorPayload(isNetworkError(error) ? "offline:network" : "internal:server");
      } finally {
        const status = failure ? "error" : turn.stopped || aborted ? "stopped" : "done";
        update(assistantId, (m) => ({ ...m, status, error: failure }));
        activeTurn.current = null;
        setIsStreaming(false);
      }
    },
    [session.sessionId, update],
  );

  const send = useCallback(
    async (text: string) => {
      if (activeTurn.current) return;
      const history = toHistory(messages);
      const assistantId = crypto.randomUUID();
      setMessages((all) => [
        ...all,
        { id: crypto.randomUUID(), role: "user", text, status: "done" },
        { id: assistantId, role: "assistant", text: "", status: "streaming" },
      ]);
      await streamAnswer(assistantId, text, history);
    },
    [messages, streamAnswer],
  );

  /** Re-asks the question a failed or stopped answer belonged to, with the history before it. */
  const retry = useCallback(
    async (assistantId: string) => {
      if (activeTurn.current) return;
      const index = messages.findIndex((m) => m.id === assistantId);
      const question = messages[index - 1];
      if (index < 1 || question?.role !== "user") return;
      update(assistantId, (m) => ({ ...m, text: "", tools: undefined, error: undefined, status: "streaming" }));
      await streamAnswer(assistantId, question.text, toHistory(messages.slice(0, index - 1)));
    },
    [messages, streamAnswer, update],
  );

  const stop = useCallback(() => {
    const turn = activeTurn.current;
    if (!turn || turn.stopped) return;
    turn.stopped = true;
    // The UI stops at once; the action tells the server to stop generating.
    void turn.reader?.cancel();
    if (turn.turnId) askServerToStop(turn.turnId);
  }, []);

  const newConversation = useCallback(async () => {
    stop();
    const result = await callSessionAction(startNewConversation);
    if (!result.ok) return setSessionError(result.error);
    setSessionError(null);
    forgetHistory(session.sessionId);
    setHistoryLoaded(false);
    setMessages([]);
    setSession(result.session);
  }, [session.sessionId, stop]);

  const setTier = useCallback(async (tier: string) => {
    const result = await callSessionAction(() => changeTier({ tier }));
    if (!result.ok) return setSessionError(result.error);
    setSessionError(null);
    setSession(result.session);
  }, []);

  return { session, messages, historyLoaded, isStreaming, sessionError, send, retry, stop, newConversation, setTier };
}

/** Best effort: the browser has already stopped reading; the turn's time limit is the backstop. */
function askServerToStop(turnId: string) {
  stopChatTurn({ turnId }).catch(() => undefined);
}

function applyChunk(message: ChatMessageView, chunk: UIMessageChunk): ChatMessageView {
  switch (chunk.type) {
    case "text-delta":
      return { ...message, text: message.text + chunk.delta };
    case "tool-input-available":
      return { ...message, tools: [...(message.tools ?? []), { id: chunk.toolCallId, name: chunk.toolName, input: chunk.input }] };
    case "tool-output-available":
      return { ...message, tools: updateTool(message.tools, chunk.toolCallId, { output: chunk.output }) };
    case "tool-output-error":
      return { ...message, tools: updateTool(message.tools, chunk.toolCallId, { error: chunk.errorText }) };
    default:
      return message;
  }
}

function updateTool(tools: ToolCallView[] | undefined, id: string, change: Partial<ToolCallView>): ToolCallView[] {
  return (tools ?? []).map((tool) => (tool.id === id ? { ...tool, ...change } : tool));
}

/**
 * What the model should see: the recent exchanges, never a failed or empty answer.
 * Bounded like the server's check, so a long conversation never turns into a rejected request.
 */
function toHistory(messages: ChatMessageView[]): HistoryMessage[] {
  return messages
    .filter((m) => m.role === "user" || (m.status !== "error" && m.text.length > 0))
    .slice(-MODEL_CONTEXT_MESSAGES)
    .map((m) => ({ role: m.role, content: m.text.slice(0, MAX_ANSWER_CHARS) }));
}

function parseErrorText(errorText: string): ChatErrorPayload {
  try {
    const parsed = JSON.parse(errorText) as Partial<ChatErrorPayload>;
    if (typeof parsed.code === "string" && typeof parsed.message === "string") {
      return { code: parsed.code, message: parsed.message, retryable: parsed.retryable !== false };
    }
  } catch {
    // Not one of ours: show it as a provider failure below.
  }
  return chatErrorPayload("unavailable:model");
}

function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network/i.test(error.message);
}

async function callSessionAction(
  action: () => Promise<{ ok: true; session: SessionView } | { ok: false; error: ChatErrorPayload }>,
) {
  try {
    return await action();
  } catch (error) {
    return { ok: false as const, error: chatErrorPayload(isNetworkError(error) ? "offline:network" : "internal:server") };
  }
}
