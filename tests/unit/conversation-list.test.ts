import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "@playwright/test";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastActiveLabel } from "@/components/conversations/conversation-item";
import type { ConversationSummary } from "@/lib/conversation-store/records";
import { CHROMIUM_ARGS, chromiumExecutable } from "../e2e/support/chromium";

/**
 * The list in real Chromium (keyboard, focus, the phone drawer are browser behaviour),
 * without the app: the component and its CSS bundled into one page.
 */

const root = fileURLToPath(new URL("../../", import.meta.url));
const MINUTE = 60_000;
const NOW = Date.now();
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const CONVERSATIONS: ConversationSummary[] = [
  { sessionId: id(1), title: "Oldest: what time is it in Tokyo?", lastActiveAt: NOW - 3 * 24 * 60 * MINUTE, turns: 1, size: 1 },
  { sessionId: id(3), title: "Newest: a long story", lastActiveAt: NOW - 5 * MINUTE, turns: 2, size: 1 },
  { sessionId: id(2), title: "Middle: how do sessions work?", lastActiveAt: NOW - 2 * 60 * MINUTE, turns: 4, size: 1 },
];

let browser: Browser;
let script: string;
const css = ["app/globals.css", "app/chat-layout.css", "app/conversations.css"].map((file) => readFileSync(`${root}${file}`, "utf8")).join("\n");

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [`${root}tests/unit/support/conversation-list-harness.tsx`],
    bundle: true,
    write: false,
    format: "iife",
    jsx: "automatic",
    alias: { "@": root.replace(/\/$/, "") },
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  script = bundle.outputFiles[0]!.text;
  browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function open(
  viewport: { width: number; height: number },
  props: { currentId: string | null; notice?: string; failDeleteOf?: string; conversations?: ConversationSummary[] },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.setContent(`<!doctype html><html lang="en"><head><style>${css}</style></head><body><div id="root"></div></body></html>`);
  await page.addScriptTag({ content: script });
  await page.evaluate((p) => window.start(p), { conversations: CONVERSATIONS, ...props });
  await page.getByTestId("conversation-list").waitFor({ state: "attached" });
  return page;
}

const calls = (page: Page) => page.evaluate(() => window.calls);
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);

