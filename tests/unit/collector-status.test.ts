import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "@/lib/config";
import { createHealthTracker, probe } from "@/lib/phoenix/collector-health";
import { collectorLabel, collectorStatus, collectorStatusNow } from "@/lib/phoenix/collector-status";
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

describe("the collector health tracker", () => {
  it("is live when /healthz answers 2xx, and probes again only once the answer is older than cacheMs", async () => {
    const phoenix = await collector(ok);
    let clock = 1_000;
    const health = createHealthTracker({ url: `${phoenix.url}/healthz`, cacheMs: 5_000, now: () => clock });

    expect(await health.check()).toEqual({ state: "live" });
    clock += 4_999;
    expect(await health.check()).toEqual({ state: "live" });
    expect(phoenix.hits.count).toBe(1);
    clock += 1;
    expect(await health.check()).toEqual({ state: "live" });
    expect(phoenix.hits.count).toBe(2);
  });

  it("callers arriving while a probe runs share it: one request for many page loads", async () => {
    const phoenix = await collector((req, res) => setTimeout(() => ok(req, res), 50));
    const health = createHealthTracker({ url: `${phoenix.url}/healthz` });
    const results = await Promise.all(Array.from({ length: 20 }, () => health.check()));
    expect(results.every((r) => r.state === "live")).toBe(true);
    expect(phoenix.hits.count).toBe(1);
  });

  it("peek never waits: a collector that hangs gives 'checking' at once, and the probe runs in the background", async () => {
    const silent = await collector(() => {
      // Never answers.
    });
    const health = createHealthTracker({ url: `${silent.url}/healthz`, timeoutMs: 60_000 });
    // Synchronous: a page render calling it cannot be held by the collector.
    expect(health.peek()).toEqual({ state: "checking" });
    await vi.waitFor(() => expect(silent.hits.count).toBe(1));
    expect(health.peek()).toEqual({ state: "checking" });
    expect(silent.hits.count).toBe(1);
  });

  it("one failed probe (a reset, a slow answer) never turns a live collector unreachable", async () => {
    let answer: "ok" | "reset" = "ok";
    const phoenix = await collector((req, res) => (answer === "ok" ? ok(req, res) : req.socket.destroy()));
    let clock = 0;
    const health = createHealthTracker({ url: `${phoenix.url}/healthz`, cacheMs: 5_000, now: () => clock });
    expect(await health.check()).toEqual({ state: "live" });
    answer = "reset";
    clock += 5_000;
    expect(await health.check()).toEqual({ state: "live" });
    answer = "ok";
    clock += 5_000;
    expect(await health.check()).toEqual({ state: "live" });
  });

  it("is unreachable only after failures that last: several probes in a row, over several seconds", async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/healthz`;
    let clock = 0;
    const health = createHealthTracker({ url: nowhere, cacheMs: 1_000, unreachableAfter: { failures: 3, ms: 10_000 }, now: () => clock });
    // Three quick failures are not enough: they have not lasted.
    for (let i = 0; i < 3; i++, clock += 1_000) expect(await health.check()).toEqual({ state: "checking" });
    clock = 9_000;
    expect(await health.check()).toEqual({ state: "checking" });
    clock = 10_000;
    expect(await health.check()).toEqual({ state: "unreachable", problem: "connection refused" });
  });

  it("names why: no answer within the time limit, an error status", async () => {
    const silent = await collector(() => {
      // Never answers.
    });
    expect(await probe(`${silent.url}/healthz`, 200)).toEqual({ live: false, problem: "no answer within 0.2s" });
    const failing = await collector((_, res) => res.writeHead(503).end());
    expect(await probe(`${failing.url}/healthz`, 1_000)).toEqual({ live: false, problem: "HTTP 503" });
  });

  it("a collector that comes back is live at the next probe", async () => {
    let up = false;
    const phoenix = await collector((_, res) => (up ? res.end("OK") : res.writeHead(503).end()));
    let clock = 0;
    const health = createHealthTracker({ url: `${phoenix.url}/healthz`, cacheMs: 1, unreachableAfter: { failures: 1, ms: 0 }, now: () => clock });
    expect(await health.check()).toEqual({ state: "unreachable", problem: "HTTP 503" });
    up = true;
    clock += 1;
    expect(await health.check()).toEqual({ state: "live" });
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
    // One failed probe is not an outage yet (collector-health.ts): the links stay.
    expect(down).toMatchObject({ state: "checking", phoenixUrl: "http://phoenix.internal:6006" });
  });

  it("probes Phoenix's address when the endpoint is given as its OTLP URL (…/v1/traces)", async () => {
    const paths: string[] = [];
    const phoenix = await collector((req, res) => {
      paths.push(req.url ?? "");
      ok(req, res);
    });
    const status = await collectorStatus(config({ PHOENIX_COLLECTOR_ENDPOINT: `${phoenix.url}/v1/traces` }));
    expect(status).toMatchObject({ state: "live", phoenixUrl: phoenix.url, collector: phoenix.url.replace("http://", "") });
    expect(paths).toEqual(["/healthz"]);
  });

  it("gives the page what is known at once, without waiting for a probe", async () => {
    const silent = await collector(() => {
      // Never answers.
    });
    expect(collectorStatusNow(config({ PHOENIX_COLLECTOR_ENDPOINT: silent.url }))).toMatchObject({ tracing: "on", state: "checking" });
  });

  it("labels remote collectors with their path, and knows which ones are this machine", () => {
    expect(collectorLabel("http://localhost:6006")).toEqual({ label: "localhost:6006", local: true });
    expect(collectorLabel("http://[::1]:6006/")).toEqual({ label: "[::1]:6006", local: true });
    expect(collectorLabel("https://app.phoenix.arize.com/s/team/")).toEqual({ label: "app.phoenix.arize.com/s/team", local: false });
  });
});
