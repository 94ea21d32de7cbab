import type { UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { memoryStorage } from "@/lib/conversation-store/memory-storage";
import { conversationKey, INDEX_KEY, ratingKey, titleOf, UNTITLED } from "@/lib/conversation-store/records";
import {
  deleteConversation,
  forgetOrphanRatings,
  listConversations,
  loadConversation,
  MAX_CONVERSATIONS,
  saveConversation,
} from "@/lib/conversation-store/store";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const A = id(1);
const B = id(2);
const C = id(3);

function user(text: string, n = 0): UIMessage {
  return { id: `u${n}-${text.length}`, role: "user", parts: [{ type: "text", text }] };
}
function assistant(text: string, n = 0): UIMessage {
  return { id: `a${n}-${text.length}`, role: "assistant", parts: [{ type: "text", text }], metadata: { traceId: "t" } };
}
/** A conversation of `turns` question/answer pairs. */
function chat(title: string, turns = 1, answer = "An answer."): UIMessage[] {
  return Array.from({ length: turns }, (_, n) => [user(n === 0 ? title : `more ${n}`, n), assistant(answer, n)]).flat();
}

describe("saving and listing", () => {
  it("keeps each conversation under its own key and lists them newest activity first", () => {
    const storage = memoryStorage();
    expect(saveConversation(storage, A, { token: "tA", messages: chat("First question", 2) }, { now: 1_000 })).toEqual({
      ok: true,
      dropped: [],
    });
    saveConversation(storage, B, { token: "tB", messages: chat("Second question") }, { now: 2_000 });

    expect(listConversations(storage)).toMatchObject([
      { sessionId: B, title: "Second question", lastActiveAt: 2_000, turns: 1 },
      { sessionId: A, title: "First question", lastActiveAt: 1_000, turns: 2 },
    ]);
    expect(loadConversation(storage, A)).toEqual({ sessionId: A, token: "tA", messages: chat("First question", 2), updatedAt: 1_000 });
    expect(storage.getItem(conversationKey(A))).toContain("First question");
    expect(storage.getItem(conversationKey(B))).not.toContain("First question");
  });

  it("moves a conversation to the top when its messages change, not when it is saved unchanged", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("a") }, { now: 1_000 });
    saveConversation(storage, B, { token: "tB", messages: chat("b") }, { now: 2_000 });
    // A reload saving what is already there.
    saveConversation(storage, A, { token: "tA", messages: chat("a") }, { now: 3_000 });
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([B, A]);
    // A re-sealed token (secret rotation) is kept, but is no activity.
    saveConversation(storage, A, { token: "tA-resealed", messages: chat("a") }, { now: 4_000 });
    expect(loadConversation(storage, A)).toMatchObject({ token: "tA-resealed", updatedAt: 1_000 });
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([B, A]);
    // A new turn is.
    saveConversation(storage, A, { token: "tA-resealed", messages: chat("a", 2) }, { now: 5_000 });
    expect(listConversations(storage)).toMatchObject([{ sessionId: A, turns: 2, lastActiveAt: 5_000 }, { sessionId: B }]);
  });

  it("titles a conversation by its first user message, whitespace collapsed, never cutting a character in half", () => {
    expect(titleOf(user("  How do\n\n sessions   work?  "))).toBe("How do sessions work?");
    expect(titleOf(undefined)).toBe(UNTITLED);
    expect(titleOf({ id: "x", role: "user", parts: [] })).toBe(UNTITLED);
    const family = "👨‍👩‍👧‍👦"; // one grapheme, seven code points
    const long = titleOf(user(`${"a".repeat(58)}${family}${family}${family}`));
    expect(long).toBe(`${"a".repeat(58)}${family}…`);
    expect(titleOf(user("é".normalize("NFD").repeat(70)))).toBe(`${"é".normalize("NFD").repeat(59)}…`);
    expect(titleOf(user("x".repeat(60)))).toBe("x".repeat(60));
  });

  it("refuses to save under something that is not a session id, or without a token", () => {
    const storage = memoryStorage();
    expect(() => saveConversation(storage, "../index", { token: "t", messages: [] })).toThrow(TypeError);
    expect(() => saveConversation(storage, A, { token: "", messages: [] })).toThrow(TypeError);
    expect(loadConversation(storage, "nope")).toBeNull();
  });
});

