import { readFileSync, writeFileSync } from "node:fs";
import type { PhoenixServerSpec } from "./phoenix-server";

/** What global setup started, shared with the test workers through a file. */
export type E2EState = {
  tempDir: string;
  appUrl: string;
  appLogFile: string;
  projectName: string;
  phoenix: PhoenixServerSpec & { url: string };
};

export function stateFile(): string {
  const file = process.env.E2E_STATE_FILE;
  if (!file) throw new Error("E2E_STATE_FILE is not set: run the browser tests with `npm run test:e2e`");
  return file;
}

export function readState(): E2EState {
  return JSON.parse(readFileSync(stateFile(), "utf8")) as E2EState;
}

export function writeState(state: E2EState): void {
  writeFileSync(stateFile(), JSON.stringify(state, null, 2));
}
