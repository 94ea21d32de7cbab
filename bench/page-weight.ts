import { chromium } from "@playwright/test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { CHROMIUM_ARGS, chromiumExecutable } from "../tests/e2e/support/chromium";
import { round } from "./support/stats";

/**
 * 4. Page weight: compressed bytes of JavaScript the browser downloads on a
 * first (cold-cache) load of the chat page, next to a bare Next.js page built
 * from the same packages and measured the same way, in the same run.
 */
export async function scriptBytes(url: string): Promise<{ bytes: number; files: number }> {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const sizes: Promise<number>[] = [];
  page.on("requestfinished", (request) => {
    if (request.resourceType() === "script") sizes.push(request.sizes().then((s) => s.responseBodySize));
  });
  await page.goto(url, { waitUntil: "networkidle" });
  const all = await Promise.all(sizes);
  await browser.close();
  return { bytes: all.reduce((a, b) => a + b, 0), files: all.length };
}

/**
 * Builds the smallest App Router page there is, with this project's packages. It
 * lives under the project (in the ignored .cache/) because Turbopack resolves
 * packages only inside its workspace root.
 */
export function buildBarePage(): string {
  const dir = resolve(".cache/bench-bare-next");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "app"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bare", private: true, type: "module" }));
  writeFileSync(
    join(dir, "app/layout.tsx"),
    `export default function Layout({ children }: { children: React.ReactNode }) { return <html lang="en"><body>{children}</body></html>; }\n`,
  );
  writeFileSync(join(dir, "app/page.tsx"), `export default function Page() { return <p>Hello</p>; }\n`);
  execFileSync(process.execPath, [resolve("node_modules/next/dist/bin/next"), "build", dir], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  return dir;
}

export function pageWeightResult(chat: { bytes: number; files: number }, bare: { bytes: number; files: number }) {
  const ratio = chat.bytes / bare.bytes;
  return {
    chat_page_js_bytes: chat.bytes,
    chat_page_js_files: chat.files,
    bare_page_js_bytes: bare.bytes,
    bare_page_js_files: bare.files,
    ratio: round(ratio, 3),
    // useChat (and the zod it brings) costs about 57 KB compressed: the budget this round allows for it.
    target: "ratio <= 1.75",
    met: ratio <= 1.75,
  };
}
