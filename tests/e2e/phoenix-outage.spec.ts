import type { Page } from "@playwright/test";
import { startApp } from "./support/app-server";
import { answers, expect, sendAndWait, sessionIdOf, test } from "./support/fixtures";
import { allSpans, attribute, waitForSession } from "./support/phoenix-api";
import { startTcpGate } from "./support/tcp-gate";

/**
 * Phoenix stops mid-conversation and comes back, with the page open: the chat keeps
 * working, the panel notices on its own (unreachable only once the failures last), the
 * links say how to start Phoenix instead of leading nowhere, and once it is back the
 * conversation's later turns land in the same session. One outage for all of it.
 *
 * The app under test is its own, and reaches the shared Phoenix through a TCP gate:
 * closing the gate is, to this app, Phoenix stopped (connections refused, open ones
 * cut), while the other tests go on writing to the same Phoenix; opening it is
 * Phoenix back at once, without the quarter of a minute a Phoenix restart takes.
 */

const destination = (page: Page) => page.getByTestId("trace-destination");
const openInPhoenix = (page: Page) => page.getByTestId("open-in-phoenix");

async function expectLive(page: Page, phoenixUrl: string) {
  await expect(destination(page)).toHaveAttribute("data-state", "live", { timeout: 30_000 });
  await expect(destination(page)).toContainText(`Traces → Phoenix at ${new URL(phoenixUrl).host}`);
  await expect(openInPhoenix(page)).toHaveAttribute("href", new RegExp(`^${phoenixUrl}/redirects/sessions/`));
}

async function expectUnreachable(page: Page) {
  await expect(destination(page)).toHaveAttribute("data-state", "unreachable", { timeout: 45_000 });
  await expect(page.getByTestId("collector-help")).toContainText("npm run phoenix");
  // No dead link: the same place says how to start Phoenix.
  await expect(openInPhoenix(page)).not.toHaveAttribute("href");
  await expect(openInPhoenix(page)).toContainText("Start it with npm run phoenix");
}

test("Phoenix stopped mid-conversation: the chat works, the panel and links say so, and later turns arrive in the same session", async ({ page, e2e }) => {
  const gate = await startTcpGate(e2e.phoenix.url);
  const app = await startApp({
    name: "phoenix-outage",
    logDir: e2e.tempDir,
    env: {
      PHOENIX_COLLECTOR_ENDPOINT: gate.url,
      PHOENIX_PROJECT_NAME: e2e.projectName,
      DEMO_MODEL_DELAY_MS: "15",
      OTEL_BSP_SCHEDULE_DELAY: "500",
    },
  });
  try {
    await page.goto(app.url);
    await expectLive(page, gate.url);
    const sessionId = await sessionIdOf(page);
    const userId = (await page.getByTestId("user-id").innerText()).trim();
    const before = await sendAndWait(page, "Before the outage");
    await expect(before.getByTestId("trace-link")).toHaveAttribute("href", new RegExp(`^${gate.url}/redirects/traces/[0-9a-f]{32}$`));
    await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 1);

    await gate.close();

    // The open page notices on its own, without a reload.
    await expectUnreachable(page);
    await expect(before.getByTestId("trace-link")).not.toHaveAttribute("href");
    await expect(before.getByTestId("trace-link")).toContainText("npm run phoenix");

    // A fresh page is rendered with what the server knows, and the chat itself works.
    await page.reload();
    await expectUnreachable(page);
    const during = await sendAndWait(page, "During the outage");
    await expect(during.getByTestId("answer-text")).toContainText("During the outage");
    await expect(during.getByTestId("trace-link")).toContainText("Phoenix does not answer");
    await sendAndWait(page, "What time is it in Tokyo?");

    await gate.open();
    await expectLive(page, gate.url);
    await sendAndWait(page, "After the outage");
    await expect(answers(page).last().getByTestId("trace-link")).toHaveAttribute("href", /\/redirects\/traces\//);

    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) =>
      s.traces.some((t) => attribute(t.rootSpan!, "input.value") === "After the outage"),
    );
    const inputs = session.traces.map((t) => attribute(t.rootSpan!, "input.value"));
    expect(inputs).toEqual(expect.arrayContaining(["Before the outage", "After the outage"]));
    for (const span of allSpans(session)) {
      expect(attribute(span, "session.id"), span.name).toBe(sessionId);
      expect(attribute(span, "user.id"), span.name).toBe(userId);
    }
  } finally {
    await app.stop();
    await gate.close();
  }
});
