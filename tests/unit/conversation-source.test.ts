import type { UIMessage } from "ai";
import { describe, expect, it, vi } from "vitest";
import { adoptLegacyHistories } from "@/components/conversation-legacy";
import { memoryStorage } from "@/components/conversation-memory-storage";
import { conversationKey, INDEX_KEY } from "@/components/conversation-records";
import { createConversationStore, type ConversationChange, type StorageEventLike } from "@/components/conversation-source";
import { listConversations, loadConversation, saveConversation } from "@/components/conversation-store";

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

describe("the first version's history", () => {
  const legacyViews = [
    { id: "m1", role: "user", text: "What time is it in Tokyo?", status: "done" },
    {
      id: "m2",
      role: "assistant",
      text: "It is **noon** in Tokyo.",
      status: "done",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      tools: [{ id: "call-1", name: "get_current_time", input: { timeZone: "Asia/Tokyo" }, output: { time: "12:00" } }],
    },
    { id: "m3", role: "user", text: "And a long story?", status: "done" },
    { id: "m4", role: "assistant", text: "Once upon", status: "streaming" },
    { id: "m5", role: "assistant", text: "", status: "error", error: { code: "timeout:model", message: "Too slow", retryable: true } },
    { id: "junk", role: "user" },
  ];

  const NEW_A = "0b8e8c5e-6f0e-4b9a-9a77-0a1b2c3d4e5f";
  const NEW_B = "1c9f9d6f-7a1f-4cab-8b88-1b2c3d4e5f60";
  const minter = (ids: string[]) => {
    const queue = [...ids];
    return async () => {
      const sessionId = queue.shift();
      return sessionId ? { sessionId, token: `sealed-for-${sessionId}` } : null;
    };
  };

  it("each old history becomes a conversation of its own under a new token, converted to UIMessages; the old keys go", async () => {
    const storage = memoryStorage();
    storage.setItem(`phoenix-chat:${A}`, JSON.stringify(legacyViews));
    storage.setItem(`phoenix-chat:${B}`, JSON.stringify(legacyViews.slice(0, 1)));
    storage.setItem("phoenix-chat:not-a-session", "keep me");

    const result = await adoptLegacyHistories(storage, minter([NEW_A, NEW_B]), 1_000);
    expect(result).toEqual({ adopted: [NEW_A, NEW_B], removed: [`phoenix-chat:${A}`, `phoenix-chat:${B}`] });
    expect(storage.getItem(`phoenix-chat:${A}`)).toBeNull();
    expect(storage.getItem(`phoenix-chat:${B}`)).toBeNull();
    expect(storage.getItem("phoenix-chat:not-a-session")).toBe("keep me");
    // The old session ids are never continued: the browser merely asserted them.
    expect(loadConversation(storage, A)).toBeNull();

    const stored = loadConversation(storage, NEW_A);
    expect(stored?.token).toBe(`sealed-for-${NEW_A}`);
    expect(stored?.messages).toEqual([
      { id: "m1", role: "user", parts: [{ type: "text", text: "What time is it in Tokyo?", state: "done" }] },
      {
        id: "m2",
        role: "assistant",
        parts: [
          {
            type: "tool-get_current_time",
            toolCallId: "call-1",
            state: "output-available",
            input: { timeZone: "Asia/Tokyo" },
            output: { time: "12:00" },
          },
          { type: "text", text: "It is **noon** in Tokyo.", state: "done" },
        ],
        metadata: { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", outcome: "completed" },
      },
      { id: "m3", role: "user", parts: [{ type: "text", text: "And a long story?", state: "done" }] },
      // Cut off by a reload mid-stream: stopped, not streaming forever.
      { id: "m4", role: "assistant", parts: [{ type: "text", text: "Once upon", state: "done" }], metadata: { outcome: "stopped" } },
      {
        id: "m5",
        role: "assistant",
        parts: [],
        metadata: { outcome: "failed", error: { code: "timeout:model", message: "Too slow", retryable: true } },
      },
    ]);
    expect(listConversations(storage).map((c) => c.sessionId).sort()).toEqual([NEW_A, NEW_B].sort());
  });

  it("reads the interim UIMessage format too", async () => {
    const storage = memoryStorage();
    storage.setItem(`phoenix-chat:v2:${A}`, JSON.stringify(messages("already parts")));
    expect((await adoptLegacyHistories(storage, minter([NEW_A]))).adopted).toEqual([NEW_A]);
    expect(loadConversation(storage, NEW_A)?.messages).toEqual(messages("already parts"));
  });

  it("an empty or unreadable old history is just removed, with no token asked for", async () => {
    const storage = memoryStorage();
    storage.setItem(`phoenix-chat:${A}`, "not json");
    const mint = vi.fn(minter([NEW_A]));
    expect(await adoptLegacyHistories(storage, mint)).toEqual({ adopted: [], removed: [`phoenix-chat:${A}`] });
    expect(mint).not.toHaveBeenCalled();
  });

  it("keeps the old key when the server gives no token or the conversion does not fit, so nothing is lost", async () => {
    const raw = JSON.stringify([{ id: "m1", role: "user", text: "x".repeat(1_100), status: "done" }]);
    // Room for the old key and not for the new record (a token, the index): it cannot be converted here.
    const storage = memoryStorage(`phoenix-chat:${A}`.length + raw.length + 200);
    storage.setItem(`phoenix-chat:${A}`, raw);
    expect(await adoptLegacyHistories(storage, minter([]))).toEqual({ adopted: [], removed: [] });
    expect(storage.getItem(`phoenix-chat:${A}`)).toBe(raw);
    expect(await adoptLegacyHistories(storage, minter([NEW_A]))).toEqual({ adopted: [], removed: [] });
    expect(storage.getItem(`phoenix-chat:${A}`)).toBe(raw);
  });
});
