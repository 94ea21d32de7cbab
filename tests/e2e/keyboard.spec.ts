import type { Page } from "@playwright/test";
import { openChat, STORY, TOOL_QUESTION } from "./support/chat-states";
import { answers, expect, test } from "./support/fixtures";
import { focusedName, focusLook, tabTo } from "./support/focus";

/**
 * A whole session with the keyboard alone: every control in a sensible order, focus
 * always drawn and never covered, no trap, and after each action focus where the
 * next action is. Where a step jumps to a control, it does so with Tab / Shift+Tab
 * (support/focus.ts), as a keyboard user would.
 */

const MESSAGE_BOX = 'textbox "Message"';
/** One of the empty page's example questions. */
const SECOND = "How does Phoenix group traces into sessions?";
const itemNamed = (title: string) => new RegExp(`^button "${title} (just now|\\d+ minutes? ago) · \\d+ turns?"$`);

async function expectFocus(page: Page, name: string | RegExp) {
  await expect.poll(() => focusedName(page)).toMatch(typeof name === "string" ? new RegExp(`^${escapeRegExp(name)}$`) : name);
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Types a message in the focused box and sends it with Enter; waits for the answer. */
async function sendFromBox(page: Page, text: string, status = "done") {
  await expectFocus(page, MESSAGE_BOX);
  const before = await answers(page).count();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
  await expect(answers(page).nth(before)).toHaveAttribute("data-status", status, { timeout: 60_000 });
}

test("Tab visits the whole page in reading order, every stop visibly focused and uncovered, and comes round again (no trap)", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL);
  await sendFromBox(page, "Hello!");
  await page.getByTestId("new-conversation").click();
  await sendFromBox(page, TOOL_QUESTION);

  const stops: string[] = [];
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press("Tab");
    const name = await focusedName(page);
    if (name === null) continue; // Past the last control focus leaves the page, then comes back at the top.
    expect(await focusLook(page), name).toEqual({ indicated: true, inViewport: true, unobscured: true });
    if (name === MESSAGE_BOX) break;
    stops.push(name);
  }
  const expected: (string | RegExp)[] = [
    'button "Send"',
    'link "Skip to the message box"',
    'button "New conversation"',
    itemNamed(escapeRegExp(TOOL_QUESTION)),
    `button "Delete “${TOOL_QUESTION}”"`,
    itemNamed("Hello!"),
    'button "Delete “Hello!”"',
    'combobox "Tier"',
    'link "Open in Phoenix"',
    'button "Good answer"',
    'button "Bad answer"',
    'link "View trace in Phoenix"',
    'button "Good conversation"',
    'button "Bad conversation"',
  ];
  expect(stops).toEqual(expected.map((stop) => (typeof stop === "string" ? stop : expect.stringMatching(stop))));

  // The skip link: from the top of the page to the message box in one key press.
  await tabTo(page, 'link "Skip to the message box"');
  await page.keyboard.press("Enter");
  await expectFocus(page, MESSAGE_BOX);
  await page.context().close();
});

