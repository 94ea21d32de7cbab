import type { UIMessageChunk } from "ai";
import type { ChatSession } from "@/lib/session/chat-session";
import type { ChatErrorPayload } from "./chat-error";
import type { ChatUIMessage } from "./chat-message";

/**
 * What crosses the wire between the chat UI and the Server Actions. Types only,
 * so the browser bundle pays nothing for them.
 */

/** One turn: the conversation so far (bounded by the browser), the last message the user's new one. */
export type TurnRequest = { messages: ChatUIMessage[] };

/** The cookie's identity, which the UI shows (a type import: nothing server-side reaches the browser). */
export type SessionView = ChatSession;

export type ActionFailed = { ok: false; error: ChatErrorPayload };

/**
 * The AI SDK's UI message chunks, streamed by React as the model produces them; the
 * first chunk carries the trace id as message metadata. `turnId` is what Stop names;
 * `session` is the cookie's identity, which the server may have re-minted (an expired cookie).
 */
export type TurnResult = { ok: true; turnId: string; session: SessionView; stream: ReadableStream<UIMessageChunk> } | ActionFailed;

export type SessionResult = { ok: true; session: SessionView } | ActionFailed;
