import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startProcess, stopProcessGroup, waitForHttp } from "../../tests/e2e/support/processes";

export type AppServer = { url: string; pid: number; stop: () => Promise<void> };

/** `next start` on a free port, with the demo model and no artificial delay. */
export async function startApp(options: { dir?: string; env: Record<string, string>; logDir: string; name: string }): Promise<AppServer> {
  const port = await freePort();
  const dir = options.dir ?? process.cwd();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    DEMO_MODEL_DELAY_MS: "0",
    ...options.env,
    NODE_ENV: "production",
  };
  delete env.OPENAI_API_KEY;
  const logFile = join(options.logDir, `${options.name}.log`);
  const child = startProcess(process.execPath, ["node_modules/next/dist/bin/next", "start", dir, "-H", "127.0.0.1"], env, logFile);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, 60_000, `${options.name} (log: ${logFile})`, child);
  return { url, pid: child.pid!, stop: () => stopProcessGroup(child.pid!) };
}

/** Resident memory of a process and its children (next start may fork a worker), in MiB. */
export function rssMiB(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
      total += kb / 1024;
    } catch {
      // Exited in between.
    }
  }
  return total;
}

function descendants(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    return children.flatMap((child) => [child, ...descendants(child)]);
  } catch {
    return [];
  }
}
