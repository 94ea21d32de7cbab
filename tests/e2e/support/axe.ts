import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures";

/**
 * axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 added only
 * AA rules to axe, such as target-size). No rule is disabled: a state that needs an
 * exception says so beside the call, with the reason.
 */
export const WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** One line per violation: rule, impact, what it means, and where (CSS selectors), so a failure reads on its own. */
export async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA_TAGS).analyze();
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((node) => node.target.join(" ")).join(" | ")}`,
  );
}

/**
 * Soft: a test walks through several states of one page, and a failure lists every
 * state that has violations, not just the first.
 */
export async function expectAxeClean(page: Page, state: string): Promise<void> {
  expect.soft(await axeViolations(page), `axe violations in state "${state}"`).toEqual([]);
}
