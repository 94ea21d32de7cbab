import type { UIMessageChunk } from "ai";
import type { ChatSession } from "@/lib/session/chat-session";
import type { ChatErrorPayload } from "./chat-error";

/**
 * What crosses the wire between the chat UI and the Server Actions. Types only,
 * so the browser bundle pays nothing for them.
 */

export type HistoryMessage = { role: "user" | "assistant"; content: string };

export type TurnRequest = { message: string; history: HistoryMessage[] };

/** The cookie's identity, which the UI shows (a type import: nothing server-side reaches the browser). */
export type SessionView = ChatSession;

export type TurnStarted = {
  ok: true;
  turnId: string;
  /** The trace this turn is recorded under, for the "View trace" link; null when tracing is off. */
  traceId: string | null;
  session: SessionView;
  /** The AI SDK's UI message chunks, streamed by React as the model produces them. */
  stream: ReadableStream<UIMessageChunk>;
};

export type ActionFailed = { ok: false; error: ChatErrorPayload };

export type TurnResult = TurnStarted | ActionFailed;

export type SessionResult = { ok: true; session: SessionView } | ActionFailed;
