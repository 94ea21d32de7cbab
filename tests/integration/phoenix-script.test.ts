import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, isListening } from "@/scripts/phoenix/ports";

/**
 * `npm run phoenix` as a user runs it: a real Phoenix on the port the collector
 * endpoint names, stopped by Ctrl-C (SIGINT to the whole process group, as a
 * terminal sends it). The failure cases run the script the same way, with what a
 * fresh machine lacks.
 */

type Run = { pid: number; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid!, output: () => output, exited };
}

/** The script without npm in between, for runs that must control PATH (npm itself needs `sh` on it). */
const runScript = (env: NodeJS.ProcessEnv) =>
  run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/phoenix.ts"], env);

async function healthz(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "phoenix-script-"));
  temps.push(dir);
  return dir;
};
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups) cleanup();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("npm run phoenix", () => {
  it("starts Phoenix where PHOENIX_COLLECTOR_ENDPOINT points, answers /healthz, and stops cleanly on Ctrl-C", async () => {
    const port = await freePort();
    const grpcPort = await freePort();
    const workingDir = tempDir();
    const url = `http://127.0.0.1:${port}`;
    const phoenix = run("npm", ["run", "phoenix"], {
      ...process.env,
      PHOENIX_COLLECTOR_ENDPOINT: url,
      PHOENIX_GRPC_PORT: String(grpcPort),
      PHOENIX_WORKING_DIR: workingDir,
    });
    // If an assertion fails, nothing is left running.
    cleanups.push(() => {
      try {
        process.kill(-phoenix.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    });

    // The first run on a machine builds the venv first (minutes); later runs start in seconds.
    let exitedEarly = false;
    void phoenix.exited.then(() => (exitedEarly = true));
    while (!exitedEarly && !(await healthz(url))) await new Promise((r) => setTimeout(r, 500));
    expect(exitedEarly, phoenix.output()).toBe(false);
    await expect.poll(phoenix.output, { timeout: 10_000 }).toContain(`ready: open ${url}`);
    expect(readdirSync(workingDir)).toContain("phoenix.db");

    process.kill(-phoenix.pid, "SIGINT");
    const exit = await phoenix.exited;
    // The script exits 0; npm then re-raises an interrupt its shell received (as for any
    // npm script), so a terminal sees npm end by SIGINT: both mean "stopped as asked".
    expect([0, "SIGINT"], phoenix.output()).toContain(exit.code ?? exit.signal);
    expect(phoenix.output()).toContain("Phoenix stopped.");
    expect(() => process.kill(-phoenix.pid, 0), "a process of the group is still running").toThrow();
    expect(phoenix.output()).toContain("Application shutdown complete");
    expect(await isListening("127.0.0.1", port)).toBe(false);
    expect(await isListening("127.0.0.1", grpcPort)).toBe(false);
  }, 20 * 60_000);

  it("without a supported Python: stops at once, naming the versions that work and how to get one", async () => {
    const bin = tempDir();
    const oldPython = join(bin, "python3");
    writeFileSync(oldPython, "#!/bin/sh\necho 3.9\n");
    chmodSync(oldPython, 0o755);
    const venv = join(tempDir(), "venv");
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin, PHOENIX_VENV: venv, PHOENIX_COLLECTOR_ENDPOINT: `http://127.0.0.1:${await freePort()}` };
    delete env.PYTHON;

    const script = runScript(env);
    const exit = await script.exited;
    expect(exit.code, script.output()).toBe(1);
    expect(script.output()).toContain("Phoenix needs Python 3.10 to 3.14 with its venv module");
    expect(script.output()).toContain("python3: 3.9, not supported");
    expect(script.output()).toContain("sudo apt-get install -y python3 python3-venv");
    expect(script.output()).toContain("brew install python@3.12");
    expect(script.output()).toContain("PYTHON=/path/to/python3.12");
    expect(existsSync(venv)).toBe(false);
  }, 60_000);

  it("with the port taken by something that is not Phoenix: says so before installing anything", async () => {
    const other: Server = createServer((_, res) => res.writeHead(404).end("not phoenix"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => other.close());
    const port = (other.address() as { port: number }).port;
    const venv = join(tempDir(), "venv");

    const script = runScript({ ...process.env, PHOENIX_VENV: venv, PHOENIX_COLLECTOR_ENDPOINT: `http://localhost:${port}` });
    const exit = await script.exited;
    expect(exit.code, script.output()).toBe(1);
    expect(script.output()).toContain(`Port ${port} is taken by another program, not Phoenix`);
    expect(existsSync(venv)).toBe(false);
  }, 60_000);

  it("with a collector endpoint on another machine: explains that a local Phoenix would not get the traces", async () => {
    const script = runScript({ ...process.env, PHOENIX_COLLECTOR_ENDPOINT: "https://phoenix.example.com" });
    const exit = await script.exited;
    expect(exit.code, script.output()).toBe(1);
    expect(script.output()).toContain("PHOENIX_COLLECTOR_ENDPOINT is https://phoenix.example.com, which is not a plain http address on this machine");
  }, 60_000);
});
