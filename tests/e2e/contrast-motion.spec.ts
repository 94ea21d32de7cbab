import type { Page } from "@playwright/test";
import { openChat } from "./support/chat-states";
import { expect, messageBox, sendAndWait, test } from "./support/fixtures";

/**
 * What axe's colour-contrast rule does not check: the edges of text fields and the
 * focus ring against what surrounds them (WCAG 1.4.11, 3:1), in both colour schemes;
 * and what `prefers-reduced-motion: reduce` users get (no blinking, no sliding).
 */

type Edge = { what: string; ratio: number };

/** Contrast of each element's border (or, for `outline`, its focus ring) against the background it sits on. */
async function edgeContrast(page: Page, targets: { what: string; selector: string; edge: "border" | "outline" }[]): Promise<Edge[]> {
  return page.evaluate((targets) => {
    const rgb = (color: string) => color.match(/[\d.]+/g)!.slice(0, 4).map(Number);
    const luminance = ([r, g, b]: number[]) =>
      [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
    const backgroundBehind = (element: Element | null): number[] => {
      for (let node = element; node; node = node.parentElement) {
        const color = rgb(getComputedStyle(node).backgroundColor);
        if (color[3] === undefined || color[3] > 0) return color;
      }
      return [255, 255, 255];
    };
    return targets.map(({ what, selector, edge }) => {
      const element = document.querySelector(selector);
      if (!element) return { what: `${what}: not found`, ratio: 0 };
      const style = getComputedStyle(element);
      const line = luminance(rgb(edge === "border" ? style.borderTopColor : style.outlineColor));
      const behind = luminance(backgroundBehind(element.parentElement));
      const [light, dark] = line > behind ? [line, behind] : [behind, line];
      return { what, ratio: Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100 };
    });
  }, targets);
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`${colorScheme} scheme: text fields' edges and the focus ring stand out 3:1 from what surrounds them`, async ({ browser, baseURL }) => {
    const page = await openChat(browser, baseURL, { colorScheme });
    const answer = await sendAndWait(page, "Hello!");
    await answer.getByRole("button", { name: "Bad answer" }).click();
    await expect(answer.getByRole("textbox", { name: "What was wrong? (optional)" })).toBeFocused();
    const edges = await edgeContrast(page, [
      { what: "message box", selector: "#message", edge: "border" },
      { what: "tier select", selector: "#tier", edge: "border" },
      { what: "comment box", selector: ".feedback-comment textarea", edge: "border" },
      { what: "focus ring on the comment box", selector: ".feedback-comment textarea", edge: "outline" },
    ]);
    for (const { what, ratio } of edges) expect(ratio, what).toBeGreaterThanOrEqual(3);
    await messageBox(page).focus();
    const [ring] = await edgeContrast(page, [{ what: "focus ring on the message box", selector: "#message", edge: "outline" }]);
    expect(ring!.ratio, ring!.what).toBeGreaterThanOrEqual(3);
    await page.context().close();
  });
}

/** Holds the next chat turn's request until `release` is called: the answer waits, "Thinking" shows. */
async function holdNextTurn(page: Page): Promise<{ release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"] && request.postData()?.includes('"messages"')) await released;
    await route.continue();
  });
  return { release };
}

/** The CSS animations and transitions running on the page now. */
const running = (page: Page) => page.evaluate(() => document.getAnimations().map((a) => (a as CSSAnimation).animationName ?? "transition"));

for (const reducedMotion of ["no-preference", "reduce"] as const) {
  test(`prefers-reduced-motion: ${reducedMotion}: the thinking dots ${reducedMotion === "reduce" ? "stand still, the drawer does not slide" : "blink"}`, async ({ browser, baseURL }) => {
    const page = await openChat(browser, baseURL, { reducedMotion, viewport: { width: 390, height: 844 } });
    const turn = await holdNextTurn(page);
    await messageBox(page).fill("Hello!");
    await messageBox(page).press("Enter");
    await expect(page.locator(".thinking")).toBeVisible();
    if (reducedMotion === "reduce") expect(await running(page)).toEqual([]);
    else expect(await running(page)).toContain("blink");
    turn.release();
    await expect(page.getByTestId("assistant-message").first()).toHaveAttribute("data-status", "done");

    const drawer = page.getByTestId("conversation-list");
    const slide = await drawer.evaluate((el) => getComputedStyle(el).transitionDuration);
    if (reducedMotion === "reduce") {
      expect(slide.split(", ").every((d) => d === "0s")).toBe(true);
      await page.getByTestId("conversations-toggle").click();
      expect(await running(page)).toEqual([]);
      await expect(drawer).toBeInViewport({ ratio: 1 });
    } else {
      expect(slide).toContain("0.2s");
    }
    await page.context().close();
  });
}
