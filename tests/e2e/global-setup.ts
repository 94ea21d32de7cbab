import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeState, type E2EState } from "./support/e2e-state";
import { ensurePhoenixInstalled } from "./support/phoenix-install";
import { phoenixLogFile, phoenixUrl, startPhoenix, stopPhoenix, type PhoenixServerSpec } from "./support/phoenix-server";
import { freePort, startProcess, stopProcessGroup, waitForHttp } from "./support/processes";

/**
 * Starts a real Phoenix and the app's production build pointed at it, on free
 * loopback ports, and returns the teardown that stops both whatever happened.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(".next/BUILD_ID")) {
    throw new Error("No production build in .next: run `npm run test:e2e` (it builds first) or `npm run build`.");
  }
  const executable = ensurePhoenixInstalled();
  const tempDir = mkdtempSync(join(tmpdir(), "phoenix-chat-e2e-"));
  process.env.E2E_STATE_FILE = join(tempDir, "state.json");
  const phoenixPort = await freePort();
  const grpcPort = await freePort();
  const appPort = await freePort();
  const workingDir = join(tempDir, "phoenix");
  mkdirSync(workingDir);
  const spec: PhoenixServerSpec = { executable, port: phoenixPort, grpcPort, workingDir, logFile: phoenixLogFile(tempDir) };

  const started: { phoenixPid?: number; appPid?: number } = {};
  const teardown = async () => {
    // Read the pids back from the state file: a test may have restarted Phoenix.
    const { readState } = await import("./support/e2e-state");
    const state = existsSync(process.env.E2E_STATE_FILE!) ? readState() : undefined;
    await Promise.all([
      stopProcessGroup(state?.appPid ?? started.appPid ?? 0),
      stopPhoenix(state?.phoenix.pid ?? started.phoenixPid ?? 0),
    ]);
    if (process.env.E2E_KEEP_TEMP) console.log(`[e2e] kept ${tempDir}`);
    else rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    console.log(`[e2e] starting Phoenix on ${phoenixUrl(spec)}`);
    started.phoenixPid = await startPhoenix(spec);

    const appUrl = `http://127.0.0.1:${appPort}`;
    const projectName = `e2e-${Date.now()}`;
    const appLogFile = join(tempDir, "app.log");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(appPort),
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      PHOENIX_COLLECTOR_ENDPOINT: phoenixUrl(spec),
      PHOENIX_PROJECT_NAME: projectName,
      // Slow enough to watch an answer stream and to press Stop mid-answer.
      DEMO_MODEL_DELAY_MS: "15",
    };
    delete env.OPENAI_API_KEY;
    delete env.PHOENIX_URL;
    const app = startProcess(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1"], env, appLogFile);
    started.appPid = app.pid;
    console.log(`[e2e] starting the app on ${appUrl}`);
    await waitForHttp(appUrl, 60_000, `the app (log: ${appLogFile})`, app);

    const state: E2EState = {
      tempDir,
      appUrl,
      appPid: app.pid!,
      appLogFile,
      projectName,
      phoenix: { ...spec, pid: started.phoenixPid, url: phoenixUrl(spec) },
    };
    writeState(state);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
