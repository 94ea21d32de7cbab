import type { UIMessage } from "ai";

/**
 * The storage format of this browser's conversations (see store.ts).
 * Everything read back is untrusted: another version of the app, or another tab
 * mid-write, may have put something else there. Hand-written guards, not zod, to
 * keep the browser bundle small.
 *
 *   phoenix-chat:conv:<sessionId>   -> { v: 1, token, messages: UIMessage[], updatedAt }
 *   phoenix-chat:conversations      -> { v: 1, items: ConversationSummary[] }  (a cache)
 *   phoenix-chat:rating:<sessionId> -> { vote, comment? }  (the conversation's rating, goes with it)
 *
 * Each conversation has its own key, so a write to one never overwrites another.
 * The index is only a cache of those keys: whenever it disagrees with them, the keys win.
 */

export const STORAGE_PREFIX = "phoenix-chat:";
export const CONVERSATION_KEY_PREFIX = `${STORAGE_PREFIX}conv:`;
export const INDEX_KEY = `${STORAGE_PREFIX}conversations`;
export const FORMAT_VERSION = 1;
export const TITLE_MAX_GRAPHEMES = 60;
export const UNTITLED = "New conversation";

/** What the store needs of `window.localStorage`; an in-memory one works in tests. */
export type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

export type ConversationSummary = {
  sessionId: string;
  /** The first user message, whitespace collapsed, at most 60 characters as people count them. */
  title: string;
  /** Milliseconds since the epoch of the last change to its messages. */
  lastActiveAt: number;
  /** How many times the user has written in it. */
  turns: number;
  /** Characters it occupies in storage (key and value), which is what browsers count against the quota. */
  size: number;
};

export type StoredConversation<M extends UIMessage = UIMessage> = {
  sessionId: string;
  /** The server's sealed proof that this conversation is the user's; sent with every turn. */
  token: string;
  messages: M[];
  updatedAt: number;
};

type ConversationRecord = { v: number; token: string; messages: unknown[]; updatedAt: number };

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && SESSION_ID.test(value);
}

export const conversationKey = (sessionId: string) => `${CONVERSATION_KEY_PREFIX}${sessionId}`;
export const RATING_KEY_PREFIX = `${STORAGE_PREFIX}rating:`;
export const ratingKey = (sessionId: string) => `${RATING_KEY_PREFIX}${sessionId}`;

export function sessionIdOfKey(key: string): string | null {
  if (!key.startsWith(CONVERSATION_KEY_PREFIX)) return null;
  const id = key.slice(CONVERSATION_KEY_PREFIX.length);
  return isSessionId(id) ? id : null;
}

export function recordJson(token: string, messages: readonly UIMessage[], updatedAt: number): string {
  return JSON.stringify({ v: FORMAT_VERSION, token, updatedAt, messages });
}

/** The conversation stored under its key, or null when absent, unreadable or written by a newer format. */
export function readConversation<M extends UIMessage>(storage: StorageLike, sessionId: string): StoredConversation<M> | null {
  const record = parseRecord(safeGet(storage, conversationKey(sessionId)));
  if (!record) return null;
  return {
    sessionId,
    token: record.token,
    // One bad message (a newer app's part type, a truncated write) should not cost the rest.
    messages: record.messages.filter(isMessage) as M[],
    updatedAt: record.updatedAt,
  };
}

function parseRecord(raw: string | null): ConversationRecord | null {
  const value = parseJson(raw);
  if (!isObject(value) || value.v !== FORMAT_VERSION) return null;
  if (typeof value.token !== "string" || value.token === "") return null;
  if (!Array.isArray(value.messages) || !isTimestamp(value.updatedAt)) return null;
  return value as ConversationRecord;
}

function isMessage(value: unknown): value is UIMessage {
  if (!isObject(value)) return false;
  if (typeof value.id !== "string" || !(value.role === "user" || value.role === "assistant" || value.role === "system")) {
    return false;
  }
  if (value.metadata !== undefined && !isObject(value.metadata)) return false;
  return Array.isArray(value.parts) && value.parts.every(isPart);
}

function isPart(value: unknown): boolean {
  if (!isObject(value) || typeof value.type !== "string") return false;
  if (value.type === "text" || value.type === "reasoning") return typeof value.text === "string";
  if (value.type.startsWith("tool-") || value.type === "dynamic-tool") {
    return typeof value.toolCallId === "string" && typeof value.state === "string";
  }
  return true;
}

export function summarize(
  sessionId: string,
  messages: readonly UIMessage[],
  lastActiveAt: number,
  size: number,
): ConversationSummary {
  const users = messages.filter((message) => message.role === "user");
  return { sessionId, title: titleOf(users[0]), lastActiveAt, turns: users.length, size };
}

/** The first user message, trimmed to 60 graphemes, so an emoji or an accent is never cut in half. */
export function titleOf(message: UIMessage | undefined): string {
  const text = (message?.parts ?? [])
    .map((part) => (part.type === "text" ? part.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return UNTITLED;
  const graphemes = splitGraphemes(text);
  if (graphemes.length <= TITLE_MAX_GRAPHEMES) return text;
  return `${graphemes.slice(0, TITLE_MAX_GRAPHEMES - 1).join("").trimEnd()}…`;
}

function splitGraphemes(text: string): string[] {
  if (typeof Intl !== "undefined" && "Segmenter" in Intl) {
    return Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text), (s) => s.segment);
  }
  // Older browsers: code points at least never split a surrogate pair.
  return Array.from(text);
}

/** The index as stored, its entries checked one by one; [] when absent or unreadable. */
export function readIndexItems(storage: StorageLike): ConversationSummary[] {
  const value = parseJson(safeGet(storage, INDEX_KEY));
  if (!isObject(value) || value.v !== FORMAT_VERSION || !Array.isArray(value.items)) return [];
  return value.items.filter(isSummary);
}

export function indexJson(items: readonly ConversationSummary[]): string {
  return JSON.stringify({ v: FORMAT_VERSION, items });
}

function isSummary(value: unknown): value is ConversationSummary {
  return (
    isObject(value) &&
    isSessionId(value.sessionId) &&
    typeof value.title === "string" &&
    isTimestamp(value.lastActiveAt) &&
    Number.isInteger(value.turns) &&
    (value.turns as number) >= 0 &&
    Number.isInteger(value.size) &&
    (value.size as number) >= 0
  );
}

/** Every conversation key present right now (cheap: names only, no values parsed). */
export function storedSessionIds(storage: StorageLike): string[] {
  const ids: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const id = sessionIdOfKey(storage.key(i) ?? "");
    if (id) ids.push(id);
  }
  return ids;
}

/** Reads never throw: a browser with storage disabled throws SecurityError on access. */
function safeGet(storage: StorageLike, key: string): string | null {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function parseJson(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTimestamp(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
