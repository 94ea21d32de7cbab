import type { Page } from "@playwright/test";
import { startApp, type AppServer } from "./support/app-server";
import { PROVIDER_ERROR, STORY, TOOL_QUESTION } from "./support/chat-states";
import { readState } from "./support/e2e-state";
import { answers, expect, messageBox, sendAndWait, test } from "./support/fixtures";
import { announcements, asRead, clearAnnouncements, recordAnnouncements, type Announcement } from "./support/live-regions";

/**
 * What a screen reader is given to say, read from the live regions' text as it
 * changes (support/live-regions.ts): each answer once, whole, when it is done;
 * "Answer stopped." once; errors and refusals once, as alerts; saved / not saved /
 * Phoenix unreachable as status messages. Not: the answer token by token, the
 * character counter on every key, old errors again on a reload.
 */

const mentioning = (record: Announcement[], words: string) => record.filter((a) => a.text.includes(words));

async function openRecorded(page: Page, url = "/") {
  await recordAnnouncements(page);
  await page.goto(url);
  await expect(page.getByTestId("session-id")).toHaveText(/^[0-9a-f-]{36}$/);
}

/**
 * Sends "Hello!" and waits until its answer has been announced, so what is recorded next is what
 * comes after. On a page's first answer the announcement can follow "done" by a moment: it waits
 * for the Markdown code (components/chat/lazy-markdown.tsx), which the first answer loads.
 */
async function helloAnnounced(page: Page) {
  const answer = await sendAndWait(page, "Hello!");
  await expect(page.getByTestId("turn-announcer")).toContainText("offline demo model");
  return answer;
}

test("a streamed answer is announced once, whole, when it is done; a tool turn's answer too; typing is not announced", async ({ page }) => {
  await openRecorded(page);
  await messageBox(page).pressSequentially(STORY.slice(0, 12));
  await messageBox(page).fill(STORY);
  await messageBox(page).press("Enter");
  const story = answers(page).first();
  await expect(story.getByTestId("answer-text")).toContainText("lighthouse keeper");
  await expect(story).toHaveAttribute("data-status", "streaming");
  // Mid-answer: nothing of it has been given to the screen reader yet.
  expect(mentioning(await announcements(page), "lighthouse keeper")).toEqual([]);
  await expect(story).toHaveAttribute("data-status", "done", { timeout: 60_000 });

  const storyText = asRead(await story.getByTestId("answer-text").innerText());
  await expect.poll(async () => mentioning(await announcements(page), "lighthouse keeper")).toEqual([{ role: "status", text: storyText }]);
  // The counter under the box changed with each key: none of it was announced.
  expect(await announcements(page)).toEqual([{ role: "status", text: storyText }]);

  await clearAnnouncements(page);
  const toolTurn = await sendAndWait(page, TOOL_QUESTION);
  const toolAnswer = asRead(await toolTurn.getByTestId("answer-text").innerText());
  expect(toolAnswer).toContain("Asia/Tokyo");
  await expect.poll(() => announcements(page)).toEqual([{ role: "status", text: toolAnswer }]);
});

test("Stop: 'Answer stopped.' once, and none of the cut-off story", async ({ page }) => {
  await openRecorded(page);
  await messageBox(page).fill(STORY);
  await messageBox(page).press("Enter");
  await expect(answers(page).first().getByTestId("answer-text")).toContainText("lighthouse keeper");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(answers(page).first()).toHaveAttribute("data-status", "stopped");
  await expect.poll(() => announcements(page)).toEqual([{ role: "status", text: "Answer stopped." }]);
});

test("an error is announced once, as an alert; a reload shows it again but does not announce it", async ({ page }) => {
  await openRecorded(page);
  const failed = await sendAndWait(page, PROVIDER_ERROR, "error");
  const message = asRead(await failed.getByTestId("turn-error").locator("span").innerText());
  expect(message).toContain("429");
  await expect.poll(() => announcements(page)).toEqual([{ role: "alert", text: message }]);

  await page.reload();
  await expect(answers(page).first().getByTestId("turn-error")).toContainText("429");
  await expect(answers(page).first().getByRole("button", { name: "Retry" })).toBeVisible();
  expect(mentioning(await announcements(page), "429")).toEqual([]);

  // Retry fails the same way (the demo model always does): announced once more, for the new attempt.
  await answers(page).first().getByRole("button", { name: "Retry" }).click();
  await expect.poll(async () => mentioning(await announcements(page), "429")).toEqual([{ role: "alert", text: message }]);
});

test("feedback: 'saved' and 'not saved' are status messages, in the thumbs' own status region", async ({ page }) => {
  await openRecorded(page);
  const answer = await helloAnnounced(page);
  const group = answer.getByRole("group", { name: "Rate this answer" });
  await clearAnnouncements(page);
  await group.getByRole("button", { name: "Good answer" }).click();
  await expect(group.getByRole("status")).toHaveText("Thanks, your feedback was saved.");

  // The vote cannot reach the server (the Server Action's request is dropped on the way).
  await page.route("**/*", (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"] && request.postData()?.includes('"receipt"')) return route.abort();
    return route.continue();
  });
  await group.getByRole("button", { name: "Good answer" }).click();
  await expect(group.getByTestId("feedback-error")).toBeVisible();
  const notSaved = asRead(await group.getByTestId("feedback-error").locator("span").innerText());
  expect(notSaved).toContain("not saved");
  await expect(group.getByRole("status")).toHaveText(notSaved);
  expect(await announcements(page)).toEqual([
    { role: "status", text: "Saving your feedback…" },
    { role: "status", text: "Thanks, your feedback was saved." },
    { role: "status", text: "Saving your feedback…" },
    { role: "status", text: notSaved },
  ]);
});

test("Phoenix becoming unreachable is a status message in the session panel", async ({ page }) => {
  await openRecorded(page);
  const destination = page.getByRole("complementary", { name: "Session" }).getByRole("status");
  await expect(destination).toContainText("live");
  // What the page's poll gets when the server finds Phoenix down (the server's own check: collector-status.spec.ts).
  await page.route("**/api/collector-status", async (route) => {
    const live = (await (await route.fetch()).json()) as Record<string, unknown>;
    await route.fulfill({ json: { ...live, state: "unreachable", problem: "connection refused" } });
  });
  await expect(destination).toContainText("unreachable", { timeout: 30_000 });
  const said = mentioning(await announcements(page), "unreachable");
  expect(said).toHaveLength(1);
  expect(said[0]!.role).toBe("status");
  expect(said[0]!.text).toContain("Connection refused: this conversation's traces are dropped until it answers.");
});

test.describe("a refused turn (the Free tier allows one turn)", () => {
  let app: AppServer;
  test.beforeAll(async () => {
    const e2e = readState();
    app = await startApp({
      name: "app-screen-reader-limit",
      logDir: e2e.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url, PHOENIX_PROJECT_NAME: e2e.projectName, TURN_LIMIT_FREE: "1" },
    });
  });
  test.afterAll(async () => app?.stop());

  test("is announced once, as an alert, with what the limit is and when to send again", async ({ page }) => {
    await openRecorded(page, app.url);
    await helloAnnounced(page);
    await clearAnnouncements(page);
    await messageBox(page).fill("One turn too many");
    await messageBox(page).press("Enter");
    const refused = page.getByTestId("turn-refused");
    await expect(refused).toContainText("the Free tier allows");
    const message = asRead(await refused.innerText());
    await expect.poll(() => announcements(page)).toEqual([{ role: "alert", text: message }]);
  });
});
