import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { freePort, startProcess, stopProcessGroup, waitForHttp } from "./processes";

export type AppServer = { url: string; pid: number; logFile: string; stop: () => Promise<void> };

/**
 * Budgets of the abuse layers out of a test's reach unless it sets them: every test
 * (and benchmark) comes from 127.0.0.1 as dozens of users, which is exactly what the
 * per-address and global defaults stop. The per-user budgets keep their defaults.
 */
export const OUT_OF_REACH_BUDGETS: Record<string, string> = {
  TURN_LIMIT_PER_ADDRESS: "1000000",
  TURN_LIMIT_GLOBAL_PER_HOUR: "100000000",
  NEW_VISITORS_PER_ADDRESS: "1000000",
  WRITE_LIMIT_PER_USER: "1000000",
  WRITE_LIMIT_PER_ADDRESS: "1000000",
};

/**
 * The app's production build (`next start`) on a free loopback port: offline demo
 * model (no OpenAI key unless `env` gives one), a fresh session secret, no artificial model
 * delay unless `env` sets one, the abuse budgets out of reach unless `env` sets them. Used by
 * the browser tests and the benchmarks.
 */
export async function startApp(options: { dir?: string; env: Record<string, string>; logDir: string; name: string }): Promise<AppServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    DEMO_MODEL_DELAY_MS: "0",
    ...OUT_OF_REACH_BUDGETS,
    ...options.env,
    NODE_ENV: "production",
  };
  // The demo model unless the caller points the app at a model server of its own.
  if (!options.env.OPENAI_API_KEY) delete env.OPENAI_API_KEY;
  // Links then point at the collector the caller chose, not at a Phoenix of the caller's shell.
  if (!options.env.PHOENIX_URL) delete env.PHOENIX_URL;
  // One log per start (the port is free only while unused): a test repeated (--repeat-each) or
  // restarting an app reads only what this instance printed.
  const logFile = join(options.logDir, `${options.name}-${port}.log`);
  const args = ["node_modules/next/dist/bin/next", "start", options.dir ?? process.cwd(), "-H", "127.0.0.1"];
  const child = startProcess(process.execPath, args, env, logFile);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, 60_000, `${options.name} (log: ${logFile})`, child);
  } catch (error) {
    await stopProcessGroup(child.pid!);
    throw error;
  }
  return { url, pid: child.pid!, logFile, stop: () => stopProcessGroup(child.pid!) };
}
