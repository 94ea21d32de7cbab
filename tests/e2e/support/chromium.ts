import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Which Chromium Playwright drives: `CHROMIUM_PATH` when set (CI uses Debian's
 * `chromium` package), else a `chromium` on PATH, else Playwright's own browser
 * (undefined here), which `npm test`'s preflight installs when it is missing.
 */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return chosenChromium(env).executablePath;
}

export type ChromiumChoice =
  | { source: "CHROMIUM_PATH" | "PATH"; executablePath: string }
  | { source: "playwright"; executablePath: undefined };

export function chosenChromium(env: NodeJS.ProcessEnv = process.env): ChromiumChoice {
  if (env.CHROMIUM_PATH) return { source: "CHROMIUM_PATH", executablePath: env.CHROMIUM_PATH };
  const onPath = findOnPath(["chromium", "chromium-browser"], env.PATH ?? "");
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
