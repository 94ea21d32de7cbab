import { describe, expect, it } from "vitest";
import { clip, planReply } from "@/lib/ai/demo-replies";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const graphemesOf = (text: string) => [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].map((s) => s.segment);

/** What the demo model quotes back from an unknown question. */
function echoed(question: string): string {
  const plan = planReply([question], false);
  if (plan.kind !== "text") throw new Error(`expected a text reply, got ${plan.kind}`);
  return plan.text.match(/^You said: “([\s\S]*?)”\n/)![1]!;
}

describe("the demo model clips the user's words without splitting a character", () => {
  const family = "👨‍👩‍👧‍👦"; // one grapheme, 11 UTF-16 units (ZWJ sequence)
  const flag = "🇯🇵"; // one grapheme, two regional indicators
  const accented = "e\u0301"; // "é" as e + combining acute accent
  const thumbs = "👍🏽"; // emoji + skin-tone modifier

  it.each([
    ["ZWJ sequences", family],
    ["flags", flag],
    ["combining marks", accented],
    ["skin-tone modifiers", thumbs],
    ["a plain astral emoji (surrogate pair)", "😀"],
  ])("%s", (_name, unit) => {
    // Offsets 0..3 put every possible cut point of the unit at the clip boundary.
    for (let offset = 0; offset < 4; offset++) {
      const question = `${"a".repeat(offset)}${unit.repeat(250)}`;
      const quoted = echoed(question);
      const parts = graphemesOf(quoted);
      expect(parts.at(-1)).toBe("…");
      expect(parts).toHaveLength(200);
      // Every grapheme before the ellipsis is a whole one from the question.
      for (const part of parts.slice(offset, -1)) expect(part).toBe(unit);
      expect(quoted).not.toMatch(LONE_SURROGATE);
    }
  });

  it("keeps short text whole and flattens whitespace, as before", () => {
    expect(clip(`  ${family} and\n\n${flag} `, 200)).toBe(`${family} and ${flag}`);
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip(`${accented}${accented}${accented}`, 3)).toBe(`${accented}${accented}${accented}`);
    expect(clip(`${accented}${accented}${accented}${accented}`, 3)).toBe(`${accented}${accented}…`);
  });

  it("clips the earlier question it recalls the same way", () => {
    const plan = planReply([`${flag.repeat(100)}`, "and then?"], false);
    if (plan.kind !== "text") throw new Error("expected text");
    const recalled = plan.text.match(/you said: “([^”]*)”\./)![1]!;
    expect(graphemesOf(recalled)).toEqual([...Array(59).fill(flag), "…"]);
  });
});
