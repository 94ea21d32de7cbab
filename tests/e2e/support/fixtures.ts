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
