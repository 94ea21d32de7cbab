/**
 * The first step of `npm test`: what the test run needs that a fresh laptop may lack,
 * checked in seconds, instead of a stack trace minutes in.
 * - Node >= 22.13.
 * - Python 3.10-3.14 with venv, for the real Phoenix the tests run (skipped once the
 *   cached Phoenix venv exists).
 * - redis-server, for the turn-limit tests.
 * - A Chromium that starts: CHROMIUM_PATH, a `chromium-headless-shell` or `chromium` on PATH, or Playwright's own,
 *   which this installs (`npx playwright install chromium`) when it is missing.
 * Every problem found is listed at once, each with the command that fixes it.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, chosenChromium, type ChromiumChoice } from "../tests/e2e/support/chromium";
import { findPython, installedPhoenix, PhoenixInstallError, phoenixVenvDir } from "./phoenix/install";

const INSTALL_COMMAND = "npx playwright install chromium";
const say = (line: string) => console.log(`[preflight] ${line}`);

function checkNode(): string | null {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if (major > 22 || (major === 22 && minor >= 13)) return null;
  return `Node ${process.versions.node} is too old: the app and its tests need Node 22.13 or newer (https://nodejs.org, or \`nvm install\`: .nvmrc names the version).`;
}

function checkPython(): string | null {
  const phoenix = installedPhoenix();
  if (phoenix) {
    say(`phoenix: ${phoenixVenvDir()} is ready`);
    return null;
  }
  try {
    const python = findPython();
    say(`phoenix: not installed yet; the tests build its venv with ${python.command} (${python.version}) on first use, a few minutes`);
    return null;
  } catch (error) {
    if (error instanceof PhoenixInstallError) return `The tests run a real Phoenix. ${error.message}`;
    throw error;
  }
}

/** Why Chromium does not start, or null when it does. */
async function launchProblem(choice: ChromiumChoice): Promise<string | null> {
  try {
    const browser = await chromium.launch({ executablePath: choice.executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
    await browser.close();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function checkChromium(mayInstall: boolean): Promise<string | null> {
  const choice = chosenChromium();
  const problem = await launchProblem(choice);
  if (!problem) {
    say(`chromium: ${choice.executablePath ?? "Playwright's own"} (${choice.source})`);
    return null;
  }
  if (choice.source !== "playwright") {
    const where = choice.source === "CHROMIUM_PATH" ? `CHROMIUM_PATH=${choice.executablePath}` : `${choice.executablePath} (on PATH)`;
    return `Chromium at ${where} does not start: ${firstLine(problem)}\nFix it, point CHROMIUM_PATH at another Chromium, or unset it and remove it from PATH to use Playwright's own (\`${INSTALL_COMMAND}\`).`;
  }
  if (!/Executable doesn't exist/i.test(problem)) return chromiumFails(problem);
  const missing = `No Chromium found: CHROMIUM_PATH is unset, no \`chromium-headless-shell\` or \`chromium\` is on PATH, and Playwright's own browser is not installed.`;
  if (!mayInstall) return `${missing} Run \`${INSTALL_COMMAND}\` (or set CHROMIUM_PATH).`;

  say(`${missing} Installing Playwright's Chromium (${INSTALL_COMMAND}, once per machine, about 150 MB)`);
  const cli = createRequire(import.meta.url).resolve("@playwright/test/cli");
  const install = spawnSync(process.execPath, [cli, "install", "chromium"], { stdio: "inherit" });
  if (install.status !== 0) {
    return `Installing Playwright's Chromium failed (its output is above). Run \`${INSTALL_COMMAND}\` yourself once the network allows, or set CHROMIUM_PATH to a Chromium you have.`;
  }
  const after = await launchProblem(choice);
  return after ? chromiumFails(after) : (say("chromium: Playwright's own, just installed"), null);
}

function chromiumFails(problem: string): string {
  const deps = /missing dependencies|error while loading shared libraries/i.test(problem);
  return deps
    ? `Playwright's Chromium is installed but this system lacks libraries it needs. Run \`sudo npx playwright install-deps chromium\`, or set CHROMIUM_PATH to your distribution's chromium.`
    : `Playwright's Chromium does not start: ${firstLine(problem)}`;
}

/** The limit tests start a real redis-server of their own (tests/support/redis-server.ts). */
function checkRedis(): string | null {
  const binary = process.env.REDIS_SERVER ?? "redis-server";
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (probe.status === 0) {
    say(`redis: ${firstLine(probe.stdout)}`);
    return null;
  }
  return `No redis-server (${binary}): the turn-limit tests run a real Redis. Install it (Debian/Ubuntu: \`apt-get install -y redis-server\`; macOS: \`brew install redis\`) or point REDIS_SERVER at one.`;
}

const firstLine = (text: string) => text.split("\n").find((line) => line.trim())?.trim() ?? text;

const problems = [checkNode(), checkPython(), checkRedis()].filter((p): p is string => p !== null);
// Not a 150 MB download for a run that stops anyway: then it only says what to run.
const chromiumProblem = await checkChromium(problems.length === 0);
if (chromiumProblem) problems.push(chromiumProblem);

if (problems.length > 0) {
  console.error(`\n[preflight] \`npm test\` cannot run on this machine yet:\n\n${problems.map((p) => `- ${p.replaceAll("\n", "\n  ")}`).join("\n\n")}\n`);
  process.exit(1);
}
