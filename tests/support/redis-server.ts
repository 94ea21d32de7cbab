import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sleep, startProcess, stopProcessGroup } from "../e2e/support/processes";

/**
 * A real `redis-server` (Debian's package) on a free loopback port, with no
 * persistence, for one test file. `kill()` ends it the way a crash does (SIGKILL)
 * and `restart()` brings it back on the same port, empty, as a restarted Redis
 * without persistence would be. `pause()` / `resume()` make it hang and wake up.
 */
export type RedisServer = {
  url: string;
  port: number;
  /** SIGKILL: connections drop at once, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers, like a Redis too slow to matter. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Starts it again on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Stops it (if running) and removes its log directory. */
  stop(): Promise<void>;
};

export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerBinary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "redis-test-"));
  let child: ChildProcess | undefined;

  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    child = startProcess(binary, args, process.env, join(dir, "redis.log"));
    const started = child;
    running.set(started, dir);
    started.once("exit", () => running.delete(started));
    try {
      await waitForPong(port, 10_000, child);
    } catch (error) {
      await stopProcessGroup(child.pid!);
      throw new Error(`${(error as Error).message}\n--- redis.log ---\n${readLog(dir)}`);
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    // SIGKILL straight away: SIGTERM would let Redis close its connections politely, which a crash does not.
    process.kill(running.pid, "SIGKILL");
    await exited;
  };

  const signal = (name: NodeJS.Signals) => {
    if (!child?.pid) throw new Error("redis-server is not running");
    process.kill(child.pid, name);
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Servers still running when this process exits (a test that timed out before its
 * cleanup): killed on the way out, instead of left behind, possibly paused, forever.
 */
const running = new Map<ChildProcess, string>();
process.once("exit", () => {
  for (const [child, dir] of running) {
    if (child.pid) process.kill(child.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `REDIS_SERVER` if set, else `redis-server` on PATH; a clear error (never a skip) when there is none. */
function redisServerBinary(): string {
  const binary = process.env.REDIS_SERVER ?? "redis-server";
  try {
    execFileSync(binary, ["--version"], { stdio: "ignore" });
    return binary;
  } catch {
    throw new Error(
      `${binary} not found: the limit tests need a real Redis. Install it (Debian: apt-get install -y redis-server) or set REDIS_SERVER.`,
    );
  }
}

/** Polls until the server answers PING over a raw socket (no client library involved). */
async function waitForPong(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} before it was ready`);
    if (await ping(port)) return;
    await sleep(50);
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs / 1000}s`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "redis.log"), "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}
