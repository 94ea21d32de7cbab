import type { ChatMessageView } from "./chat-types";

/**
 * The conversation lives in the browser's localStorage, one key per session id
 * (README: "Where the history lives"). The server stays stateless, which is
 * what lets the app run unchanged on serverless functions.
 */

const keyFor = (sessionId: string) => `phoenix-chat:${sessionId}`;

export function loadHistory(sessionId: string): ChatMessageView[] {
  try {
    const raw = window.localStorage.getItem(keyFor(sessionId));
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isMessageView).map((message) =>
      // A reload cut this answer off mid-stream: show it as stopped, not as spinning forever.
      message.status === "streaming" ? { ...message, status: "stopped" } : message,
    );
  } catch {
    return [];
  }
}

export function saveHistory(sessionId: string, messages: ChatMessageView[]): void {
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

function isMessageView(value: unknown): value is ChatMessageView {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === "string" &&
    (v.role === "user" || v.role === "assistant") &&
    typeof v.text === "string" &&
    (v.status === "streaming" || v.status === "done" || v.status === "stopped" || v.status === "error")
  );
}
