import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { chromium } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPython } from "@/scripts/phoenix/install";
import { freePort } from "@/scripts/phoenix/ports";
import { chromiumExecutable } from "../e2e/support/chromium";

/**
 * `npm test`'s first step on a laptop with no Chromium anywhere: it installs
 * Playwright's, for real (`playwright install chromium`), from a local stand-in for
 * Playwright's download host; it says what to run when that fails; and with Python
 * missing too, it lists both problems without downloading anything. The stand-in's
 * "browsers" start this machine's Chromium, so the launch check after the install is real.
 */

/** A zip of one executable file, stored: the shape of Playwright's browser archives. */
function zipOf(path: string, content: string): Buffer {
  const name = Buffer.from(path);
  const data = Buffer.from(content);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(((0o100755 << 16) >>> 0), 38);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

// Which file each archive must hold (Playwright's registry), all starting the Chromium this machine has.
const ARCHIVES: Record<string, string> = {
  "chrome-linux64.zip": "chrome-linux64/chrome",
  "chrome-headless-shell-linux64.zip": "chrome-headless-shell-linux64/chrome-headless-shell",
  "ffmpeg-linux.zip": "ffmpeg-linux",
};

let host: Server;
let hostUrl: string;
const requests: string[] = [];
const temps: string[] = [];
let python: string;
let redisServer: string;

beforeAll(async () => {
  const realChromium = chromiumExecutable() ?? chromium.executablePath();
  const launcher = `#!/bin/sh\nexec "${realChromium}" "$@"\n`;
  host = createServer((req, res) => {
    requests.push(req.url ?? "");
    const inner = ARCHIVES[(req.url ?? "").split("/").pop() ?? ""];
    if (!inner) return res.writeHead(404).end();
    const body = zipOf(inner, launcher);
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as { port: number }).port}`;
  // An absolute path: these runs have no PATH to find it on.
  const found = findPython();
  python = spawnSync(found.command, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
  redisServer = process.env.REDIS_SERVER ?? spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
});

afterAll(async () => {
  await new Promise((resolve) => host.close(resolve));
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  temps.push(dir);
  return dir;
}

/** The preflight with no Chromium to find: no CHROMIUM_PATH, an empty PATH, an empty Playwright browser folder. */
async function preflight(env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: tempDir(),
    PYTHON: python,
    // An absolute path too: the machine's redis-server, which the preflight also checks.
    REDIS_SERVER: redisServer,
    PLAYWRIGHT_BROWSERS_PATH: tempDir(),
    ...env,
  };
  delete base.CHROMIUM_PATH;
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/test-preflight.ts"], { env: base });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, output, browsers: base.PLAYWRIGHT_BROWSERS_PATH! };
}

describe("npm test's preflight on a machine without Chromium", () => {
  // The stand-in serves Linux x64 archives (Playwright asks for other files elsewhere).
  it.runIf(process.platform === "linux" && process.arch === "x64")("installs Playwright's Chromium itself, checks that it starts, and lets the run go on", async () => {
    const run = await preflight({ PLAYWRIGHT_DOWNLOAD_HOST: hostUrl });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("No Chromium found");
    expect(run.output).toContain("Installing Playwright's Chromium (npx playwright install chromium");
    expect(run.output).toContain("chromium: Playwright's own, just installed");
    expect(requests.some((url) => url.endsWith("/chrome-headless-shell-linux64.zip"))).toBe(true);
    const installed = readdirSync(run.browsers).filter((dir) => existsSync(join(run.browsers, dir, "INSTALLATION_COMPLETE")));
    expect(installed.some((dir) => dir.startsWith("chromium"))).toBe(true);
  }, 120_000);

  it("when the download fails: stops with the exact command to run", async () => {
    const run = await preflight({ PLAYWRIGHT_DOWNLOAD_HOST: `http://127.0.0.1:${await freePort()}` });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("`npm test` cannot run on this machine yet");
    expect(run.output).toContain("Run `npx playwright install chromium` yourself");
  }, 120_000);

  it("with Python too old as well: lists both problems at once and downloads nothing", async () => {
    const bin = tempDir();
    writeFileSync(join(bin, "python3"), "#!/bin/sh\necho 3.8\n");
    chmodSync(join(bin, "python3"), 0o755);
    requests.length = 0;
    const run = await preflight({ PATH: bin, PYTHON: "", PHOENIX_VENV: join(tempDir(), "venv"), PLAYWRIGHT_DOWNLOAD_HOST: hostUrl });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("The tests run a real Phoenix. Phoenix needs Python 3.10 to 3.14");
    expect(run.output).toContain("python3: 3.8, not supported");
    expect(run.output).toContain("Run `npx playwright install chromium` (or set CHROMIUM_PATH)");
    expect(requests).toEqual([]);
  }, 60_000);

  it("without redis-server: says what to install, and downloads nothing", async () => {
    requests.length = 0;
    const run = await preflight({ REDIS_SERVER: join(tempDir(), "redis-server"), PLAYWRIGHT_DOWNLOAD_HOST: hostUrl });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("No redis-server");
    expect(run.output).toContain("apt-get install -y redis-server");
    expect(requests).toEqual([]);
  }, 60_000);
});
