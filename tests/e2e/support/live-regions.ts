import type { Page } from "@playwright/test";

/**
 * What a screen reader would be given to read: every change of text in a live
 * region (aria-live, role status, alert or log), recorded in the page by a
 * MutationObserver from the first paint on. Text already on the page when it loads
 * is not an announcement; a region inserted later with text in it counts as one
 * (some screen readers read it), so a test that counts announcements errs on the
 * side of "too many".
 */

export type Announcement = { role: string; text: string };

declare global {
  interface Window {
    __announcements?: Announcement[];
  }
}

const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';

/** Call before `page.goto`: records on every page load of this page (each load starts an empty record). */
export async function recordAnnouncements(page: Page): Promise<void> {
  await page.addInitScript((selector) => {
    const record: Announcement[] = [];
    window.__announcements = record;
    const seen = new WeakMap<Element, string>();
    let loaded = false;
    const scan = () => {
      for (const region of document.querySelectorAll<HTMLElement>(selector)) {
        // innerText: the words as laid out (paragraphs apart), which is what is read; visually hidden text included.
        const text = region.innerText.replace(/\s+/g, " ").trim();
        const before = seen.get(region);
        if (before === text) continue;
        seen.set(region, text);
        if (text === "" || (before === undefined && !loaded)) continue;
        const role = region.getAttribute("role") ?? `aria-live=${region.getAttribute("aria-live")}`;
        record.push({ role, text });
      }
    };
    document.addEventListener("DOMContentLoaded", () => {
      scan();
      loaded = true;
      new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }, LIVE);
}

export async function announcements(page: Page): Promise<Announcement[]> {
  return page.evaluate(() => [...(window.__announcements ?? [])]);
}

/** Forgets what was announced so far (the next assertions are about what comes after). */
export async function clearAnnouncements(page: Page): Promise<void> {
  await page.evaluate(() => window.__announcements?.splice(0));
}

/** The words of an element as read: whitespace collapsed. */
export const asRead = (text: string) => text.replace(/\s+/g, " ").trim();
