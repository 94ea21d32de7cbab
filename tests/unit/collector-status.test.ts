import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { collectorLabel, collectorStatus, createHealthCheck } from "@/lib/phoenix/collector-status";
import { freePort } from "@/scripts/phoenix/ports";

/** A local stand-in for Phoenix's /healthz that counts the requests it gets. */
async function collector(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer((req, res) => {
    hits.count++;
    answer(req, res);
  });
  const hits = { count: 0 };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, hits };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const ok = (_: IncomingMessage, res: ServerResponse) => res.end("OK");

describe("the collector health check", () => {
  it("is live when /healthz answers 2xx, and asks again only once the cached answer is older than cacheMs", async () => {
    const phoenix = await collector(ok);
    let clock = 1_000;
    const check = createHealthCheck({ url: `${phoenix.url}/healthz`, cacheMs: 5_000, now: () => clock });

    expect(await check()).toEqual({ live: true });
    clock += 4_999;
    expect(await check()).toEqual({ live: true });
    expect(phoenix.hits.count).toBe(1);
    clock += 1;
    expect(await check()).toEqual({ live: true });
    expect(phoenix.hits.count).toBe(2);
  });

  it("callers arriving while a check runs share it: one request for many page loads", async () => {
    const phoenix = await collector((req, res) => setTimeout(() => ok(req, res), 50));
    const check = createHealthCheck({ url: `${phoenix.url}/healthz` });
    const results = await Promise.all(Array.from({ length: 20 }, () => check()));
    expect(results.every((r) => r.live)).toBe(true);
    expect(phoenix.hits.count).toBe(1);
  });

  it("a collector that accepts the connection but never answers is unreachable once the time limit passes", async () => {
    const silent = await collector(() => {
      // Never answers.
    });
    const check = createHealthCheck({ url: `${silent.url}/healthz`, timeoutMs: 200 });
    expect(await check()).toEqual({ live: false, problem: "no answer within 0.2s" });
    expect(silent.hits.count).toBe(1);
  });

  it("an answer slower than the time limit counts as none, and that verdict is cached too", async () => {
    const slow = await collector((req, res) => setTimeout(() => ok(req, res), 1_000));
    let clock = 0;
    const check = createHealthCheck({ url: `${slow.url}/healthz`, timeoutMs: 100, cacheMs: 5_000, now: () => clock });
    expect(await check()).toEqual({ live: false, problem: "no answer within 0.1s" });
    clock += 1_000;
    expect(await check()).toEqual({ live: false, problem: "no answer within 0.1s" });
    expect(slow.hits.count).toBe(1);
  });

  it("nothing listening: unreachable, connection refused", async () => {
    const check = createHealthCheck({ url: `http://127.0.0.1:${await freePort()}/healthz` });
    expect(await check()).toEqual({ live: false, problem: "connection refused" });
  });

  it("an error status is unreachable, and a collector that comes back is live at the next check", async () => {
    let up = false;
    const phoenix = await collector((_, res) => (up ? res.end("OK") : res.writeHead(503).end()));
    let clock = 0;
    const check = createHealthCheck({ url: `${phoenix.url}/healthz`, cacheMs: 5_000, now: () => clock });
    expect(await check()).toEqual({ live: false, problem: "HTTP 503" });
    up = true;
    clock += 5_000;
    expect(await check()).toEqual({ live: true });
  });
});

describe("collectorStatus", () => {
  const config = (env: Record<string, string>) => parseConfig({ NODE_ENV: "test", SESSION_SECRET: "x".repeat(32), ...env });

  it("with tracing off says so and asks nothing", async () => {
    const phoenix = await collector(ok);
    const status = await collectorStatus(config({ TRACING_ENABLED: "false", PHOENIX_COLLECTOR_ENDPOINT: phoenix.url }));
    expect(status).toEqual({ tracing: "off" });
    expect(phoenix.hits.count).toBe(0);
  });

  it("names the collector, links Phoenix's UI, and reports live or unreachable", async () => {
    const phoenix = await collector(ok);
    const live = await collectorStatus(config({ PHOENIX_COLLECTOR_ENDPOINT: phoenix.url }));
    expect(live).toEqual({
      tracing: "on",
      collector: phoenix.url.replace("http://", ""),
      phoenixUrl: phoenix.url,
      local: true,
      state: "live",
    });

    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const down = await collectorStatus(config({ PHOENIX_COLLECTOR_ENDPOINT: nowhere, PHOENIX_URL: "http://phoenix.internal:6006" }));
    expect(down).toMatchObject({ state: "unreachable", problem: "connection refused", phoenixUrl: "http://phoenix.internal:6006" });
  });

  it("labels remote collectors with their path, and knows which ones are this machine", () => {
    expect(collectorLabel("http://localhost:6006")).toEqual({ label: "localhost:6006", local: true });
    expect(collectorLabel("http://[::1]:6006/")).toEqual({ label: "[::1]:6006", local: true });
    expect(collectorLabel("https://app.phoenix.arize.com/s/team/")).toEqual({ label: "app.phoenix.arize.com/s/team", local: false });
  });
});