describe("tabs never mix", () => {
  it("a conversation written by another tab survives this tab's writes, even when the index lost it", () => {
    const storage = memoryStorage(); // localStorage is one per origin, shared by every tab
    saveConversation(storage, A, { token: "tA", messages: chat("tab A") }, { now: 1_000 });
    // Tab B read the index before A's write and writes its stale copy back.
    storage.setItem(conversationKey(B), JSON.stringify({ v: 1, token: "tB", updatedAt: 2_000, messages: chat("tab B") }));
    const staleIndex = { v: 1, items: [{ sessionId: B, title: "tab B", lastActiveAt: 2_000, turns: 1, size: 300 }] };
    storage.setItem(INDEX_KEY, JSON.stringify(staleIndex));

    // The keys win over the index: A is still listed, from its own record.
    expect(listConversations(storage).map((c) => [c.sessionId, c.title])).toEqual([
      [B, "tab B"],
      [A, "tab A"],
    ]);
    saveConversation(storage, A, { token: "tA", messages: chat("tab A", 2) }, { now: 3_000 });
    expect(loadConversation(storage, B)?.messages).toEqual(chat("tab B"));
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([A, B]);
  });

  it("an index entry whose conversation another tab deleted is not listed", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("a") }, { now: 1_000 });
    saveConversation(storage, B, { token: "tB", messages: chat("b") }, { now: 2_000 });
    storage.removeItem(conversationKey(A)); // the other tab died between its two writes
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([B]);
  });

  it("deleting one leaves the others alone", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("a") }, { now: 1_000 });
    saveConversation(storage, B, { token: "tB", messages: chat("b") }, { now: 2_000 });
    expect(deleteConversation(storage, A)).toEqual({ ok: true });
    expect(storage.getItem(conversationKey(A))).toBeNull();
    expect(storage.getItem(INDEX_KEY)).not.toContain(A);
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([B]);
    expect(loadConversation(storage, B)?.token).toBe("tB");
  });
});

describe("bounds", () => {
  it(`keeps at most ${MAX_CONVERSATIONS} conversations, dropping the oldest by activity and saying which`, () => {
    const storage = memoryStorage();
    for (let n = 1; n <= MAX_CONVERSATIONS; n++) {
      expect(saveConversation(storage, id(n), { token: `t${n}`, messages: chat(`q${n}`) }, { now: n })).toEqual({ ok: true, dropped: [] });
    }
    // Conversation 1 becomes active again, so 2 is now the oldest.
    saveConversation(storage, id(1), { token: "t1", messages: chat("q1", 2) }, { now: 100 });
    const result = saveConversation(storage, id(51), { token: "t51", messages: chat("q51") }, { now: 101 });
    expect(result).toEqual({ ok: true, dropped: [id(2)] });
    const listed = listConversations(storage);
    expect(listed).toHaveLength(MAX_CONVERSATIONS);
    expect(listed.map((c) => c.sessionId)).not.toContain(id(2));
    expect(storage.getItem(conversationKey(id(2)))).toBeNull();
    expect(listed.slice(0, 2).map((c) => c.sessionId)).toEqual([id(51), id(1)]);
  });

  it("stays within its character budget, dropping the oldest others first", () => {
    const storage = memoryStorage();
    const limits = { maxConversations: 50, maxChars: 10_000 };
    const answer = "x".repeat(2_500);
    for (const [n, now] of [[1, 1], [2, 2], [3, 3]] as const) {
      expect(saveConversation(storage, id(n), { token: "t", messages: chat(`q${n}`, 1, answer) }, { now, limits }).ok).toBe(true);
    }
    const result = saveConversation(storage, id(4), { token: "t", messages: chat("q4", 1, answer) }, { now: 4, limits });
    expect(result).toEqual({ ok: true, dropped: [id(1)] });
    expect(storage.used()).toBeLessThanOrEqual(10_000);
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([id(4), id(3), id(2)]);
  });

  it("never drops the conversation being saved: one too big for the budget is refused and the others stay", () => {
    const storage = memoryStorage();
    const limits = { maxConversations: 50, maxChars: 10_000 };
    saveConversation(storage, A, { token: "t", messages: chat("small a") }, { now: 1, limits });
    saveConversation(storage, B, { token: "t", messages: chat("small b") }, { now: 2, limits });
    const huge = chat("small b", 1, "y".repeat(12_000));
    expect(saveConversation(storage, B, { token: "t", messages: huge }, { now: 3, limits })).toEqual({ ok: false, reason: "quota", dropped: [] });
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([B, A]);
    expect(loadConversation(storage, B)?.messages).toEqual(chat("small b")); // its last copy that fitted
  });

  it("a full localStorage: evicts the oldest others and retries, reporting what went", () => {
    // The browser's quota is tighter than our budget (or the origin stores other things).
    const storage = memoryStorage(9_000);
    storage.setItem("someone-else", "z".repeat(1_000));
    const answer = "x".repeat(2_000);
    saveConversation(storage, A, { token: "t", messages: chat("a", 1, answer) }, { now: 1 });
    saveConversation(storage, B, { token: "t", messages: chat("b", 1, answer) }, { now: 2 });
    saveConversation(storage, C, { token: "t", messages: chat("c", 1, answer) }, { now: 3 });
    const result = saveConversation(storage, C, { token: "t", messages: chat("c", 2, answer) }, { now: 4 });
    expect(result).toEqual({ ok: true, dropped: [A] });
    expect(loadConversation(storage, C)?.messages).toEqual(chat("c", 2, answer));
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([C, B]);
    expect(storage.getItem("someone-else")).toHaveLength(1_000); // not ours: never touched
  });

  it("a full localStorage that cannot fit the current one even alone: a clear result, its last copy kept", () => {
    const storage = memoryStorage(6_000);
    saveConversation(storage, A, { token: "t", messages: chat("a") }, { now: 1 });
    saveConversation(storage, B, { token: "t", messages: chat("b") }, { now: 2 });
    const tooBig = chat("b", 1, "y".repeat(7_000));
    const result = saveConversation(storage, B, { token: "t", messages: tooBig }, { now: 3 });
    expect(result).toEqual({ ok: false, reason: "quota", dropped: [A] });
    expect(loadConversation(storage, B)?.messages).toEqual(chat("b"));
    expect(listConversations(storage).map((c) => c.sessionId)).toEqual([B]);
  });

  it("storage the browser refuses: reads give nothing, writes say unavailable, nothing throws", () => {
    const refuse = () => {
      throw new DOMException("The operation is insecure.", "SecurityError");
    };
    const storage = { get length(): number { return refuse(); }, key: refuse, getItem: refuse, setItem: refuse, removeItem: refuse };
    expect(listConversations(storage)).toEqual([]);
    expect(loadConversation(storage, A)).toBeNull();
    expect(saveConversation(storage, A, { token: "t", messages: chat("a") })).toEqual({ ok: false, reason: "unavailable", dropped: [] });
    expect(deleteConversation(storage, A)).toEqual({ ok: false, reason: "unavailable" });
  });
});

