import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { decodeTraceRequest, type ReceivedSpan } from "./support/tracing-otlp-decode";

/**
 * SIGTERM (every deploy and restart) must not drop the spans still queued in the
 * batch processor. A real process registers tracing, finishes 10 turns with a batch
 * delay of ten minutes (so only the shutdown flush can deliver them), gets a signal,
 * and a fake collector counts what arrived.
 */

const CHILD = fileURLToPath(new URL("./support/tracing-shutdown-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

type Collector = { url: string; spans: ReceivedSpan[]; requests: number; server: Server };
const servers: Server[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startCollector(answer: "ok" | "hang"): Promise<Collector> {
  const collector = { spans: [] as ReceivedSpan[], requests: 0 } as Collector;
  collector.server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on("data", (chunk: Buffer) => body.push(chunk));
    request.on("end", () => {
      collector.requests++;
      if (answer === "hang") return; // a collector that never answers
      collector.spans.push(...decodeTraceRequest(Buffer.concat(body)));
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  servers.push(collector.server);
  await new Promise<void>((resolve) => collector.server.listen(0, "127.0.0.1", resolve));
  collector.url = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
  return collector;
}

type Ready = { traceIds: string[]; spansStarted: number };

async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; ready: Ready; stderr: () => string }> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", CHILD], {
    cwd: ROOT,
    env: { ...process.env, TURNS: "10", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const line = stdout.split("\n").find((l) => l.startsWith('{"ready"'));
      if (line) resolve(JSON.parse(line) as Ready);
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before it was ready:\n${stderr}`)));
  });
  return { child, ready, stderr: () => stderr };
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

function expectEveryTurnDelivered(collector: Collector, ready: Ready): void {
  expect(ready.traceIds).toHaveLength(10);
  // Every span the process recorded arrived, each once.
  expect(collector.spans).toHaveLength(ready.spansStarted);
  expect(new Set(collector.spans.map((span) => span.spanId)).size).toBe(ready.spansStarted);
  for (const traceId of ready.traceIds) {
    const spans = collector.spans.filter((span) => span.traceId === traceId);
    const roots = spans.filter((span) => /^0*$/.test(span.parentSpanId));
    expect(roots.map((span) => span.name), traceId).toEqual(["chat.turn"]);
    expect(spans.length, traceId).toBeGreaterThan(1);
  }
}

describe("spans queued when the process is told to stop", () => {
  it("SIGTERM with no other handler: every span reaches the collector, then the process dies of the signal as before", async () => {
    const collector = await startCollector("ok");
    const { child, ready } = await startChild({ COLLECTOR_URL: collector.url });
    expect(collector.requests).toBe(0); // nothing exported yet: the batch delay is ten minutes
    child.kill("SIGTERM");
    expect(await exitOf(child)).toEqual({ code: null, signal: "SIGTERM" });
    expectEveryTurnDelivered(collector, ready);
  });

  it("SIGINT works the same way", async () => {
    const collector = await startCollector("ok");
    const { child, ready } = await startChild({ COLLECTOR_URL: collector.url });
    child.kill("SIGINT");
    expect(await exitOf(child)).toEqual({ code: null, signal: "SIGINT" });
    expectEveryTurnDelivered(collector, ready);
  });

  it("beside a handler that calls process.exit(143) (as `next start` does): its exit waits for the flush and keeps its code", async () => {
    const collector = await startCollector("ok");
    const { child, ready } = await startChild({ COLLECTOR_URL: collector.url, OTHER_HANDLER: "1" });
    child.kill("SIGTERM");
    expect(await exitOf(child)).toEqual({ code: 143, signal: null });
    expectEveryTurnDelivered(collector, ready);
  });

  it("a collector that never answers does not hold the shutdown: the process still ends after the flush time limit", async () => {
    const collector = await startCollector("hang");
    const { child } = await startChild({ COLLECTOR_URL: collector.url, FLUSH_TIMEOUT_MS: "300" });
    child.kill("SIGTERM");
    expect(await exitOf(child)).toEqual({ code: null, signal: "SIGTERM" });
    expect(collector.requests).toBeGreaterThan(0); // it tried
  });
});
