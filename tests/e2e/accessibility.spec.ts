import { startApp, type AppServer } from "./support/app-server";
import { expectAxeClean } from "./support/axe";
import { openChat, PROVIDER_ERROR, seedConversations, startStory, TOOL_QUESTION } from "./support/chat-states";
import { readState } from "./support/e2e-state";
import { answers, expect, messageBox, sendAndWait, test } from "./support/fixtures";

/**
 * axe-core's WCAG 2.0/2.1/2.2 A and AA rules, on the production build in Chromium,
 * in every state a user meets: empty, streaming, stopped, after a tool turn, an error
 * with Retry, a refused turn, the comment box, the delete confirmation, a list of ten
 * conversations, a phone, 200% zoom; in both colour schemes the app follows
 * (`prefers-color-scheme`), which is where axe's colour-contrast rule checks each.
 */

const SCHEMES = ["light", "dark"] as const;

for (const colorScheme of SCHEMES) {
  test(`a session's states, ${colorScheme} scheme: no violations`, async ({ browser, baseURL }) => {
    const page = await openChat(browser, baseURL, { colorScheme });
    await expect(page.getByTestId("empty-state")).toBeVisible();
    await expectAxeClean(page, "empty page");

    await startStory(page);
    await expectAxeClean(page, "while an answer streams");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(answers(page).first()).toHaveAttribute("data-status", "stopped");
    await expectAxeClean(page, "an answer stopped");

    const toolTurn = await sendAndWait(page, TOOL_QUESTION);
    await expect(toolTurn.getByTestId("tool-call")).toBeVisible();
    await expectAxeClean(page, "after a tool turn");

    const failed = await sendAndWait(page, PROVIDER_ERROR, "error");
    await expect(failed.getByRole("button", { name: "Retry" })).toBeVisible();
    await expectAxeClean(page, "an error with Retry");

    await toolTurn.getByRole("button", { name: "Bad answer" }).click();
    await expect(toolTurn.getByRole("textbox", { name: "What was wrong? (optional)" })).toBeFocused();
    await expectAxeClean(page, "the answer's comment box open");

    const rating = page.getByRole("region", { name: "Rate this conversation" });
    await rating.getByRole("button", { name: "Bad conversation" }).click();
    await expect(rating.getByRole("textbox", { name: "What went wrong? (optional)" })).toBeFocused();
    await expect(rating.getByRole("status")).toHaveText("Thanks, your feedback was saved.");
    await expectAxeClean(page, "the conversation's comment box open, rating saved");

    await page.getByTestId("delete-conversation").first().click();
    await expect(page.getByRole("group", { name: /^Delete “.*”\?$/ })).toBeVisible();
    await expectAxeClean(page, "the delete confirmation");
    await page.context().close();
  });

  test(`ten conversations in the list, ${colorScheme} scheme: no violations`, async ({ browser, baseURL }) => {
    const page = await openChat(browser, baseURL, { colorScheme });
    await sendAndWait(page, "Hello!");
    await seedConversations(page, 9);
    await expectAxeClean(page, "a list of 10 conversations");
    await page.context().close();
  });

  test(`on a phone (390x844), ${colorScheme} scheme: no violations, with the drawer and the session details open`, async ({ browser, baseURL }) => {
    const page = await openChat(browser, baseURL, { colorScheme, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await expectAxeClean(page, "phone: empty page");
    await sendAndWait(page, TOOL_QUESTION);
    await expectAxeClean(page, "phone: after a tool turn");
    const details = page.getByRole("button", { name: "Session details" });
    await details.click();
    await expect(page.getByRole("complementary", { name: "Session" })).toBeVisible();
    await expectAxeClean(page, "phone: session details open");
    await details.click();
    await page.getByTestId("conversations-toggle").click();
    await expect(page.getByTestId("new-conversation")).toBeFocused();
    await expectAxeClean(page, "phone: conversations drawer open");
    await page.context().close();
  });
}

test("at 200% zoom (1280x720 seen as 640x360 CSS pixels): no violations", async ({ browser, baseURL }) => {
  // Browser zoom halves the CSS viewport and doubles the device pixels: that is what this context is.
  const page = await openChat(browser, baseURL, { viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 });
  await expectAxeClean(page, "200%: empty page");
  const answer = await sendAndWait(page, TOOL_QUESTION);
  await answer.getByRole("button", { name: "Bad answer" }).click();
  await expectAxeClean(page, "200%: after a tool turn, comment box open");
  await page.context().close();
});

test.describe("a refused turn (the Free tier allows one turn)", () => {
  let app: AppServer;
  test.beforeAll(async () => {
    const e2e = readState();
    app = await startApp({
      name: "app-a11y-limit",
      logDir: e2e.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url, PHOENIX_PROJECT_NAME: e2e.projectName, TURN_LIMIT_FREE: "1" },
    });
  });
  test.afterAll(async () => app?.stop());

  for (const colorScheme of SCHEMES) {
    test(`${colorScheme} scheme: no violations`, async ({ browser }) => {
      const page = await openChat(browser, undefined, { colorScheme }, app.url);
      await sendAndWait(page, "Hello!");
      await messageBox(page).fill("One turn too many");
      await messageBox(page).press("Enter");
      await expect(page.getByTestId("turn-refused")).toContainText("the Free tier allows");
      await expectAxeClean(page, "a refused turn");
      await page.context().close();
    });
  }
});