describe("a conversation's rating goes with it", () => {
  const rating = JSON.stringify({ vote: "negative", comment: "meh" });

  it("is removed when the conversation is evicted to make room", () => {
    const storage = memoryStorage();
    const limits = { maxConversations: 2, maxChars: 1_000_000 };
    saveConversation(storage, A, { token: "tA", messages: chat("Oldest") }, { now: 1, limits });
    storage.setItem(ratingKey(A), rating);
    saveConversation(storage, B, { token: "tB", messages: chat("Middle") }, { now: 2, limits });
    storage.setItem(ratingKey(B), rating);
    expect(saveConversation(storage, C, { token: "tC", messages: chat("Newest") }, { now: 3, limits })).toEqual({ ok: true, dropped: [A] });
    expect(storage.getItem(ratingKey(A))).toBeNull();
    expect(storage.getItem(ratingKey(B))).toBe(rating);
  });

  it("is removed when the conversation is deleted", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("Rated") });
    storage.setItem(ratingKey(A), rating);
    deleteConversation(storage, A);
    expect(storage.getItem(ratingKey(A))).toBeNull();
  });

  it("ratings left behind without their conversation are forgotten once per page load; the others stay", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("Still here") });
    storage.setItem(ratingKey(A), rating);
    storage.setItem(ratingKey(B), rating);
    storage.setItem(ratingKey(C), rating);
    expect(forgetOrphanRatings(storage).sort()).toEqual([ratingKey(B), ratingKey(C)]);
    expect(storage.getItem(ratingKey(A))).toBe(rating);
    expect(storage.length).toBe(3);
  });
});

describe("reading back untrusted storage", () => {
  it("ignores garbage, other versions' records and a broken index; keeps the good messages of a record", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("good") }, { now: 1 });
    storage.setItem(INDEX_KEY, "{not json");
    storage.setItem(conversationKey(B), "[1,2,3]");
    storage.setItem(conversationKey(C), JSON.stringify({ v: 2, token: "t", updatedAt: 1, messages: [] })); // a newer app's
    storage.setItem(conversationKey(id(4)), JSON.stringify({ v: 1, token: 42, updatedAt: 1, messages: [] }));
    storage.setItem(`${conversationKey("not-a-uuid")}`, JSON.stringify({ v: 1, token: "t", updatedAt: 1, messages: [] }));
    const mixed = [
      user("kept"),
      { id: "bad-role", role: "robot", parts: [] },
      { id: "bad-parts", role: "user", parts: "hello" },
      { id: "bad-text", role: "user", parts: [{ type: "text", text: 5 }] },
      { id: "bad-tool", role: "assistant", parts: [{ type: "tool-x", input: {} }] },
      null,
      assistant("kept too"),
    ];
    storage.setItem(conversationKey(id(5)), JSON.stringify({ v: 1, token: "t5", updatedAt: 5, messages: mixed }));

    expect(listConversations(storage).map((c) => [c.sessionId, c.title])).toEqual([
      [id(5), "kept"],
      [A, "good"],
    ]);
    expect(loadConversation(storage, id(5))?.messages).toEqual([user("kept"), assistant("kept too")]);
    for (const other of [B, C, id(4)]) expect(loadConversation(storage, other)).toBeNull();
  });

  it("drops index entries of the wrong shape and duplicate entries", () => {
    const storage = memoryStorage();
    saveConversation(storage, A, { token: "tA", messages: chat("a") }, { now: 1 });
    const good = { sessionId: A, title: "from index", lastActiveAt: 7, turns: 1, size: 10 };
    storage.setItem(
      INDEX_KEY,
      JSON.stringify({ v: 1, items: [good, { ...good, lastActiveAt: 3, title: "older dup" }, { ...good, sessionId: B, turns: -1 }, "x"] }),
    );
    expect(listConversations(storage)).toEqual([good]);
  });
});
