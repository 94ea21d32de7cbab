import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensurePhoenixInstalled } from "../../../scripts/phoenix/install";
import { phoenixServeEnv } from "../../../scripts/phoenix/serve";
import { freePort, startProcess, stopProcessGroup, waitForHttp } from "./processes";

/** How to run one Phoenix server: loopback only, nothing that reaches the internet. */
export type PhoenixServerSpec = {
  executable: string;
  port: number;
  grpcPort: number;
  /** Its SQLite database lives here, so a restart keeps the traces. */
  workingDir: string;
  logFile: string;
};

export async function startPhoenix(spec: PhoenixServerSpec): Promise<number> {
  const child = startProcess(
    spec.executable,
    ["serve"],
    phoenixServeEnv({ host: "127.0.0.1", port: spec.port, grpcPort: spec.grpcPort, workingDir: spec.workingDir }),
    spec.logFile,
  );
  if (!child.pid) throw new Error(`could not start ${spec.executable}`);
  try {
    await waitForHttp(`${phoenixUrl(spec)}/healthz`, 180_000, `Phoenix (log: ${spec.logFile})`, child);
  } catch (error) {
    await stopProcessGroup(child.pid);
    throw error;
  }
  return child.pid;
}

export function stopPhoenix(pid: number): Promise<void> {
  return stopProcessGroup(pid);
}

export function phoenixUrl(spec: Pick<PhoenixServerSpec, "port">): string {
  return `http://127.0.0.1:${spec.port}`;
}

/** A Phoenix for one run: the pinned install, two free loopback ports, a fresh working dir and log under `dir`. */
export async function temporaryPhoenixSpec(dir: string): Promise<PhoenixServerSpec> {
  const workingDir = join(dir, "phoenix");
  mkdirSync(workingDir);
  return {
    executable: ensurePhoenixInstalled(),
    port: await freePort(),
    grpcPort: await freePort(),
    workingDir,
    logFile: join(dir, "phoenix.log"),
  };
}
