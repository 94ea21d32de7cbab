import type { Locator, Page } from "@playwright/test";
import { openChat, startStory, TOOL_QUESTION } from "./support/chat-states";
import { answers, expect, sendAndWait, test } from "./support/fixtures";

/**
 * The messages follow the conversation's end (components/chat/use-follow-end.ts): an
 * answer as it streams in, a conversation opened from the list, and nothing yanks a
 * reader who scrolled up to read. A short window, so a few turns overflow it.
 */

const VIEWPORT = { width: 1280, height: 560 };
const scroller = (page: Page) => page.locator(".messages");
/** How far the messages are scrolled from their end, in CSS px (0 at the end). */
const fromEnd = (page: Page) => scroller(page).evaluate((box) => box.scrollHeight - box.scrollTop - box.clientHeight);
const textLength = async (answer: Locator) => (await answer.getByTestId("answer-text").innerText()).length;

test("a conversation opened from the list shows its end: the last answer and the rating", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL, { viewport: VIEWPORT });
  await sendAndWait(page, "How do Phoenix sessions work?");
  await sendAndWait(page, TOOL_QUESTION);
  await sendAndWait(page, "How does Phoenix group traces into sessions?");
  const rating = page.getByRole("region", { name: "Rate this conversation" });
  // Taller than the window: there is something to scroll.
  expect(await scroller(page).evaluate((box) => box.scrollHeight - box.clientHeight)).toBeGreaterThan(300);
  await expect(rating).toBeInViewport({ ratio: 1 });

  await page.getByTestId("new-conversation").click();
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByTestId("conversation-item").last().click();
  await expect(answers(page)).toHaveCount(3);
  await expect(rating).toBeInViewport({ ratio: 1 });
  await expect(answers(page).last().getByRole("button", { name: "Good answer" })).toBeInViewport({ ratio: 1 });
  await expect.poll(() => fromEnd(page)).toBeLessThanOrEqual(1);
  await page.context().close();
});

test("answers are followed to the end; a reader who scrolls up stays where they are while it streams; sending follows again", async ({
  browser,
  baseURL,
}) => {
  const page = await openChat(browser, baseURL, { viewport: VIEWPORT });
  const rating = page.getByRole("region", { name: "Rate this conversation" });
  // Two answers taller than the window, followed to the end and the rating under it.
  await sendAndWait(page, "How do Phoenix sessions work?");
  await sendAndWait(page, TOOL_QUESTION);
  expect(await scroller(page).evaluate((box) => box.scrollHeight - box.clientHeight)).toBeGreaterThan(100);
  await expect(rating).toBeInViewport({ ratio: 1 });
  await expect.poll(() => fromEnd(page)).toBeLessThanOrEqual(1);

  // Another story; the reader scrolls up a little as it starts: the rest comes in below, and the view stays put.
  const answer = await startStory(page);
  await scroller(page).hover();
  await page.mouse.wheel(0, -40);
  await expect.poll(() => fromEnd(page)).toBeGreaterThan(30);
  const readingAt = await scroller(page).evaluate((box) => box.scrollTop);
  const lengthThen = await textLength(answer);
  await expect(answer).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  expect(await textLength(answer)).toBeGreaterThan(lengthThen);
  expect(await scroller(page).evaluate((box) => box.scrollTop)).toBe(readingAt);
  expect(await fromEnd(page)).toBeGreaterThan(300);

  // Sending from there: back to the end, and the answer is followed again.
  await sendAndWait(page, TOOL_QUESTION);
  await expect(rating).toBeInViewport({ ratio: 1 });
  await expect.poll(() => fromEnd(page)).toBeLessThanOrEqual(1);
  await page.context().close();
});
