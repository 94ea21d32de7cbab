import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const exits = new WeakMap<ChildProcess, Promise<number | null>>();

/** Starts a command in its own process group, with its output in a log file. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  // Two streams into one file: neither may end it while the other still writes.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  // `close` comes once both streams are drained (`exit` can come before): then the log is complete.
  exits.set(child, new Promise((resolve) => child.once("close", (code) => log.end(() => resolve(code)))));
  return child;
}

/**
 * Waits for a process from `startProcess` to exit, and for all it printed to be in its
 * log file (read right after `exit`, the file can still lack its last lines). Its exit code.
 */
export function exitCode(child: ChildProcess): Promise<number | null> {
  return exits.get(child) ?? Promise.reject(new Error("exitCode: not a process from startProcess"));
}

/** Stops a process group and waits for it to go: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcessGroup(pid: number, graceMs = 10_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) signalGroup(pid, "SIGKILL");
  while (alive()) await sleep(50);
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Polls `url` until it answers 2xx, or fails with the log's tail to say why. */
export async function waitForHttp(url: string, timeoutMs: number, what: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not up yet.
    }
    await sleep(250);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000}s`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