test("send, Stop, vote, comment, rate, change the tier, new, switch, delete: focus lands where the next step is", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL);
  // Send: focus stays in the box, before and after the answer.
  await sendFromBox(page, "Hello!");
  await expectFocus(page, MESSAGE_BOX);

  // Stop: Tab from the box reaches it while the answer streams; once stopped, focus is back in the box.
  await page.keyboard.type(STORY);
  await page.keyboard.press("Enter");
  await expect(answers(page).nth(1).getByTestId("answer-text")).toContainText("lighthouse keeper");
  await page.keyboard.press("Tab");
  await expectFocus(page, 'button "Stop"');
  await page.keyboard.press("Enter");
  await expect(answers(page).nth(1)).toHaveAttribute("data-status", "stopped");
  await expectFocus(page, MESSAGE_BOX);

  // Send with the button: focus goes back to the box.
  await page.keyboard.type(TOOL_QUESTION);
  await tabTo(page, 'button "Send"');
  await page.keyboard.press("Enter");
  await expectFocus(page, MESSAGE_BOX);
  const toolTurn = answers(page).nth(2);
  await expect(toolTurn).toHaveAttribute("data-status", "done");

  // Vote on the last answer: back from the box, past the conversation's rating and the trace link.
  await tabTo(page, 'button "Good answer"', { backwards: true });
  await page.keyboard.press("Space");
  await expect(toolTurn.getByRole("button", { name: "Good answer" })).toHaveAttribute("aria-pressed", "true");
  await expectFocus(page, 'button "Good answer"');

  // Comment: thumbs down opens the box with focus in it; Escape closes it back to the thumb.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expectFocus(page, 'textbox "What was wrong? (optional)"');
  await page.keyboard.type("It asked the wrong city.");
  await page.keyboard.press("Escape");
  await expectFocus(page, 'button "Bad answer"');
  // Opened from "Add a comment", Close goes back to "Add a comment". The link is there from the
  // thumbs down on, while the vote may still be on its way to Phoenix (a busy Phoenix takes a while).
  await page.keyboard.press("Tab");
  await expectFocus(page, 'button "Add a comment"');
  await page.keyboard.press("Enter");
  await expectFocus(page, 'textbox "What was wrong? (optional)"');
  await tabTo(page, 'button "Close"');
  await page.keyboard.press("Enter");
  await expectFocus(page, 'button "Add a comment"');
  // Sent: saved, and focus back on what opened it (now "Edit comment"). One write at a time: until the
  // vote is saved the button reads "Sending…", so a user (and this test) waits for the thumb to be pressed.
  await expect(toolTurn.getByRole("button", { name: "Bad answer" })).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Enter");
  await tabTo(page, 'button "Send comment"');
  await page.keyboard.press("Enter");
  await expect(toolTurn.getByRole("group", { name: "Rate this answer" }).getByRole("status")).toHaveText("Thanks, your feedback was saved.");
  await expectFocus(page, 'button "Edit comment"');

  // Rate the conversation.
  await tabTo(page, 'button "Good conversation"');
  await page.keyboard.press("Enter");
  const rating = page.getByRole("region", { name: "Rate this conversation" });
  await expect(rating.getByRole("button", { name: "Good conversation" })).toHaveAttribute("aria-pressed", "true");
  await expect(rating.getByRole("status")).toHaveText("Thanks, your feedback was saved.");
  await expectFocus(page, 'button "Good conversation"');

  // Change the tier: arrow keys on the select; it stays focused, and the server keeps the change.
  await tabTo(page, 'combobox "Tier"', { backwards: true });
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("tier-select")).toHaveValue("pro");
  await expectFocus(page, 'combobox "Tier"');
  await expect(page.getByRole("complementary", { name: "Session" }).getByRole("alert")).toHaveCount(0);

  // New conversation: an empty one, focus in its box. An example question sent from the keyboard leaves focus in the box too.
  await tabTo(page, 'button "New conversation"', { backwards: true });
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await expectFocus(page, MESSAGE_BOX);
  await tabTo(page, `button "${SECOND}"`, { backwards: true });
  await page.keyboard.press("Enter");
  await expectFocus(page, MESSAGE_BOX);
  await expect(answers(page).first()).toHaveAttribute("data-status", "done");

  // Switch back to the first: its messages, focus in its box.
  await tabTo(page, itemNamed("Hello!"));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("user-message").first()).toHaveText("Hello!");
  await expectFocus(page, MESSAGE_BOX);

  // Delete it (the one shown, last in the list): Cancel is focused first; Shift+Tab, Enter deletes;
  // focus goes to the conversation before it, since none comes after.
  await tabTo(page, 'button "Delete “Hello!”"');
  await page.keyboard.press("Enter");
  await expectFocus(page, 'button "Cancel"');
  await page.keyboard.press("Shift+Tab");
  await expectFocus(page, 'button "Delete"');
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("conversation-item")).toHaveCount(1);
  await expectFocus(page, itemNamed(escapeRegExp(SECOND)));
  // The last one: focus goes to New conversation.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("conversation-item")).toHaveCount(0);
  await expectFocus(page, 'button "New conversation"');
  await page.context().close();
});

test("on a phone: the conversations drawer and the session details open, close and hand focus back, from the keyboard", async ({ browser, baseURL }) => {
  const page = await openChat(browser, baseURL, { viewport: { width: 390, height: 844 } });
  await sendFromBox(page, "Hello!");
  const aside = page.getByRole("complementary", { name: "Session" });
  await expect(aside).toBeHidden();

  await tabTo(page, 'button "Conversations (1)"');
  await page.keyboard.press("Enter");
  await expectFocus(page, 'button "New conversation"');
  await page.keyboard.press("Escape");
  await expectFocus(page, 'button "Conversations (1)"');
  await expect(page.getByTestId("conversation-list")).toBeHidden();

  await page.keyboard.press("Tab");
  await expectFocus(page, 'button "Session details"');
  await page.keyboard.press("Enter");
  await expect(aside).toBeVisible();
  await expect(page.getByRole("button", { name: "Session details" })).toHaveAttribute("aria-expanded", "true");
  // The details come next in the tab order, right after their toggle.
  await page.keyboard.press("Tab");
  await expectFocus(page, 'combobox "Tier"');
  expect(await focusLook(page)).toEqual({ indicated: true, inViewport: true, unobscured: true });
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Enter");
  await expect(aside).toBeHidden();
  await expectFocus(page, 'button "Session details"');
  await page.context().close();
});
