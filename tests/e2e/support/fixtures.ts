import { test as base, expect, type Page } from "@playwright/test";
import { readState, type E2EState } from "./e2e-state";

/** `baseURL` points at the app global setup started; `e2e` is what it started. */
export const test = base.extend<{ e2e: E2EState }>({
  e2e: async ({}, use) => use(readState()),
  baseURL: async ({}, use) => use(readState().appUrl),
});

export { expect };

export const messageBox = (page: Page) => page.getByRole("textbox", { name: "Message" });
export const answers = (page: Page) => page.getByTestId("assistant-message");
export const sessionIdOf = async (page: Page) => (await page.getByTestId("session-id").innerText()).trim();

/** Sends a message the way a user does (type, Enter) and waits for the answer to finish. */
export async function sendAndWait(page: Page, text: string, status: "done" | "error" | "stopped" = "done") {
  const before = await answers(page).count();
  await messageBox(page).fill(text);
  await messageBox(page).press("Enter");
  const answer = answers(page).nth(before);
  await expect(answer).toHaveAttribute("data-status", status);
  return answer;
}

/**
 * Gives this tab's conversation a long history without chatting it: one real turn
 * stores the conversation with the token the server sealed for it, then its stored
 * messages are replaced (the token kept) and the page reloads.
 */
export async function seedConversation(page: Page, messages: unknown[]): Promise<string> {
  await sendAndWait(page, "Hello!");
  const sessionId = await sessionIdOf(page);
  await page.evaluate(
    ({ key, messages }) => {
      const record = JSON.parse(localStorage.getItem(key)!) as { messages: unknown[]; updatedAt: number };
      localStorage.setItem(key, JSON.stringify({ ...record, messages, updatedAt: Date.now() }));
    },
    { key: `phoenix-chat:conv:${sessionId}`, messages },
  );
  await page.reload();
  await expect(page.getByTestId("session-id")).toHaveText(sessionId);
  return sessionId;
}
