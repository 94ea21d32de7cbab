import { describe, expect, it } from "vitest";
import { mergeWithOtherTabs } from "@/lib/conversation-store/merge";

type M = { id: string; text?: string };
const msgs = (...ids: string[]): M[] => ids.map((id) => ({ id }));
const ids = (messages: readonly M[]) => messages.map((m) => m.id);
const seenOf = (...list: string[]) => new Set(list);

describe("mergeWithOtherTabs: two tabs saving the same conversation", () => {
  it("with nothing from another tab, saves this tab's list as it is (same array)", () => {
    const mine = msgs("u1", "a1", "u2", "a2");
    expect(mergeWithOtherTabs(msgs("u1", "a1"), seenOf("u1", "a1"), mine)).toBe(mine);
    expect(mergeWithOtherTabs([], seenOf(), mine)).toBe(mine);
  });

  it("keeps another tab's turn, in its place, before this tab's new one", () => {
    const stored = msgs("u1", "a1", "uA", "aA");
    const merged = mergeWithOtherTabs(stored, seenOf("u1", "a1"), msgs("u1", "a1", "uB", "aB"));
    expect(ids(merged)).toEqual(["u1", "a1", "uA", "aA", "uB", "aB"]);
  });

  it("drops what this tab removed (a retried answer), and keeps what it never saw", () => {
    const stored = msgs("u1", "failed", "uA", "aA");
    const merged = mergeWithOtherTabs(stored, seenOf("u1", "failed"), msgs("u1", "retried"));
    expect(ids(merged)).toEqual(["u1", "uA", "aA", "retried"]);
  });

  it("a message both tabs have is saved as this tab has it", () => {
    const stored: M[] = [{ id: "u1" }, { id: "a1", text: "old" }, { id: "uA" }];
    const merged = mergeWithOtherTabs(stored, seenOf("u1", "a1"), [{ id: "u1" }, { id: "a1", text: "voted" }]);
    expect(merged).toEqual([{ id: "u1" }, { id: "a1", text: "voted" }, { id: "uA" }]);
  });

  it("the other tab's turns survive this tab's later saves too, while this tab has not seen them", () => {
    // First save merged uA/aA in; this tab still only has what it had, plus its next turn.
    const stored = msgs("u1", "a1", "uA", "aA", "uB", "aB");
    const seenAfterFirstSave = seenOf("u1", "a1", "uB", "aB");
    const merged = mergeWithOtherTabs(stored, seenAfterFirstSave, msgs("u1", "a1", "uB", "aB", "uB2", "aB2"));
    expect(ids(merged)).toEqual(["u1", "a1", "uA", "aA", "uB", "aB", "uB2", "aB2"]);
  });
});
