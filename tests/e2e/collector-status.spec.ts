import { createServer, type Socket } from "node:net";
import type { Page } from "@playwright/test";
import { startApp } from "./support/app-server";
import { expect, sendAndWait, test } from "./support/fixtures";

/**
 * The session panel says where the traces go and whether Phoenix answers there,
 * checked on the server against the real Phoenix global setup started. A Phoenix that
 * stops and comes back: phoenix-outage.spec.ts.
 */

const destination = (page: Page) => page.getByTestId("trace-destination");
const openInPhoenix = (page: Page) => page.getByTestId("open-in-phoenix");

async function expectLive(page: Page, phoenixUrl: string) {
  await expect(destination(page)).toHaveAttribute("data-state", "live", { timeout: 30_000 });
  await expect(destination(page)).toContainText(`Traces → Phoenix at ${new URL(phoenixUrl).host}`);
  await expect(destination(page)).toContainText("live");
  await expect(openInPhoenix(page)).toHaveAttribute("href", new RegExp(`^${phoenixUrl}/redirects/sessions/`));
}

test.describe("where the traces go", () => {
  test("the panel's poll answers JSON and never re-seals the session cookie (it could undo an action's new one)", async ({ page, e2e }) => {
    await page.goto("/");
    const response = await page.request.get("/api/collector-status");
    expect(response.ok()).toBe(true);
    expect(response.headers()["set-cookie"]).toBeUndefined();
    expect(await response.json()).toEqual({
      tracing: "on",
      collector: new URL(e2e.phoenix.url).host,
      phoenixUrl: e2e.phoenix.url,
      local: true,
      state: "live",
    });
  });

  test("with tracing off the panel says so, and there are no Phoenix links", async ({ page, e2e }) => {
    const app = await startApp({
      name: "app-tracing-off",
      logDir: e2e.tempDir,
      env: { TRACING_ENABLED: "false", PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url },
    });
    try {
      await page.goto(app.url);
      await expect(destination(page)).toHaveAttribute("data-state", "off");
      await expect(destination(page)).toHaveText("Tracing is off (TRACING_ENABLED=false): nothing is recorded.");
      const answer = await sendAndWait(page, "Hello without tracing");
      await expect(answer.getByTestId("answer-text")).not.toBeEmpty();
      await expect(openInPhoenix(page)).toHaveCount(0);
      await expect(answer.getByTestId("trace-link")).toHaveCount(0);
    } finally {
      await app.stop();
    }
  });

  test("the page never waits on a collector that hangs, and an endpoint written as …/v1/traces still finds Phoenix", async ({ page, e2e }) => {
    // Accepts connections and never answers: the health probe can only time out.
    const sockets: Socket[] = [];
    const hanging = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
    const [stuck, otlpStyle] = await Promise.all([
      startApp({ name: "app-hanging-collector", logDir: e2e.tempDir, env: { PHOENIX_COLLECTOR_ENDPOINT: hangingUrl } }),
      startApp({ name: "app-otlp-endpoint", logDir: e2e.tempDir, env: { PHOENIX_COLLECTOR_ENDPOINT: `${e2e.phoenix.url}/v1/traces` } }),
    ]);
    try {
      // Rendered with what the server knows now: still checking, not a verdict it waited 3 s for.
      const html = await (await fetch(stuck.url)).text();
      expect(html).toContain('data-state="checking"');
      await page.goto(stuck.url);
      await expect(destination(page)).toHaveAttribute("data-state", "checking");
      const answer = await sendAndWait(page, "Hello while the collector hangs");
      await expect(answer.getByTestId("answer-text")).not.toBeEmpty();

      await page.goto(otlpStyle.url);
      await expectLive(page, e2e.phoenix.url);
      await expect(destination(page)).toContainText(`Traces → Phoenix at ${new URL(e2e.phoenix.url).host}`);
    } finally {
      await Promise.all([stuck.stop(), otlpStyle.stop()]);
      for (const socket of sockets) socket.destroy();
      hanging.close();
    }
  });
});