describe("conversation list", () => {
  it("lists newest activity first with title, last active and turns, and marks the current one", async () => {
    const page = await open({ width: 1200, height: 800 }, { currentId: id(2) });
    const items = page.getByTestId("conversation-item");
    expect(await items.evaluateAll((els) => els.map((el) => el.getAttribute("data-session-id")))).toEqual([id(3), id(2), id(1)]);
    expect(await items.nth(0).innerText()).toMatch(/Newest: a long story\s+5 minutes ago · 2 turns/);
    expect(await items.nth(2).innerText()).toMatch(/3 days ago · 1 turn\b/);
    const current = page.locator("[aria-current]");
    expect(await current.count()).toBe(1);
    expect(await current.innerText()).toContain("Middle: how do sessions work?");
    // "New conversation" comes first in the list's reading order.
    expect(await page.getByTestId("conversation-list").locator("button").first().getAttribute("data-testid")).toBe("new-conversation");
    await page.close();
  });

  it("opens a conversation and starts a new one with the keyboard alone", async () => {
    const page = await open({ width: 1200, height: 800 }, { currentId: id(3) });
    await page.getByTestId("new-conversation").focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab"); // to the first conversation
    await page.keyboard.press("Tab"); // its delete button
    await page.keyboard.press("Tab"); // the second conversation
    await page.keyboard.press("Enter");
    expect(await calls(page)).toEqual([["new"], ["open", id(2)]]);
    await page.close();
  });

  it("deletes only after a confirmation: Cancel is the default, Escape backs out, Delete confirms", async () => {
    const page = await open({ width: 1200, height: 800 }, { currentId: id(3) });
    const middle = page.locator(`[data-session-id="${id(2)}"]`);
    await middle.getByTestId("delete-conversation").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => focusedText(page)).toBe("Cancel");
    expect(await middle.getByRole("group", { name: "Delete “Middle: how do sessions work?”?" }).count()).toBe(1);
    await page.keyboard.press("Enter"); // Enter twice cancels, never deletes
    await expect.poll(() => focusedText(page)).toBe("Delete");
    expect(await calls(page)).toEqual([]);

    await page.keyboard.press("Enter");
    await page.keyboard.press("Escape");
    await expect.poll(() => middle.getByTestId("confirm-delete").count()).toBe(0);
    expect(await calls(page)).toEqual([]);

    await middle.getByTestId("delete-conversation").click();
    await middle.getByTestId("confirm-delete").click();
    expect(await calls(page)).toEqual([["delete", id(2)]]);
    expect(await page.locator(`[data-session-id="${id(2)}"]`).count()).toBe(0);
    // Focus is not lost with the item: it moves to the conversation after it (the list is newest first).
    expect(await focusedText(page)).toBe("Oldest: what time is it in Tokyo?3 days ago · 1 turn");
    await page.close();
  });

  it("shows a failed delete with Retry, and a notice the user can dismiss", async () => {
    const page = await open(
      { width: 1200, height: 800 },
      { currentId: id(3), failDeleteOf: id(1), notice: "The oldest conversation was removed to make room." },
    );
    expect(await page.getByRole("status").first().innerText()).toContain("The oldest conversation was removed to make room.");
    await page.getByRole("button", { name: "Dismiss notice" }).click();
    expect(await page.getByTestId("conversations-notice").count()).toBe(0);

    const oldest = page.locator(`[data-session-id="${id(1)}"]`);
    await oldest.getByTestId("delete-conversation").click();
    await oldest.getByTestId("confirm-delete").click();
    expect(await oldest.getByRole("alert").innerText()).toContain("The traces could not be deleted from Phoenix.");
    await oldest.getByRole("button", { name: "Retry" }).click();
    expect(await calls(page)).toEqual([["delete", id(1)], ["retry", id(1)], ["delete", id(1)]]);
    expect(await oldest.count()).toBe(0);
    await page.close();
  });

  it("on a phone is a drawer: hidden until toggled, takes focus, Escape closes it back to the toggle", async () => {
    const page = await open({ width: 390, height: 844 }, { currentId: id(3) });
    const toggle = page.getByTestId("conversations-toggle");
    const list = page.getByTestId("conversation-list");
    expect(await toggle.isVisible()).toBe(true);
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await toggle.innerText()).toBe("Conversations (3)");
    expect(await list.isVisible()).toBe(false); // hidden, so out of the tab order too

    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => list.isVisible()).toBe(true);
    expect(await focusedText(page)).toBe("New conversation");
    // Slid in from the left edge (polled: it slides), over the page, most of the screen wide.
    await expect.poll(async () => (await list.boundingBox())?.x).toBe(0);
    expect((await list.boundingBox())!.width).toBeLessThanOrEqual(390 * 0.85 + 1);

    await page.keyboard.press("Escape");
    await expect.poll(() => list.isVisible()).toBe(false);
    expect(await focusedText(page)).toBe("Conversations (3)");

    // Picking a conversation closes the drawer.
    await toggle.click();
    await page.locator(`[data-session-id="${id(1)}"]`).getByRole("button", { name: /^Oldest/ }).click();
    expect(await calls(page)).toEqual([["open", id(1)]]);
    await expect.poll(() => list.isVisible()).toBe(false);
    await page.close();
  });

  it("is a sidebar on a wide screen: no toggle, always visible", async () => {
    const page = await open({ width: 1200, height: 800 }, { currentId: null, conversations: [] });
    expect(await page.getByTestId("conversations-toggle").isVisible()).toBe(false);
    expect(await page.getByTestId("conversation-list").isVisible()).toBe(true);
    expect(await page.getByTestId("conversation-list").innerText()).toContain("No saved conversations yet");
    await page.close();
  });
});

describe("last active label", () => {
  it("says how long ago in words, then the date", () => {
    const now = Date.UTC(2026, 10, 25, 12);
    expect(lastActiveLabel(now - 10_000, now)).toBe("just now");
    expect(lastActiveLabel(now + 10_000, now)).toBe("just now"); // a clock a little ahead
    expect(lastActiveLabel(now - 1 * MINUTE, now)).toBe("1 minute ago");
    expect(lastActiveLabel(now - 59 * MINUTE, now)).toBe("59 minutes ago");
    expect(lastActiveLabel(now - 3 * 60 * MINUTE, now)).toBe("3 hours ago");
    expect(lastActiveLabel(now - 25 * 60 * MINUTE, now)).toBe("yesterday");
    expect(lastActiveLabel(now - 6 * 24 * 60 * MINUTE, now)).toBe("6 days ago");
    expect(lastActiveLabel(Date.UTC(2026, 0, 2, 12), now)).toBe("Jan 2, 2026");
  });
});
