import type { Browser, BrowserContextOptions, Page } from "@playwright/test";
import { answers, expect, messageBox } from "./fixtures";

/**
 * The states of the chat that the accessibility, keyboard and layout specs visit:
 * each helper gets the page there the way a user does, and waits until it is there.
 */

export const STORY = "Write a long story about a lighthouse keeper";
export const TOOL_QUESTION = "What time is it in Tokyo?";
export const PROVIDER_ERROR = "Simulate a 429 error from the provider.";

/** A page in a fresh context (a new user), on the app global setup started unless `url` says otherwise. */
export async function openChat(browser: Browser, baseURL: string | undefined, options: BrowserContextOptions = {}, url = "/"): Promise<Page> {
  const context = await browser.newContext({ baseURL, ...options });
  const page = await context.newPage();
  await page.goto(url);
  // The tab has read its conversation from storage: the page is interactive.
  await expect(page.getByTestId("session-id")).toHaveText(/^[0-9a-f-]{36}$/);
  return page;
}

/** Sends the long story and returns once some of it is on screen, while it still streams. */
export async function startStory(page: Page) {
  const before = await answers(page).count();
  await messageBox(page).fill(STORY);
  await messageBox(page).press("Enter");
  const answer = answers(page).nth(before);
  await expect(answer.getByTestId("answer-text")).toContainText("lighthouse keeper");
  await expect(answer).toHaveAttribute("data-status", "streaming");
  return answer;
}

/**
 * Lists `count` more conversations in this browser, stored the way the app stores
 * them (the list reads each `phoenix-chat:conv:<id>` key), newest first, then reloads.
 */
export async function seedConversations(page: Page, count: number): Promise<void> {
  const listed = await page.getByTestId("conversation-item").count();
  await page.evaluate((count) => {
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const sessionId = crypto.randomUUID();
      const messages = [
        { id: `u${i}`, role: "user", parts: [{ type: "text", text: `Seeded question ${i + 1}: how do sessions group traces?` }] },
        { id: `a${i}`, role: "assistant", parts: [{ type: "text", text: `Seeded answer ${i + 1}.` }], metadata: { outcome: "completed" } },
      ];
      const record = { v: 1, token: "seeded-token-not-sendable", updatedAt: now - (i + 1) * 3_600_000, messages };
      localStorage.setItem(`phoenix-chat:conv:${sessionId}`, JSON.stringify(record));
    }
  }, count);
  await page.reload();
  await expect(page.getByTestId("conversation-item")).toHaveCount(listed + count);
}
