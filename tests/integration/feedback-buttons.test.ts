import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "@playwright/test";
import { build } from "esbuild";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, chromiumExecutable } from "../e2e/support/chromium";

/**
 * The feedback buttons in a real Chromium, without the app: bundled with esbuild onto a
 * bare page (tests/integration/support/feedback-harness.tsx) whose action the test answers.
 * The chat's own wiring is covered by the browser tests against Phoenix.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const UNAVAILABLE = { code: "unavailable:feedback", message: "Your feedback was not saved: Phoenix did not answer. Try again.", retryable: true };
const FORBIDDEN = { code: "forbidden:feedback", message: "This answer belongs to another conversation or user, so it can't be rated here. Your vote was not saved.", retryable: false };
const TOO_LONG = { code: "bad_request:comment_too_long", message: "Comments can be at most 1,000 characters. Shorten it and send again.", retryable: false };

let browser: Browser;
let page: Page;
let html: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [`${root}tests/integration/support/feedback-harness.tsx`],
    bundle: true,
    write: false,
    jsx: "automatic",
    alias: { "@": root.replace(/\/$/, "") },
    define: { "process.env.NODE_ENV": '"development"' },
    logLevel: "silent",
  });
  const css = ["app/globals.css", "app/feedback.css"].map((file) => readFileSync(`${root}${file}`, "utf8")).join("\n");
  const script = bundle.outputFiles[0]!.text.replaceAll("</script", "<\\/script");
  html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body><div id="root"></div><script>${script}</script></body></html>`;
  browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
}, 60_000);

afterAll(() => browser?.close());

beforeEach(async () => {
  page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.setContent(html);
  await page.getByTestId("feedback-up").waitFor();
  expect(errors).toEqual([]);
});

const saved = (which = "answer") => page.getByTestId(`saved-${which}`).textContent().then((text) => JSON.parse(text!));
const answerWith = (error: object | null) => page.evaluate((e) => (window.feedback.answer = e as never), error);
const calls = () => page.evaluate(() => window.feedback.calls);
const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim());
const until = (which: string, value: unknown) =>
  expect.poll(() => saved(which)).toEqual(value);

describe("thumbs on an answer", () => {
  it("up saves and shows pressed; up again removes it", async () => {
    const up = page.getByTestId("feedback-up");
    await expect.poll(() => up.getAttribute("aria-pressed")).toBe("false");
    await up.click();
    await until("answer", { vote: "positive" });
    expect(await up.getAttribute("aria-pressed")).toBe("true");
    await up.click();
    await until("answer", null);
    expect(await up.getAttribute("aria-pressed")).toBe("false");
    expect(await calls()).toEqual([{ vote: "positive" }, null]);
  });

  it("down, from the keyboard, saves at once and opens the comment box with focus; the comment updates the vote", async () => {
    await page.getByTestId("feedback-down").focus();
    await page.keyboard.press("Enter");
    await until("answer", { vote: "negative" });
    await expect.poll(() => focusedTestId()).toBe("feedback-comment");
    await page.keyboard.type("Wrong city");
    expect(await page.locator(".feedback-counter").textContent()).toContain("10 / 1,000");
    await page.getByTestId("feedback-submit").click();
    await until("answer", { vote: "negative", comment: "Wrong city" });
    expect(await page.getByTestId("feedback-comment").count()).toBe(0);
    expect(await page.getByTestId("feedback-down").getAttribute("aria-pressed")).toBe("true");
  });

  it("down after up changes the vote", async () => {
    await page.getByTestId("feedback-up").click();
    await until("answer", { vote: "positive" });
    await page.getByTestId("feedback-down").click();
    await until("answer", { vote: "negative" });
    expect(await page.getByTestId("feedback-up").getAttribute("aria-pressed")).toBe("false");
  });

  it("a failure: not shown as saved, the error with Try again, the comment kept in its box", async () => {
    await page.getByTestId("feedback-down").click();
    await until("answer", { vote: "negative" });
    await page.getByTestId("feedback-comment").fill("Wrong city");
    await answerWith(UNAVAILABLE);
    await page.getByTestId("feedback-submit").click();
    const error = page.getByTestId("feedback-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("not saved");
    expect(await page.getByTestId("feedback-comment").inputValue()).toBe("Wrong city");
    expect(await saved()).toEqual({ vote: "negative" });

    await answerWith(null);
    await page.getByRole("button", { name: "Try again" }).click();
    await until("answer", { vote: "negative", comment: "Wrong city" });
    expect(await error.count()).toBe(0);
    expect(await page.getByTestId("feedback-comment").count()).toBe(0);
  });

  it("a failed change keeps the old vote pressed", async () => {
    await page.getByTestId("feedback-down").click();
    await until("answer", { vote: "negative" });
    await answerWith(UNAVAILABLE);
    await page.getByTestId("feedback-up").click();
    await page.getByTestId("feedback-error").waitFor();
    expect(await page.getByTestId("feedback-up").getAttribute("aria-pressed")).toBe("false");
    expect(await page.getByTestId("feedback-down").getAttribute("aria-pressed")).toBe("true");
  });

  it("a comment over the limit: the counter says so, the typed error shows without Try again, the text stays", async () => {
    await page.getByTestId("feedback-down").click();
    await until("answer", { vote: "negative" });
    await page.getByTestId("feedback-comment").fill("x".repeat(1_001));
    expect(await page.locator(".feedback-counter").textContent()).toContain("1,001 / 1,000 (too long)");
    expect(await page.getByTestId("feedback-comment").getAttribute("aria-invalid")).toBe("true");
    await answerWith(TOO_LONG);
    await page.getByTestId("feedback-submit").click();
    await page.getByTestId("feedback-error").waitFor();
    expect(await page.getByTestId("feedback-error").textContent()).toContain("1,000 characters");
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    expect(await page.getByTestId("feedback-comment").inputValue()).toHaveLength(1_001);
  });

  it("while a vote is on its way: busy, and further clicks are ignored", async () => {
    await page.evaluate(() => (window.feedback.hold = true));
    await page.getByTestId("feedback-up").click();
    const group = page.getByTestId("feedback-buttons");
    await expect.poll(() => group.getAttribute("aria-busy")).toBe("true");
    expect(await page.getByTestId("feedback-up").getAttribute("data-pending")).toBe("true");
    // Not pressed until saved.
    expect(await page.getByTestId("feedback-up").getAttribute("aria-pressed")).toBe("false");
    await page.getByTestId("feedback-down").click({ force: true });
    expect(await calls()).toHaveLength(1);
    await page.evaluate(() => {
      window.feedback.hold = false;
      window.feedback.release();
    });
    await until("answer", { vote: "positive" });
    expect(await group.getAttribute("aria-busy")).toBe("false");
    expect(await group.getByRole("status").textContent()).toContain("saved");
  });

  it("the box closed before the thumbs down is saved: Tab reaches \"Add a comment\" at once, and it stays there when saved", async () => {
    await page.evaluate(() => (window.feedback.hold = true));
    await page.getByTestId("feedback-down").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => focusedTestId()).toBe("feedback-comment");
    await page.keyboard.press("Escape");
    await expect.poll(() => focusedTestId()).toBe("feedback-down");
    // Still on its way: not pressed yet, but the Tab order is already the one it will have.
    expect(await page.getByTestId("feedback-down").getAttribute("aria-pressed")).toBe("false");
    await page.keyboard.press("Tab");
    expect(await focusedText()).toBe("Add a comment");
    await page.evaluate(() => {
      window.feedback.hold = false;
      window.feedback.release();
    });
    await until("answer", { vote: "negative" });
    expect(await focusedText()).toBe("Add a comment");
  });

  it("a thumbs down that failed keeps \"Add a comment\" beside Try again: the comment is a retry of the same vote", async () => {
    await answerWith(UNAVAILABLE);
    await page.getByTestId("feedback-down").click();
    await page.getByTestId("feedback-error").waitFor();
    await page.keyboard.press("Escape");
    await answerWith(null);
    await page.getByRole("button", { name: "Add a comment" }).click();
    await page.getByTestId("feedback-comment").fill("Wrong city");
    await page.getByTestId("feedback-submit").click();
    await until("answer", { vote: "negative", comment: "Wrong city" });
    expect(await page.getByTestId("feedback-error").count()).toBe(0);
  });

  it("a thumbs down refused for good (no Try again) offers no comment either", async () => {
    await answerWith(FORBIDDEN);
    await page.getByTestId("feedback-down").click();
    await page.getByTestId("feedback-error").waitFor();
    await page.keyboard.press("Escape");
    expect(await page.getByTestId("feedback-comment").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add a comment" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
  });

  it("names its buttons and group for screen readers", async () => {
    expect(await page.getByRole("group", { name: "Rate this answer" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Good answer" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Bad answer" }).count()).toBe(1);
  });
});

describe("the conversation rating", () => {
  it("works the same, with its own test ids", async () => {
    await page.getByTestId("rating-down").click();
    await until("conversation", { vote: "negative" });
    await page.getByTestId("rating-comment").fill("It forgot my city");
    await page.getByTestId("rating-submit").click();
    await until("conversation", { vote: "negative", comment: "It forgot my city" });
    await page.getByTestId("rating-down").click();
    await until("conversation", null);
    expect(await saved("answer")).toBeNull();
    expect(await page.getByRole("heading", { name: "Rate this conversation" }).count()).toBe(1);
  });
});
