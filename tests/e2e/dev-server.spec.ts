import { test } from "@playwright/test";
import { readState } from "./support/e2e-state";
import { startDevServer, type DevServer } from "./support/dev-server";
import { answers, expect, messageBox } from "./support/fixtures";

/**
 * The quick start's `npm run dev`, opened the two ways people type it. Next's dev
 * server refuses its own scripts to origins it does not know, so at 127.0.0.1 the
 * page would render and never hydrate: nothing could be sent.
 */
test.describe("npm run dev", () => {
  // One dev server (beforeAll) for the whole group: its tests run in order, in one worker.
  test.describe.configure({ mode: "default" });
  // One dev server for this file, stopped when it ends (not kept through the other specs).
  let dev: DevServer;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const state = readState();
    dev = await startDevServer({
      logDir: state.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: state.phoenix.url, PHOENIX_PROJECT_NAME: state.projectName },
    });
  });
  test.afterAll(async () => dev?.stop());
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach("next-dev.log", { body: dev.log(), contentType: "text/plain" });
  });
  test.setTimeout(180_000);

  for (const host of ["127.0.0.1", "localhost"]) {
    test(`at http://${host}:<port> the page hydrates: a message gets its answer`, async ({ page }) => {
      await page.goto(`http://${host}:${dev.port}/`);
      // Only a hydrated page has a working message box; its scripts came with the page load.
      await expect(messageBox(page)).toBeEditable({ timeout: 60_000 });
      await messageBox(page).fill("Hello!");
      await messageBox(page).press("Enter");
      // The first turn compiles the action and the model: slow under `next dev`.
      const answer = answers(page).first();
      await expect(answer).toHaveAttribute("data-status", "done", { timeout: 120_000 });
      await expect(answer.getByTestId("answer-text")).not.toBeEmpty();
      expect(dev.log()).not.toContain("Blocked cross-origin request");
    });
  }
});
