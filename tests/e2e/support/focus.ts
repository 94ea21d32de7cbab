import type { Page } from "@playwright/test";

/**
 * The focused element as assistive technology names it: its role and accessible
 * name from Playwright's ARIA snapshot (`button "New conversation"`), or null when
 * focus is on <body> or has left the page.
 */
export async function focusedName(page: Page): Promise<string | null> {
  const marked = await page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    element.setAttribute("data-test-focused", "");
    return true;
  });
  if (!marked) return null;
  const marker = page.locator("[data-test-focused]");
  try {
    // The first line is the element itself: `- button "Good answer" [pressed]: text` -> `button "Good answer"`.
    const [first] = (await marker.ariaSnapshot({ timeout: 5_000 })).split("\n");
    const match = first!.match(/^- (\w+)(?: "(.*)")?/);
    return match ? `${match[1]} "${match[2] ?? ""}"` : first!;
  } finally {
    await marker.evaluate((element) => element.removeAttribute("data-test-focused"));
  }
}

export type FocusLook = {
  /** A focus indicator is drawn: an outline of at least 2 CSS px. */
  indicated: boolean;
  /** The element's box is at least partly inside the viewport. */
  inViewport: boolean;
  /** What is drawn at the element's centre is the element (nothing of ours covers it: WCAG 2.4.11). */
  unobscured: boolean;
};

/** How the focused element looks to someone who sees the screen. */
export async function focusLook(page: Page): Promise<FocusLook | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
    const inViewport = box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
    const hit = inViewport ? document.elementFromPoint(Math.min(Math.max(x, 0), innerWidth - 1), Math.min(Math.max(y, 0), innerHeight - 1)) : null;
    return {
      indicated: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
      inViewport,
      unobscured: hit !== null && (hit === element || element.contains(hit)),
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element is `name`, the way a keyboard
 * user gets there; fails if it is not reached within `limit` presses.
 */
export async function tabTo(page: Page, name: string | RegExp, options: { backwards?: boolean; limit?: number } = {}): Promise<void> {
  const matches = (focused: string | null) => focused !== null && (typeof name === "string" ? focused === name : name.test(focused));
  const passed: (string | null)[] = [];
  for (let i = 0; i < (options.limit ?? 40); i++) {
    if (matches(await focusedName(page))) return;
    await page.keyboard.press(options.backwards ? "Shift+Tab" : "Tab");
    passed.push(await focusedName(page));
  }
  throw new Error(`Tab never reached ${name}; it passed: ${passed.join(", ")}`);
}
