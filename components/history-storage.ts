import type { ChatUIMessage } from "@/lib/chat/chat-message";

/**
 * The conversation lives in the browser's localStorage as `UIMessage[]`, one key per
 * session id (README: "Where the history lives"). The server stays stateless, which
 * is what lets the app run unchanged on serverless functions.
 */

const keyFor = (sessionId: string) => `phoenix-chat:v2:${sessionId}`;

export function loadHistory(sessionId: string): ChatUIMessage[] {
  try {
    const raw = window.localStorage.getItem(keyFor(sessionId));
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isStoredMessage).map(settle) : [];
  } catch {
    return [];
  }
}

export function saveHistory(sessionId: string, messages: ChatUIMessage[]): void {
  try {
    window.localStorage.setItem(keyFor(sessionId), JSON.stringify(messages));
  } catch {
    // Storage full or disabled (private mode): the chat still works, it just won't survive a reload.
  }
}

export function forgetHistory(sessionId: string): void {
  try {
    window.localStorage.removeItem(keyFor(sessionId));
  } catch {
    // Nothing to clean up when storage is unavailable.
  }
}

/** A reload cut this answer off mid-stream: show it as stopped, not as spinning forever. */
function settle(message: ChatUIMessage): ChatUIMessage {
  if (message.role !== "assistant" || message.metadata?.outcome) return message;
  return { ...message, metadata: { ...message.metadata, outcome: "stopped" } };
}

/** Stored data is untrusted (another version of the app may have written it): check the shape. */
function isStoredMessage(value: unknown): value is ChatUIMessage {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === "string" &&
    (v.role === "user" || v.role === "assistant") &&
    Array.isArray(v.parts) &&
    v.parts.every((p) => typeof p === "object" && p !== null && typeof (p as { type?: unknown }).type === "string")
  );
}
