import type { UIMessage } from "ai";
import {
  conversationKey,
  INDEX_KEY,
  RATING_KEY_PREFIX,
  ratingKey,
  indexJson,
  isSessionId,
  readConversation,
  readIndexItems,
  recordJson,
  storedSessionIds,
  summarize,
  type ConversationSummary,
  type StorageLike,
  type StoredConversation,
} from "./records";

/**
 * This browser's conversations, in localStorage: one key per conversation, plus an
 * index that lists them (format in records.ts). Pure functions over a
 * `Storage`, so tabs never mix:
 * - a tab writes only its own conversation's key, so another tab's conversation is never overwritten;
 * - the index is re-read right before each write, since another tab may have changed it
 *   a moment ago, and when it disagrees with the keys, the keys win;
 * - other tabs' changes arrive through the browser's `storage` event (source.ts).
 *
 * Bounded: at most 50 conversations and about 4 MB (browsers allow 5 MB or so per
 * origin, shared with anything else this origin stores). The oldest by activity go
 * first, never the one being saved; the result names them so the UI can say so.
 */

export const MAX_CONVERSATIONS = 50;
/** Characters (UTF-16 code units), which is what browsers count against their ~5 MB quota. */
export const MAX_STORED_CHARS = 4 * 1024 * 1024;

export type StoreLimits = { maxConversations: number; maxChars: number };
export const DEFAULT_LIMITS: StoreLimits = { maxConversations: MAX_CONVERSATIONS, maxChars: MAX_STORED_CHARS };

export type SaveResult =
  /** Saved. `dropped`: conversations removed to make room (oldest first). */
  | { ok: true; dropped: string[] }
  /**
   * Not saved: "quota" when even with the others evicted it does not fit (the copy stored
   * before stays as it was; the tab still has it in memory), "unavailable" when the browser
   * refuses storage altogether.
   */
  | { ok: false; reason: "quota" | "unavailable"; dropped: string[] };

export type SaveOptions = { now?: number; limits?: StoreLimits };

/** Newest activity first. Reconciles the index with the keys actually present. */
export function listConversations(storage: StorageLike): ConversationSummary[] {
  let present: string[];
  try {
    present = storedSessionIds(storage);
  } catch {
    return [];
  }
  const byId = new Map<string, ConversationSummary>();
  const presentIds = new Set(present);
  for (const item of readIndexItems(storage)) {
    const seen = byId.get(item.sessionId);
    if (presentIds.has(item.sessionId) && (!seen || seen.lastActiveAt < item.lastActiveAt)) byId.set(item.sessionId, item);
  }
  // A key the index misses: two tabs wrote the index at once, or an older write was cut short.
  for (const id of present) {
    if (byId.has(id)) continue;
    const stored = readConversation(storage, id);
    if (stored) byId.set(id, summarize(id, stored.messages, stored.updatedAt, sizeOf(storage, id)));
  }
  return [...byId.values()].sort(newestFirst);
}

export function loadConversation<M extends UIMessage = UIMessage>(
  storage: StorageLike,
  sessionId: string,
): StoredConversation<M> | null {
  return isSessionId(sessionId) ? readConversation<M>(storage, sessionId) : null;
}

