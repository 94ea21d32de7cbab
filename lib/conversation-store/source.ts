import type { UIMessage } from "ai";
import { memoryStorage } from "./memory-storage";
import {
  INDEX_KEY,
  sessionIdOfKey,
  STORAGE_PREFIX,
  type ConversationSummary,
  type StorageLike,
  type StoredConversation,
} from "./records";
import {
  deleteConversation,
  forgetOrphanRatings,
  listConversations,
  loadConversation,
  saveConversation,
  type DeleteResult,
  type SaveOptions,
  type SaveResult,
} from "./store";

/**
 * The conversation store a React component subscribes to: the functions of
 * store.ts bound to one Storage, plus change notifications, from this
 * tab's own writes and from other tabs' (the browser's `storage` event fires only in
 * the *other* tabs of the origin). `list` returns the same array until something
 * changes, so it can be `useSyncExternalStore`'s getSnapshot.
 */

/** What changed: one conversation, or (null) the list as a whole. */
export type ConversationChange = { sessionId: string | null; fromOtherTab: boolean };

export type StorageEventLike = { key: string | null; storageArea?: unknown };
export type StorageEventSource = {
  addEventListener(type: "storage", listener: (event: StorageEventLike) => void): void;
  removeEventListener(type: "storage", listener: (event: StorageEventLike) => void): void;
};

export type ConversationStore = {
  /** false when the browser refused localStorage: conversations last as long as the tab. */
  readonly persistent: boolean;
  list(): readonly ConversationSummary[];
  load<M extends UIMessage = UIMessage>(sessionId: string): StoredConversation<M> | null;
  save(sessionId: string, conversation: { token: string; messages: readonly UIMessage[] }, options?: SaveOptions): SaveResult;
  remove(sessionId: string): DeleteResult;
  subscribe(listener: (change: ConversationChange) => void): () => void;
};

/** For useSyncExternalStore's getServerSnapshot: the server has no localStorage. */
export const NO_CONVERSATIONS: readonly ConversationSummary[] = Object.freeze([]);

export function createConversationStore(
  storage: StorageLike,
  events?: StorageEventSource,
  persistent = true,
): ConversationStore {
  const listeners = new Set<(change: ConversationChange) => void>();
  let snapshot: readonly ConversationSummary[] | null = null;

  const notify = (change: ConversationChange) => {
    snapshot = null;
    for (const listener of [...listeners]) listener(change);
  };
  const onStorage = (event: StorageEventLike) => {
    if (event.storageArea !== undefined && event.storageArea !== null && event.storageArea !== storage) return;
    // key null: the other tab cleared the whole storage.
    if (event.key !== null && !event.key.startsWith(STORAGE_PREFIX)) return;
    const sessionId = event.key === null || event.key === INDEX_KEY ? null : sessionIdOfKey(event.key);
    notify({ sessionId, fromOtherTab: true });
  };

  return {
    persistent,
    list: () => (snapshot ??= Object.freeze(listConversations(storage))),
    load: (sessionId) => loadConversation(storage, sessionId),
    save: (sessionId, conversation, options) => {
      const result = saveConversation(storage, sessionId, conversation, options);
      notify({ sessionId: result.ok && result.dropped.length === 0 ? sessionId : null, fromOtherTab: false });
      return result;
    },
    remove: (sessionId) => {
      const result = deleteConversation(storage, sessionId);
      notify({ sessionId, fromOtherTab: false });
      return result;
    },
    subscribe: (listener) => {
      if (listeners.size === 0) events?.addEventListener("storage", onStorage);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) events?.removeEventListener("storage", onStorage);
      };
    },
  };
}

let browserStore: ConversationStore | undefined;

/** The page's one store over `window.localStorage` (in memory when the browser refuses it). Browser only. */
export function browserConversationStore(): ConversationStore {
  if (browserStore) return browserStore;
  let storage: StorageLike | null = null;
  try {
    // Reading the property itself throws SecurityError where storage is disabled.
    storage = window.localStorage;
    const probe = `${STORAGE_PREFIX}probe`;
    storage.setItem(probe, "1");
    storage.removeItem(probe);
  } catch (error) {
    // A full storage still works for reading: only a refusal means "not persistent".
    if (!(storage && error instanceof DOMException && error.name === "QuotaExceededError")) storage = null;
  }
  if (storage) forgetOrphanRatings(storage);
  browserStore = storage ? createConversationStore(storage, window) : createConversationStore(memoryStorage(), undefined, false);
  return browserStore;
}
