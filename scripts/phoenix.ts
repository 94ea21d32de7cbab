/**
 * `npm run phoenix`: a local Phoenix for the app to send its traces to, in the
 * foreground; Ctrl-C stops it. It listens where the app sends spans
 * (PHOENIX_COLLECTOR_ENDPOINT, default http://localhost:6006) and keeps its data in
 * Phoenix's own default place (~/.phoenix) unless PHOENIX_WORKING_DIR says otherwise.
 * The Python side (a venv with the pinned arize-phoenix) is built on first use, the
 * same cached venv the browser tests use.
 */
import { spawn } from "node:child_process";
import { ensurePhoenixInstalled, PhoenixInstallError, PHOENIX_VERSION } from "./phoenix/install";
import { freePort, isListening } from "./phoenix/ports";
import { DEFAULT_COLLECTOR_ENDPOINT, localListenAddress, phoenixServeEnv } from "./phoenix/serve";

const DEFAULT_GRPC_PORT = 4317;
/** Phoenix drains its span queue on shutdown; past this, Ctrl-C becomes a kill. */
const STOP_GRACE_MS = 20_000;

const say = (line: string) => console.log(`[phoenix] ${line}`);
function fail(message: string): never {
  console.error(`\n[phoenix] ${message}\n`);
  process.exit(1);
}

async function main() {
  const endpoint = (process.env.PHOENIX_COLLECTOR_ENDPOINT || DEFAULT_COLLECTOR_ENDPOINT).replace(/\/+$/, "");
  const address = localListenAddress(endpoint);
  if ("problem" in address) fail(address.problem);

  // Before the (possibly long) install: a busy port would only fail after it.
  if (await isListening(address.host, address.port)) {
    if (await answersHealthz(endpoint)) {
      say(`a Phoenix is already running at ${endpoint}: the app's traces go there. Nothing to start.`);
      return;
    }
    fail(
      `Port ${address.port} is taken by another program, not Phoenix. Stop it, or pick another port for both ` +
        `commands: PHOENIX_COLLECTOR_ENDPOINT=http://localhost:6007 npm run phoenix (and the same for npm run dev).`,
    );
  }

  let executable: string;
  try {
    executable = ensurePhoenixInstalled();
  } catch (error) {
    if (error instanceof PhoenixInstallError) fail(error.message);
    throw error;
  }

  const grpcPort = await chooseGrpcPort(address.host);
  const workingDir = process.env.PHOENIX_WORKING_DIR || undefined;
  say(`starting Phoenix ${PHOENIX_VERSION} at ${endpoint} (gRPC on ${grpcPort}; data in ${workingDir ?? "~/.phoenix"})`);

  // Its own process group: Ctrl-C reaches npm, tsx and this script at once, and this
  // script alone passes it on, so Phoenix gets one signal and shuts down gracefully
  // (uvicorn treats a second SIGINT as "force exit").
  const child = spawn(executable, ["serve"], {
    env: phoenixServeEnv({ ...address, grpcPort, workingDir }),
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) fail(`could not run ${executable}`);
  // Whatever ends this script (an exception included), Phoenix does not outlive it.
  process.on("exit", () => signalGroup(pid, "SIGKILL"));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping Phoenix`);
    signalGroup(pid, "SIGINT");
    setTimeout(() => {
      say(`Phoenix did not stop within ${STOP_GRACE_MS / 1000}s: killing it`);
      signalGroup(pid, "SIGKILL");
    }, STOP_GRACE_MS).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));

  void announceWhenReady(endpoint, () => child.exitCode !== null || stopping);

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  if (stopping) {
    say("Phoenix stopped.");
    process.exit(0);
  }
  fail(`Phoenix exited on its own (${signal ?? `code ${code}`}); its messages are above.`);
}

async function chooseGrpcPort(host: string): Promise<number> {
  if (process.env.PHOENIX_GRPC_PORT) return Number(process.env.PHOENIX_GRPC_PORT);
  // The app sends over HTTP; gRPC only needs a port that is free.
  if (!(await isListening(host, DEFAULT_GRPC_PORT))) return DEFAULT_GRPC_PORT;
  const port = await freePort(host);
  say(`port ${DEFAULT_GRPC_PORT} (OTLP gRPC) is taken, so Phoenix's gRPC listens on ${port}; the app does not use it`);
  return port;
}

async function answersHealthz(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

async function announceWhenReady(endpoint: string, givenUp: () => boolean) {
  while (!givenUp()) {
    if (await answersHealthz(endpoint)) {
      say(`ready: open ${endpoint} to see the traces. Now run \`npm run dev\` in another terminal. Ctrl-C stops Phoenix.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

await main();
