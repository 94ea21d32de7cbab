/**
 * How this project runs `phoenix serve`, shared by `npm run phoenix`, the browser
 * tests and the benchmarks, so they all run Phoenix the same way.
 */

/** Where a Phoenix listens. `workingDir` holds its SQLite database: unset means Phoenix's default (~/.phoenix). */
export type PhoenixListen = { host: string; port: number; grpcPort: number; workingDir?: string };

/** Kept in step with lib/config.ts, which the app reads (that module is server-only, so not imported here). */
export const DEFAULT_COLLECTOR_ENDPOINT = "http://localhost:6006";

/**
 * The environment for `phoenix serve`. Quiet by default: no usage telemetry, no
 * fonts or scripts fetched from CDNs, no AI assistant calling out. A variable the
 * caller already set wins, except the address, which `listen` decides.
 */
export function phoenixServeEnv(listen: PhoenixListen, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PHOENIX_TELEMETRY_ENABLED: "false",
    PHOENIX_ALLOW_EXTERNAL_RESOURCES: "false",
    PHOENIX_DISABLE_AGENT_ASSISTANT: "true",
    ...base,
    PHOENIX_HOST: listen.host,
    PHOENIX_PORT: String(listen.port),
    PHOENIX_GRPC_PORT: String(listen.grpcPort),
  };
  if (listen.workingDir) env.PHOENIX_WORKING_DIR = listen.workingDir;
  return env;
}

const LOOPBACK: Record<string, string> = { localhost: "127.0.0.1", "127.0.0.1": "127.0.0.1", "[::1]": "::1" };

/**
 * The local address a collector endpoint names (`http://localhost:6006` -> 127.0.0.1:6006),
 * or why a Phoenix started here could not receive its traces.
 */
export function localListenAddress(endpoint: string): { host: string; port: number } | { problem: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { problem: `PHOENIX_COLLECTOR_ENDPOINT is not a URL: "${endpoint}". Use e.g. ${DEFAULT_COLLECTOR_ENDPOINT}.` };
  }
  const host = LOOPBACK[url.hostname];
  if (url.protocol !== "http:" || !host || (url.pathname !== "/" && url.pathname !== "")) {
    return {
      problem:
        `PHOENIX_COLLECTOR_ENDPOINT is ${endpoint}, which is not a plain http address on this machine, ` +
        `so a Phoenix started here would not get the app's traces. Unset it (the default is ${DEFAULT_COLLECTOR_ENDPOINT}) ` +
        "or set it to http://localhost:<port>, for this command and for `npm run dev` alike.",
    };
  }
  return { host, port: url.port ? Number(url.port) : 80 };
}
