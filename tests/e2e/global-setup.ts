import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "./support/app-server";
import { writeState } from "./support/e2e-state";
import { phoenixUrl, startPhoenix, stopPhoenix, temporaryPhoenixSpec } from "./support/phoenix-server";
import { stopProcessGroup } from "./support/processes";

/**
 * Starts a real Phoenix and the app's production build pointed at it, on free
 * loopback ports, and returns the teardown that stops both whatever happened.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(".next/BUILD_ID")) {
    throw new Error("No production build in .next: run `npm run test:e2e` (it builds first) or `npm run build`.");
  }
  const tempDir = mkdtempSync(join(tmpdir(), "phoenix-chat-e2e-"));
  process.env.E2E_STATE_FILE = join(tempDir, "state.json");
  const spec = await temporaryPhoenixSpec(tempDir);

  const started: { phoenixPid?: number; appPid?: number } = {};
  const teardown = async () => {
    await Promise.all([stopProcessGroup(started.appPid ?? 0), stopPhoenix(started.phoenixPid ?? 0)]);
    if (process.env.E2E_KEEP_TEMP) console.log(`[e2e] kept ${tempDir}`);
    else rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    console.log(`[e2e] starting Phoenix on ${phoenixUrl(spec)}`);
    started.phoenixPid = await startPhoenix(spec);

    const projectName = `e2e-${Date.now()}`;
    console.log("[e2e] starting the app");
    const app = await startApp({
      name: "app",
      logDir: tempDir,
      env: {
        PHOENIX_COLLECTOR_ENDPOINT: phoenixUrl(spec),
        PHOENIX_PROJECT_NAME: projectName,
        // Slow enough to watch an answer stream and to press Stop mid-answer.
        DEMO_MODEL_DELAY_MS: "15",
        // Export a turn's spans half a second after it ends, not five: most of a browser
        // test's time was waiting for Phoenix to see a turn (a deployment keeps the default).
        OTEL_BSP_SCHEDULE_DELAY: "500",
      },
    });
    started.appPid = app.pid;
    writeState({
      tempDir,
      appUrl: app.url,
      appLogFile: app.logFile,
      projectName,
      phoenix: { ...spec, url: phoenixUrl(spec) },
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
