import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { memoryStorage } from "@/lib/conversation-store/memory-storage";
import { conversationKey, INDEX_KEY } from "@/lib/conversation-store/records";
import { createConversationStore, type ConversationChange, type StorageEventLike } from "@/lib/conversation-store/source";
import { listConversations, loadConversation, saveConversation } from "@/lib/conversation-store/store";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const messages = (text: string): UIMessage[] => [{ id: "u", role: "user", parts: [{ type: "text", text }] }];

/** What the browser dispatches on `window` in every *other* tab when one tab writes localStorage. */
function storageEvent(key: string | null, storageArea: unknown): Event {
  return Object.assign(new Event("storage"), { key, storageArea });
}

describe("a store for one page", () => {
  it("tells subscribers about other tabs' changes to conversations, and nothing else", () => {
    const storage = memoryStorage();
    const window = new EventTarget();
    const store = createConversationStore(storage, window as never);
    const changes: ConversationChange[] = [];
    const unsubscribe = store.subscribe((change) => changes.push(change));

    // Another tab saved B (its key, then the index).
    saveConversation(storage, B, { token: "tB", messages: messages("from the other tab") }, { now: 5 });
    window.dispatchEvent(storageEvent(conversationKey(B), storage));
    window.dispatchEvent(storageEvent(INDEX_KEY, storage));
    // Not ours: another app's key, sessionStorage, a cleared storage.
    window.dispatchEvent(storageEvent("theme", storage));
    window.dispatchEvent(storageEvent(conversationKey(A), { another: "storage area" }));
    window.dispatchEvent(storageEvent(null, storage));

    expect(changes).toEqual([
      { sessionId: B, fromOtherTab: true },
      { sessionId: null, fromOtherTab: true },
      { sessionId: null, fromOtherTab: true },
    ]);
    expect(store.list().map((c) => c.title)).toEqual(["from the other tab"]);

    unsubscribe();
    window.dispatchEvent(storageEvent(conversationKey(B), storage));
    expect(changes).toHaveLength(3);
  });

  it("gives the same list until something changes (a stable snapshot for useSyncExternalStore)", () => {
    const storage = memoryStorage();
    const window = new EventTarget();
    const store = createConversationStore(storage, window as never);
    store.subscribe(() => {});
    const first = store.list();
    expect(store.list()).toBe(first);

    const saved = store.save(A, { token: "tA", messages: messages("hello") });
    expect(saved).toEqual({ ok: true, dropped: [] });
    const second = store.list();
    expect(second).not.toBe(first);
    expect(second.map((c) => c.sessionId)).toEqual([A]);
    expect(store.list()).toBe(second);

    // Another tab's write invalidates it too.
    saveConversation(storage, B, { token: "tB", messages: messages("other") }, { now: Date.now() + 1 });
    window.dispatchEvent(storageEvent(INDEX_KEY, storage));
    expect(store.list().map((c) => c.sessionId)).toEqual([B, A]);
  });

  it("tells this tab's subscribers about its own saves and deletes", () => {
    const store = createConversationStore(memoryStorage());
    const changes: ConversationChange[] = [];
    store.subscribe((change) => changes.push(change));
    store.save(A, { token: "tA", messages: messages("hi") });
    store.remove(A);
    expect(changes).toEqual([
      { sessionId: A, fromOtherTab: false },
      { sessionId: A, fromOtherTab: false },
    ]);
    expect(store.list()).toEqual([]);
    expect(store.load(A)).toBeNull();
  });

  it("listens to the window only while someone subscribes", () => {
    const added: string[] = [];
    const removed: string[] = [];
    const events = {
      addEventListener: (type: "storage", _l: (e: StorageEventLike) => void) => added.push(type),
      removeEventListener: (type: "storage", _l: (e: StorageEventLike) => void) => removed.push(type),
    };
    const store = createConversationStore(memoryStorage(), events);
    const off1 = store.subscribe(() => {});
    const off2 = store.subscribe(() => {});
    off1();
    expect(removed).toEqual([]);
    off2();
    expect(added).toEqual(["storage"]);
    expect(removed).toEqual(["storage"]);
  });
});
