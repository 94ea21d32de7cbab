import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeScratchCopy } from "./support/scratch-copy";
import { listFunctions, shippedFiles, type VercelFunction } from "./support/vercel-output";

/**
 * Vercel's own build (`vercel build`, the CLI pinned in devDependencies), run the way
 * Vercel runs it, but offline: a linked project is faked with `.vercel/project.json`
 * in a scratch copy of the repository, so no account, no network, and nothing is
 * written into the working tree. One build (about 30-60 s on 2 cores), then checks
 * on `.vercel/output`.
 */

const repoRoot = process.cwd();
const vercelBin = join(repoRoot, "node_modules", "vercel", "dist", "vc.js");

// Random values no build could produce by chance: if one shows up in the output, the env leaked.
const secrets = {
  SESSION_SECRET: `session-secret-${randomBytes(24).toString("hex")}`,
  OPENAI_API_KEY: `sk-test-${randomBytes(24).toString("hex")}`,
  PHOENIX_API_KEY: `phoenix-key-${randomBytes(24).toString("hex")}`,
  REDIS_URL: `redis://default:redis-password-${randomBytes(24).toString("hex")}@127.0.0.1:6379`,
};

let scratch: string;
let build: { code: number | null; log: string; seconds: number };
let functions: VercelFunction[] | undefined;
const repoHadVercelDir = existsSync(join(repoRoot, ".vercel"));

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "phoenix-chat-vercel-build-"));
  makeScratchCopy(repoRoot, scratch);
  // What `vercel link` would write. `installCommand: ""` makes Vercel skip its
  // `npm install` (which would need the registry); the packages are already here.
  mkdirSync(join(scratch, ".vercel"));
  writeFileSync(
    join(scratch, ".vercel", "project.json"),
    JSON.stringify({ projectId: "prj_local", orgId: "team_local", settings: { framework: "nextjs", installCommand: "" } }),
  );
  build = await runVercelBuild(scratch);
  console.info(`[vercel-build] vercel build took ${build.seconds.toFixed(0)} s (scratch copy: ${scratch})`);
  if (build.code === 0) functions = listFunctions(join(scratch, ".vercel", "output"));
}, 600_000);

