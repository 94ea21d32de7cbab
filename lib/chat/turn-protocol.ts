import type { UIMessageChunk } from "ai";
import type { Visitor } from "@/lib/identity/visitor";
import type { ChatErrorPayload } from "./chat-error";
import type { ChatUIMessage } from "./chat-message";

/**
 * What crosses the wire between the chat UI and the Server Actions. Types only,
 * so the browser bundle pays nothing for them.
 */

/**
 * One turn: the conversation's token (the server sealed it; it names the Phoenix
 * session) and its messages so far (bounded by the browser), the last one the user's new one.
 */
export type TurnRequest = { conversationToken: string; messages: ChatUIMessage[] };

/** A conversation as the browser holds it: its Phoenix session id, and the sealed token that proves it is the user's. */
export type ConversationHandle = { sessionId: string; token: string };

export type ActionFailed = { ok: false; error: ChatErrorPayload };

/**
 * The AI SDK's UI message chunks, streamed by React as the model produces them; the
 * first chunk carries the trace id and the turn's receipt as message metadata.
 * `turnId` is what Stop names.
 */
export type TurnResult =
  | {
      ok: true;
      turnId: string;
      /** Present when the token was sealed with an older secret: the browser keeps this one instead. */
      conversationToken?: string;
      stream: ReadableStream<UIMessageChunk>;
    }
  | ActionFailed;

/** The tier switch: the visitor as the cookie now holds it. */
export type TierChangeResult = { ok: true; visitor: Visitor } | ActionFailed;
