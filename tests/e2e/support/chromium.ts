import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Which Chromium Playwright drives: `CHROMIUM_PATH` when set, else one on PATH, else
 * Playwright's own browser (undefined here), which `npm test`'s preflight installs when it
 * is missing. On PATH the headless shell comes first (Debian's `chromium-headless-shell`,
 * which CI installs): it is what Playwright itself runs for headless tests, and without the
 * whole browser around each page the e2e suite, CPU-bound on 2 cores, takes 5.8 min, not 6.6.
 */
export function chromiumExecutable(env: Record<string, string | undefined> = process.env): string | undefined {
  return chosenChromium(env).executablePath;
}

export type ChromiumChoice =
  | { source: "CHROMIUM_PATH" | "PATH"; executablePath: string }
  | { source: "playwright"; executablePath: undefined };

export function chosenChromium(env: Record<string, string | undefined> = process.env): ChromiumChoice {
  if (env.CHROMIUM_PATH) return { source: "CHROMIUM_PATH", executablePath: env.CHROMIUM_PATH };
  const onPath = findOnPath(["chromium-headless-shell", "chromium", "chromium-browser"], env.PATH ?? "");
  return onPath ? { source: "PATH", executablePath: onPath } : { source: "playwright", executablePath: undefined };
}

/** Like `command -v`, without a shell. */
function findOnPath(names: string[], path: string): string | undefined {
  for (const name of names) {
    for (const dir of path.split(delimiter)) {
      if (!dir) continue;
      const candidate = join(dir, name);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here.
      }
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
