import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "../tests/e2e/support/chromium";
import { percentile, round } from "./support/stats";

/**
 * 2. Time to first token in a real browser: from pressing Enter to the first
 * answer text on screen (a MutationObserver in the page), production build, demo
 * model without delay.
 */
export async function firstToken(appUrl: string, turns = 25, warmup = 3) {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.goto(appUrl);
  const box = page.getByRole("textbox", { name: "Message" });
  const samples: number[] = [];
  for (let i = 0; i < warmup + turns; i++) {
    if (i > 0 && i % 10 === 0) {
      await page.getByTestId("new-conversation").click();
      await page.getByTestId("empty-state").waitFor();
    }
    const before = await page.getByTestId("assistant-message").count();
    await box.fill(`Tell me about sessions (${i})`);
    await page.evaluate((index) => {
      const w = window as unknown as { __t0?: number; __t1?: number; __observer?: MutationObserver };
      w.__t0 = undefined;
      w.__t1 = undefined;
      w.__observer?.disconnect();
      w.__observer = new MutationObserver(() => {
        const answer = document.querySelectorAll('[data-testid="assistant-message"]')[index];
        const text = answer?.querySelector('[data-testid="answer-text"]')?.textContent ?? "";
        if (w.__t0 !== undefined && w.__t1 === undefined && text.length > 0) w.__t1 = performance.now();
      });
      w.__observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      document.querySelector("#message")?.addEventListener("keydown", () => (w.__t0 ??= performance.now()), { capture: true, once: true });
    }, before);
    await box.press("Enter");
    await page.getByTestId("assistant-message").nth(before).and(page.locator('[data-status="done"]')).waitFor();
    const ms = await page.evaluate(() => {
      const w = window as unknown as { __t0?: number; __t1?: number };
      return (w.__t1 ?? Number.NaN) - (w.__t0 ?? Number.NaN);
    });
    if (i >= warmup) samples.push(ms);
  }
  await browser.close();
  const p50 = percentile(samples, 50);
  return {
    turns,
    p50_ms: round(p50),
    p95_ms: round(percentile(samples, 95)),
    target: "p50 < 100 ms",
    met: p50 < 100,
  };
}
