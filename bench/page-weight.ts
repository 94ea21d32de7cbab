import { chromium, type Request } from "@playwright/test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { CHROMIUM_ARGS, chromiumExecutable } from "../tests/e2e/support/chromium";
import { scriptContents } from "../tests/e2e/support/script-contents";
import { round } from "./support/stats";

/**
 * 4. Page weight: compressed bytes of JavaScript the browser downloads on a
 * first (cold-cache) load of the chat page, next to a bare Next.js page built
 * from the same packages and measured the same way, in the same run. Each file
 * is listed with what it holds (tests/e2e/support/script-contents.ts), and, for
 * the chat page, what the first answer loads on top (Markdown comes only then).
 */
export type ScriptFile = { file: string; bytes: number; contents: string[] };
export type ScriptWeight = { bytes: number; files: number; breakdown: ScriptFile[]; first_answer?: ScriptFile[] };

export async function scriptBytes(url: string, { firstAnswer = false } = {}): Promise<ScriptWeight> {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  let files: Promise<ScriptFile>[] = [];
  // Counted from the request on: a file asked for before a check below is counted, even if it is still arriving.
  page.on("request", (request) => {
    if (request.resourceType() === "script") files.push(weigh(request));
  });
  await page.goto(url, { waitUntil: "networkidle" });
  const breakdown = await settle(files);
  files = [];
  let first_answer: ScriptFile[] | undefined;
  if (firstAnswer) {
    // The demo model's answer has a list and bold words: shown as Markdown, its renderer has loaded.
    await page.getByRole("textbox", { name: "Message" }).fill("How do sessions work?");
    await page.keyboard.press("Enter");
    const answer = page.locator('[data-testid="assistant-message"][data-status="done"]');
    await answer.locator("strong").first().waitFor({ timeout: 60_000 });
    first_answer = await settle(files);
  }
  await browser.close();
  return { bytes: breakdown.reduce((sum, file) => sum + file.bytes, 0), files: breakdown.length, breakdown, first_answer };
}

/** The bytes on the wire (compressed), and the decoded text to tell what the file holds. */
async function weigh(request: Request): Promise<ScriptFile> {
  const body = (await (await request.response())?.text()) ?? "";
  const { responseBodySize } = await request.sizes();
  return { file: new URL(request.url()).pathname.split("/").pop()!, bytes: responseBodySize, contents: scriptContents(body) };
}

/** Largest first, so the table reads from what matters. */
async function settle(files: Promise<ScriptFile>[]): Promise<ScriptFile[]> {
  return (await Promise.all(files)).sort((a, b) => b.bytes - a.bytes);
}

/** `2kbhj06mr4z66.js 70.4 KB (our components, ai SDK, zod)`, one file after another. */
export function describeFiles(files: ScriptFile[] | undefined): string {
  // undefined: a results file from before the breakdown (`--only` reprints the other rows' last results).
  return (files ?? []).map((f) => `${f.file} ${(f.bytes / 1000).toFixed(1)} KB${f.contents.length ? ` (${f.contents.join(", ")})` : ""}`).join("; ");
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

export function pageWeightResult(chat: ScriptWeight, bare: ScriptWeight) {
  const ratio = chat.bytes / bare.bytes;
  return {
    chat_page_js_bytes: chat.bytes,
    chat_page_js_files: chat.files,
    bare_page_js_bytes: bare.bytes,
    bare_page_js_files: bare.files,
    ratio: round(ratio, 3),
    chat_page_files: chat.breakdown,
    bare_page_files: bare.breakdown,
    /** Loaded when the first answer renders (the Markdown renderer), not counted in the ratio. */
    first_answer_files: chat.first_answer ?? [],
    // useChat (and the zod it brings) costs about 57 KB compressed: the budget this round allows for it.
    target: "ratio <= 1.75",
    met: ratio <= 1.75,
  };
}
