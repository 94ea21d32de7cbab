import { execFileSync } from "node:child_process";

/**
 * Which Chromium Playwright drives: `CHROMIUM_PATH` when set (CI uses Debian's
 * `chromium` package), else a `chromium` on PATH, else Playwright's own browser
 * (`npx playwright install chromium` on a normal developer machine).
 */
export function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const path = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // Not on PATH.
    }
  }
  return undefined;
}

/** Quiet on a closed network: no background downloads, updates or sync. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
