// @ts-check
/**
 * CI: runs the README's quick start as written, in this clone. The first command
 * (`npm install && npm run dev`) runs in the background until the app answers at
 * http://localhost:3000 and http://127.0.0.1:3000 with the page and its scripts,
 * then it is stopped like Ctrl-C (its whole process group) and port 3000 must be
 * free again. The second command must be `npm test`, which .ci/run runs next.
 *
 * Plain JavaScript: it runs before `npm install`, so neither tsx nor the packages exist yet.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";

const PORT = 3000;
const READY_WITHIN_MS = 15 * 60_000; // npm install on a cold cache, then the first compile
const say = (/** @type {string} */ line) => console.log(`[quick start] ${line}`);

/** The commands of the README's quick-start block, comments dropped. */
function quickStartCommands() {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? "";
  const block = section.match(/```bash\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error("README.md has no ```bash block under '## Quick start'");
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

/** @param {number} port */
function listening(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (/** @type {boolean} */ up) => (socket.destroy(), resolve(up));
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * The page at `origin`, and one of its scripts fetched as the browser would from that
 * origin: `next dev` refuses its scripts to origins it does not allow, so a page can
 * answer and still never hydrate.
 * @param {string} origin
 */
async function pageProblem(origin) {
  try {
    const page = await fetch(`${origin}/`, { signal: AbortSignal.timeout(60_000) });
    const html = await page.text();
    if (!page.ok) return `${origin}/ answered HTTP ${page.status}`;
    if (!html.includes("<title>Phoenix Session Chat</title>")) return `${origin}/ is not the chat page`;
    const script = html.match(/<script[^>]+src="(\/_next\/[^"]+)"/)?.[1];
    if (!script) return `${origin}/ has no Next.js script`;
    const asset = await fetch(`${origin}${script}`, { headers: { origin, "sec-fetch-mode": "cors", "sec-fetch-site": "same-origin" } });
    return asset.ok ? null : `${origin}${script} answered HTTP ${asset.status}: the page would not hydrate there`;
  } catch (error) {
    return `${origin}/ did not answer (${/** @type {Error} */ (error).message})`;
  }
}

/** @param {number} pid @param {NodeJS.Signals | 0} signal */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const [first, second] = quickStartCommands();
  if (!first?.includes("npm run dev") || second !== "npm test") {
    throw new Error(`the README's quick start is not "... npm run dev" then "npm test": ${JSON.stringify([first, second])}`);
  }
  if (await listening(PORT)) {
    throw new Error(`port ${PORT} is already in use, so \`${first}\` cannot be checked here. Stop what listens on it (e.g. another \`npm run dev\`), then run again.`);
  }

  say(`running \`${first}\``);
  const env = { ...process.env };
  delete env.PORT;
  delete env.NODE_ENV;
  const child = spawn("sh", ["-c", first], { env, detached: true, stdio: ["ignore", "inherit", "inherit"] });
  const pid = /** @type {number} */ (child.pid);
  // Whatever ends this check, nothing it started keeps running.
  process.on("exit", () => signalGroup(pid, "SIGKILL"));
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => process.exit(130));
  /** @type {number | null} */
  let exitCode = null;
  child.on("exit", (code, signal) => (exitCode = code ?? (signal ? 128 : 1)));

  try {
    const deadline = Date.now() + READY_WITHIN_MS;
    while (!(await listening(PORT))) {
      if (exitCode !== null) throw new Error(`\`${first}\` exited (code ${exitCode}) before the app answered on port ${PORT}`);
      if (Date.now() > deadline) throw new Error(`the app did not answer on port ${PORT} within ${READY_WITHIN_MS / 60_000} minutes`);
      await sleep(1_000);
    }
    for (const origin of [`http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`]) {
      const problem = await pageProblem(origin);
      if (problem) throw new Error(problem);
      say(`${origin} answers with the page and its scripts`);
    }
  } finally {
    // Like Ctrl-C in the terminal: the whole group, then a kill if it lingers.
    signalGroup(pid, "SIGINT");
    for (let waited = 0; waited < 15_000 && signalGroup(pid, 0); waited += 250) await sleep(250);
    signalGroup(pid, "SIGKILL");
  }
  for (let waited = 0; (await listening(PORT)) && waited < 10_000; waited += 250) await sleep(250);
  if (await listening(PORT)) throw new Error(`port ${PORT} is still in use after stopping \`${first}\``);
  say(`stopped; next: \`${second}\``);
}

main().catch((error) => {
  console.error(`\n[quick start] FAILED: ${error.message}\n`);
  process.exit(1);
});
