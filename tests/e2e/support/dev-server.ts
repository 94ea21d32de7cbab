import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, startProcess, stopProcessGroup, waitForHttp } from "./processes";

export type DevServer = { port: number; logFile: string; log: () => string; stop: () => Promise<void> };

/**
 * `next dev` as `npm run dev` runs it: no `-H` (every interface, which is what lets
 * 127.0.0.1 reach it at all), no session secret (it makes one up), development mode.
 * Only the port is free rather than 3000. It builds into `.next/dev`, which Next keeps
 * apart from the production build the other tests serve (`next build` leaves it alone).
 * Next allows one `next dev` per folder: with `npm run dev` running here, this one exits,
 * and the error says so.
 */
export async function startDevServer(options: { logDir: string; env: Record<string, string> }): Promise<DevServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env };
  for (const name of ["NODE_ENV", "SESSION_SECRET", "OPENAI_API_KEY", "PHOENIX_URL", "PORT"]) delete env[name];
  const logFile = join(options.logDir, `next-dev-${port}.log`);
  const child = startProcess(process.execPath, ["node_modules/next/dist/bin/next", "dev", "--port", String(port)], env, logFile);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  try {
    // The first request compiles the page: slow on a small machine.
    await waitForHttp(`http://127.0.0.1:${port}/`, 240_000, `next dev (log: ${logFile})`, child);
  } catch (error) {
    await stopProcessGroup(child.pid!);
    throw new Error(`${(error as Error).message}\n--- the end of its log ---\n${log().slice(-2_000)}`);
  }
  return { port, logFile, log, stop: () => stopProcessGroup(child.pid!) };
}