afterAll(() => {
  if (!scratch) return;
  if (process.env.VERCEL_BUILD_KEEP_TEMP) console.info(`[vercel-build] kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
});

function runVercelBuild(cwd: string): Promise<{ code: number | null; log: string; seconds: number }> {
  // vitest's NODE_ENV=test would reach `next build`; Vercel's build starts without one.
  const { NODE_ENV: _vitestNodeEnv, ...inherited } = process.env;
  const env: Record<string, string | undefined> = {
    ...inherited,
    ...secrets,
    // Everything the CLI and Next.js would otherwise phone home for.
    VERCEL_TELEMETRY_DISABLED: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    NO_UPDATE_NOTIFIER: "1",
    npm_config_update_notifier: "false",
    // Should anything still try to install packages, it fails here instead of reaching a registry.
    npm_config_registry: "http://127.0.0.1:9/",
    npm_config_offline: "true",
  };
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vercelBin, "build", "--yes"], { cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, log, seconds: (performance.now() - started) / 1000 }));
  });
}

/** The functions of a successful build; the first test shows why when there are none. */
function builtFunctions(): VercelFunction[] {
  if (!functions) throw new Error("vercel build failed: see the test 'succeeds' for its log");
  return functions;
}

const pageFunctions = () => builtFunctions().filter((fn) => fn.name === "index" || fn.name === "index.rsc");

describe("vercel build (offline, in a scratch copy)", () => {
  it("succeeds", () => {
    expect(build.code, `vercel build failed:\n${build.log.slice(-4_000)}`).toBe(0);
    expect(build.log).toContain("Build Completed in .vercel/output");
    expect(readJson(join(scratch, ".vercel", "output", "config.json"))).toMatchObject({ version: 3 });
  });

  it("picks a supported Node.js from package.json `engines` without a warning about it", () => {
    // build-utils warns when `engines` would float to the next major ("will automatically
    // upgrade"), names only one exact version, or overrides the project's Node setting.
    expect(build.log).not.toMatch(/will automatically upgrade/);
    expect(build.log).not.toMatch(/Warning: (Detected|Due to) "engines"/);
    expect(build.log).not.toMatch(/Node\.js version .* is deprecated/i);
  });

  it("serves the page and its Server Actions from a Node.js function that streams", () => {
    const page = pageFunctions();
    // `index` answers GET / and the Server Action POSTs; `index.rsc` the client-side navigations.
    expect(page.map((fn) => fn.name).sort()).toEqual(["index", "index.rsc"]);
    for (const fn of page) {
      // engines "^22.13.0 || ^24.0.0": Vercel takes its newest major in that range.
      expect(fn.config.runtime, fn.name).toBe("nodejs24.x");
      expect(fn.config.launcherType, fn.name).toBe("Nodejs");
      // Without it a streamed answer would arrive all at once, when the turn is over.
      expect(fn.config.supportsResponseStreaming, fn.name).toBe(true);
      expect(Object.keys(fn.config.filePathMap ?? {}), fn.name).toEqual(
        expect.arrayContaining([".next/server/app/page.js", ".next/server/server-reference-manifest.json"]),
      );
    }
    // The chat turn's Server Action is compiled into the page the function serves.
    const manifest = readJson(join(scratch, ".next", "server", "server-reference-manifest.json")) as {
      node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
    };
    const chatActions = Object.values(manifest.node).filter((action) => action.filename === "app/actions/chat-turn.ts");
    expect(chatActions.length).toBeGreaterThan(0);
    for (const action of chatActions) expect(Object.keys(action.workers), action.exportedName).toContain("app/page");
  });

  it("runs no function on the Edge runtime, where tracing is never registered", () => {
    expect(builtFunctions().length).toBeGreaterThan(0);
    for (const fn of builtFunctions()) expect(fn.config.runtime, fn.name).toMatch(/^nodejs\d+\.x$/);
  });

  it("ships the instrumentation hook, and the tracing it registers, with the page's function", () => {
    // Turbopack's instrumentation.js is a stub that loads chunks: each must ship too.
    const stub = readFileSync(join(scratch, ".next", "server", "instrumentation.js"), "utf8");
    const chunks = [...stub.matchAll(/R\.c\("([^"]+)"\)/g)].map((match) => `.next/${match[1]}`);
    expect(chunks.length).toBeGreaterThan(0);
    for (const fn of pageFunctions()) {
      const shipped = fn.config.filePathMap ?? {};
      expect(shipped[".next/server/instrumentation.js"], fn.name).toBe(".next/server/instrumentation.js");
      for (const chunk of chunks) expect(Object.keys(shipped), `${fn.name} ships ${chunk}`).toContain(chunk);
      // The tracing registration the hook imports: it sets the Phoenix project as a resource attribute.
      const tracingShipped = Object.values(shipped).some(
        (file) => file.endsWith(".js") && readFileSync(join(scratch, file), "utf8").includes("openinference.project.name"),
      );
      expect(tracingShipped, `${fn.name} ships the tracing registration`).toBe(true);
    }
  });

  it("bakes no secret from the build environment into any file it ships", () => {
    const { files, missing } = shippedFiles(scratch, join(scratch, ".vercel", "output"), builtFunctions());
    expect(missing, "files referenced by a function but absent").toEqual([]);
    // The scan covers the bundles that matter: server chunks, the hook, client chunks.
    expect(files.some((file) => file.endsWith(".next/server/instrumentation.js"))).toBe(true);
    expect(files.some((file) => file.includes("/.vercel/output/static/_next/static/chunks/"))).toBe(true);
    expect(files.length).toBeGreaterThan(100);

    const leaks: string[] = [];
    for (const file of files) {
      const content = readFileSync(file);
      for (const [name, value] of Object.entries(secrets)) {
        const needle = name === "REDIS_URL" ? new URL(value).password : value;
        if (content.includes(needle)) leaks.push(`${name} in ${file.slice(scratch.length + 1)}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("writes nothing into the working tree", () => {
    expect(existsSync(join(repoRoot, ".vercel"))).toBe(repoHadVercelDir);
  });
});

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}