export function saveConversation(
  storage: StorageLike,
  sessionId: string,
  conversation: { token: string; messages: readonly UIMessage[] },
  { now = Date.now(), limits = DEFAULT_LIMITS }: SaveOptions = {},
): SaveResult {
  if (!isSessionId(sessionId)) throw new TypeError(`not a session id: ${sessionId}`);
  if (conversation.token === "") throw new TypeError("a conversation is saved with its token");
  const existing = readConversation(storage, sessionId);
  const messagesChanged = !existing || JSON.stringify(existing.messages) !== JSON.stringify(conversation.messages);
  // Saving what is already there (a reload, an effect that re-ran) must not move it to the top.
  if (existing && !messagesChanged && existing.token === conversation.token) return { ok: true, dropped: [] };
  const lastActiveAt = messagesChanged ? now : existing.updatedAt;
  const raw = recordJson(conversation.token, conversation.messages, lastActiveAt);
  const entry = summarize(sessionId, conversation.messages, lastActiveAt, conversationKey(sessionId).length + raw.length);

  // Fresh, right before writing: another tab may have added or removed one since.
  const others = listConversations(storage).filter((item) => item.sessionId !== sessionId);
  const { kept, dropped } = planRoom(entry, others, limits);
  if (entry.size + indexSize([entry]) > limits.maxChars) {
    // It cannot fit whatever we evict: keep the others, and keep its previous copy.
    return { ok: false, reason: "quota", dropped: [] };
  }
  for (const id of dropped) remove(storage, id);

  for (;;) {
    try {
      storage.setItem(conversationKey(sessionId), raw);
      storage.setItem(INDEX_KEY, indexJson([entry, ...kept]));
      return { ok: true, dropped };
    } catch (error) {
      if (!isQuotaError(error)) return { ok: false, reason: "unavailable", dropped };
      // The browser's quota is tighter than ours, or this origin stores other things:
      // make room from the oldest others, and never from this conversation.
      const victim = kept.pop();
      if (!victim) {
        // The index still names what was evicted; rebuild it from the keys left.
        writeIndexQuietly(storage, listConversations(storage));
        return { ok: false, reason: "quota", dropped };
      }
      remove(storage, victim.sessionId);
      dropped.push(victim.sessionId);
    }
  }
}

export type DeleteResult = { ok: true } | { ok: false; reason: "unavailable" };

export function deleteConversation(storage: StorageLike, sessionId: string): DeleteResult {
  try {
    storage.removeItem(conversationKey(sessionId));
    storage.removeItem(ratingKey(sessionId));
  } catch {
    return { ok: false, reason: "unavailable" };
  }
  writeIndexQuietly(storage, listConversations(storage));
  return { ok: true };
}

/** Oldest first out, until the count and the characters fit (the index's own included). */
function planRoom(entry: ConversationSummary, others: ConversationSummary[], limits: StoreLimits) {
  const kept = [...others].sort(newestFirst);
  const dropped: string[] = [];
  const total = () => entry.size + kept.reduce((sum, item) => sum + item.size, 0) + indexSize([entry, ...kept]);
  while (kept.length > 0 && (kept.length + 1 > limits.maxConversations || total() > limits.maxChars)) {
    dropped.push(kept.pop()!.sessionId);
  }
  return { kept, dropped };
}

function writeIndexQuietly(storage: StorageLike, items: ConversationSummary[]): void {
  try {
    storage.setItem(INDEX_KEY, indexJson(items));
  } catch {
    // The index is a cache: the next list() rebuilds it from the keys.
  }
}

/** A conversation and everything kept for it: its rating goes with it, evicted or deleted. */
function remove(storage: StorageLike, sessionId: string): void {
  try {
    storage.removeItem(conversationKey(sessionId));
    storage.removeItem(ratingKey(sessionId));
  } catch {
    // Storage refused: the next write reports it.
  }
}

/**
 * Ratings whose conversation is gone (evicted or deleted by a version that left them
 * behind, or by another tab mid-write). Run once per page load; returns what it removed.
 */
export function forgetOrphanRatings(storage: StorageLike): string[] {
  const orphans: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key?.startsWith(RATING_KEY_PREFIX)) continue;
      const sessionId = key.slice(RATING_KEY_PREFIX.length);
      if (storage.getItem(conversationKey(sessionId)) === null) orphans.push(key);
    }
    for (const key of orphans) storage.removeItem(key);
  } catch {
    // Storage refused: nothing to tidy.
  }
  return orphans;
}

function sizeOf(storage: StorageLike, sessionId: string): number {
  const key = conversationKey(sessionId);
  return key.length + (storage.getItem(key)?.length ?? 0);
}

const indexSize = (items: readonly ConversationSummary[]) => INDEX_KEY.length + indexJson(items).length;

function newestFirst(a: ConversationSummary, b: ConversationSummary): number {
  return b.lastActiveAt - a.lastActiveAt || a.sessionId.localeCompare(b.sessionId);
}

/** Chrome and Safari say QuotaExceededError; old Firefox said NS_ERROR_DOM_QUOTA_REACHED. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === "QuotaExceededError" || name === "NS_ERROR_DOM_QUOTA_REACHED" || code === 22 || code === 1014;
}
