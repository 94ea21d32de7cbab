import { copyFileSync, existsSync } from "node:fs";
import type { Page } from "@playwright/test";
import { openChat, TOOL_QUESTION } from "./support/chat-states";
import { expect, messageBox, sendAndWait, test } from "./support/fixtures";

/**
 * The layout on every screen (app/chat-layout.css): on a wide screen the sidebar
 * fits the window and the rating sits with the conversation; on a phone the chat
 * comes first and the session details fold away behind one control; at 320 CSS px
 * (WCAG 1.4.10 Reflow) nothing scrolls sideways. Screenshots for the README in docs/.
 */

const SIZES = {
  desktop: { width: 1280, height: 720 },
  tablet: { width: 768, height: 1024 },
  phone: { width: 390, height: 844 },
} as const;

const rating = (page: Page) => page.getByRole("region", { name: "Rate this conversation" });
const box = async (page: Page, selector: string) => (await page.locator(selector).boundingBox())!;

/** Two turns: a Markdown answer and a tool call, as in the README's screenshots. */
async function twoTurns(page: Page) {
  await sendAndWait(page, "How do Phoenix sessions work?");
  await sendAndWait(page, TOOL_QUESTION);
}

/** How far the page reaches past the right edge of the viewport, in CSS px (0 when nothing does). */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("1280x720: the sidebar fits the window; the rating sits under the last answer, in the conversation's column", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL, { viewport: SIZES.desktop });
  await twoTurns(page);
  const main = await box(page, "main");
  await expect(rating(page)).toBeInViewport({ ratio: 1 });
  const rated = (await rating(page).boundingBox())!;
  expect(rated.x).toBeGreaterThanOrEqual(main.x);
  expect(rated.x + rated.width).toBeLessThanOrEqual(main.x + main.width);
  // Under the last answer, above the message box.
  expect(rated.y).toBeGreaterThan((await page.getByTestId("assistant-message").last().boundingBox())!.y);
  expect(rated.y + rated.height).toBeLessThanOrEqual((await messageBox(page).boundingBox())!.y);
  // Everything in the sidebar is inside the window: nothing below the fold, the page itself does not scroll.
  for (const control of [page.getByTestId("new-conversation"), page.getByTestId("tier-select"), page.getByTestId("open-in-phoenix")]) {
    await expect(control).toBeInViewport({ ratio: 1 });
  }
  expect(await page.evaluate(() => document.documentElement.scrollHeight - innerHeight)).toBeLessThanOrEqual(0);
  await page.context().close();
});

test("390x844: the chat comes first; session details fold away behind one control; the rating sits with the conversation", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL, { viewport: SIZES.phone, isMobile: true, hasTouch: true });
  await twoTurns(page);
  const aside = page.getByRole("complementary", { name: "Session" });
  const toggle = page.getByRole("button", { name: "Session details" });
  await expect(aside).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  // Above the messages: the title and one row of toggles, no more than a tenth and a bit of the screen.
  const messages = await box(page, ".messages");
  expect(messages.y).toBeLessThan(SIZES.phone.height * 0.12);
  expect(messages.height).toBeGreaterThan(SIZES.phone.height * 0.6);
  await expect(rating(page)).toBeInViewport({ ratio: 1 });
  const rated = (await rating(page).boundingBox())!;
  expect(rated.y + rated.height).toBeLessThanOrEqual((await messageBox(page).boundingBox())!.y);
  await expect(messageBox(page)).toBeInViewport({ ratio: 1 });

  await toggle.click();
  await expect(aside).toBeVisible();
  await expect(page.getByTestId("session-id")).toBeInViewport();
  await expect(page.getByTestId("trace-destination")).toContainText("live");
  expect((await aside.boundingBox())!.height).toBeLessThanOrEqual(SIZES.phone.height / 2);
  await expect(messageBox(page)).toBeInViewport({ ratio: 1 });
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  await page.context().close();
});

test("320x640 (reflow): nothing is wider than the screen, the toggles share one row, the drawer fits", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL, { viewport: { width: 320, height: 640 } });
  await sendAndWait(page, TOOL_QUESTION);
  await sendAndWait(page, `A long word: ${"x".repeat(120)} and a long link https://example.com/${"a/".repeat(40)}`);
  await page.getByRole("button", { name: "Session details" }).click();
  // Every element ends inside the 320 px, except inside something that scrolls sideways on its own (a code block).
  const tooWide = await page.evaluate(() =>
    [...document.body.querySelectorAll<HTMLElement>("*")]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
      .filter((el) => !el.closest("pre") && el.getBoundingClientRect().width > 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
  );
  expect(tooWide).toEqual([]);
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  const [conversations, details] = [await box(page, '[data-testid="conversations-toggle"]'), await box(page, '[data-testid="session-toggle"]')];
  expect(Math.abs(conversations.y - details.y)).toBeLessThan(2);
  expect(details.x + details.width).toBeLessThanOrEqual(320);

  await page.getByTestId("conversations-toggle").click();
  await expect(page.getByTestId("conversation-list")).toBeInViewport({ ratio: 1 });
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  await page.context().close();
});

test("screenshots at desktop, tablet and phone sizes (docs/layout-*.png)", async ({ browser, baseURL }, testInfo) => {
  for (const [name, viewport] of Object.entries(SIZES)) {
    const page = await openChat(browser, baseURL, { viewport, colorScheme: "light" });
    await twoTurns(page);
    await expect(rating(page)).toBeVisible();
    const shot = testInfo.outputPath(`layout-${name}.png`);
    await page.screenshot({ path: shot });
    await testInfo.attach(`layout-${name}`, { path: shot, contentType: "image/png" });
    const docs = `docs/layout-${name}.png`;
    if (process.env.E2E_UPDATE_DOCS === "1" || !existsSync(docs)) copyFileSync(shot, docs);
    await page.context().close();
  }
});
