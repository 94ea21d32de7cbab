import { cpus, tmpdir } from "node:os";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePhoenixInstalled } from "../tests/e2e/support/phoenix-install";
import { phoenixLogFile, phoenixUrl, startPhoenix, stopPhoenix } from "../tests/e2e/support/phoenix-server";
import { freePort } from "../tests/e2e/support/processes";
import { firstToken } from "./first-token";
import { manySessions } from "./many-sessions";
import { memory } from "./memory";
import { buildBarePage, pageWeightResult, scriptBytes } from "./page-weight";
import { startApp, type AppServer } from "./support/servers";
import { turnOverhead } from "./turn-overhead";

/**
 * `npm run bench`: builds what it needs, runs the five benchmarks on this
 * machine, prints a table and writes bench/results/latest.json. Figures are
 * ratios of things measured side by side in one run; absolute times depend on
 * the machine and what else it is doing.
 */
async function main() {
  const workDir = mkdtempSync(join(tmpdir(), "phoenix-chat-bench-"));
  const phoenixDir = join(workDir, "phoenix");
  mkdirSync(phoenixDir);
  const spec = {
    executable: ensurePhoenixInstalled(),
    port: await freePort(),
    grpcPort: await freePort(),
    workingDir: phoenixDir,
    logFile: phoenixLogFile(workDir),
  };
  const servers: AppServer[] = [];
  let phoenixPid = 0;
  const start = async (name: string, env: Record<string, string>, dir?: string) => {
    const server = await startApp({ name, env, logDir: workDir, dir });
    servers.push(server);
    return server;
  };
  const traced = { PHOENIX_COLLECTOR_ENDPOINT: phoenixUrl(spec), PHOENIX_PROJECT_NAME: `bench-${Date.now()}` };

  try {
    log("starting Phoenix");
    phoenixPid = await startPhoenix(spec);

    log("1/5 tracing overhead per turn (on vs off, interleaved)");
    const on = await start("tracing-on", traced);
    const off = await start("tracing-off", { TRACING_ENABLED: "false" });
    const overhead = await turnOverhead({ on: on.url, off: off.url });
    await off.stop();

    log("2/5 time to first token in Chromium");
    const ttft = await firstToken(on.url);
    await on.stop();

    log("3/5 50 sessions at once, 5 turns each");
    const busy = await start("many-sessions", traced);
    const many = await manySessions(busy.url, phoenixUrl(spec));
    await busy.stop();

    log("4/5 page weight, next to a bare Next.js page");
    const chat = await start("page-weight-chat", { TRACING_ENABLED: "false" });
    const chatWeight = await scriptBytes(chat.url);
    await chat.stop();
    const bareDir = buildBarePage(workDir);
    const bare = await start("page-weight-bare", {}, bareDir);
    const bareWeight = await scriptBytes(bare.url);
    await bare.stop();
    rmSync(bareDir, { recursive: true, force: true });
    const weight = pageWeightResult(chatWeight, bareWeight);

    log("5/5 memory over 2,000 turns in 500 sessions");
    const longRunning = await start("memory", traced);
    const mem = await memory(longRunning.url, longRunning.pid);
    await longRunning.stop();

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? "unknown", node: process.version },
      turn_overhead: overhead,
      first_token: ttft,
      many_sessions: many,
      page_weight: weight,
      memory: mem,
    };
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/latest.json", `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    log("wrote bench/results/latest.json");
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (phoenixPid) await stopPhoenix(phoenixPid);
    rmSync(workDir, { recursive: true, force: true });
  }
}

function printTable(r: {
  machine: { cpus: number; node: string };
  turn_overhead: Awaited<ReturnType<typeof turnOverhead>>;
  first_token: Awaited<ReturnType<typeof firstToken>>;
  many_sessions: Awaited<ReturnType<typeof manySessions>>;
  page_weight: ReturnType<typeof pageWeightResult>;
  memory: Awaited<ReturnType<typeof memory>>;
}) {
  const o = r.turn_overhead;
  const m = r.many_sessions;
  const w = r.page_weight;
  const mem = r.memory;
  const rows: [string, string, string, boolean][] = [
    [
      "Tracing overhead per turn",
      `p50 ${o.p50_ms.on} vs ${o.p50_ms.off} ms (ratio ${o.p50_ratio}); p95 ${o.p95_ms.on} vs ${o.p95_ms.off} ms (ratio ${o.p95_ratio})`,
      o.target,
      o.met,
    ],
    ["Time to first token (browser)", `p50 ${r.first_token.p50_ms} ms, p95 ${r.first_token.p95_ms} ms`, r.first_token.target, r.first_token.met],
    [
      "50 sessions x 5 turns at once",
      `${m.turns_per_second} turns/s, p95 ${m.p95_turn_ms} ms, ${m.errors} errors, spans ${m.spans_received}/${m.spans_expected}, foreign ${m.spans_with_foreign_session}`,
      m.target,
      m.met,
    ],
    ["Page weight (JS, compressed)", `${w.chat_page_js_bytes} B vs bare ${w.bare_page_js_bytes} B (ratio ${w.ratio})`, w.target, w.met],
    [
      "Server memory (RSS)",
      `${mem.rss_after_200_turns_mib} MiB after 200 turns, ${mem.rss_after_2000_turns_mib} MiB after 2,000 (${mem.growth_percent}%)`,
      mem.target,
      mem.met,
    ],
  ];
  console.log(`\nBenchmarks on ${r.machine.cpus} CPUs, Node ${r.machine.node}\n`);
  console.log("| Benchmark | Result | Target | Met |\n| --- | --- | --- | --- |");
  for (const [name, result, target, met] of rows) console.log(`| ${name} | ${result} | ${target} | ${met ? "yes" : "**no**"} |`);
  console.log("");
}

function log(message: string) {
  console.log(`[bench] ${message}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
