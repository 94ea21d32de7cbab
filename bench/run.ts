import { cpus, loadavg, tmpdir } from "node:os";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startApp, type AppServer } from "../tests/e2e/support/app-server";
import { phoenixUrl, startPhoenix, stopPhoenix, temporaryPhoenixSpec } from "../tests/e2e/support/phoenix-server";
import { startRedisServer, type RedisServer } from "../tests/support/redis-server";
import { firstToken } from "./first-token";
import { conversationGrowth } from "./conversation-growth";
import { limiterCost, limitsEnv, limitsOverhead } from "./limits-overhead";
import { manySessions, manySessionsThroughput } from "./many-sessions";
import { memory } from "./memory";
import { buildBarePage, describeFiles, pageWeightResult, scriptBytes } from "./page-weight";
import { startFakeModelServer } from "./support/fake-model-server";
import { startSinkCollector } from "./support/sink-collector";
import { round } from "./support/stats";
import { turnOverhead } from "./turn-overhead";

/**
 * `npm run bench`: builds what it needs, runs the benchmarks on this machine,
 * prints a table and writes bench/results/latest.json. Figures are ratios of
 * things measured side by side in one run; absolute times depend on the machine
 * and what else it is doing.
 *
 * Every server gets turn budgets no benchmark reaches (`limitsEnv()`): the default
 * of 20 turns an hour and 2 at once per user would measure the limiter, not the
 * chat. Only step 6 measures the limiter, Redis against in-process counting.
 */
async function main() {
  const workDir = mkdtempSync(join(tmpdir(), "phoenix-chat-bench-"));
  const spec = await temporaryPhoenixSpec(workDir);
  const servers: AppServer[] = [];
  // `npm run bench -- --only 1,1c`: re-runs those rows (a row another job disturbed) and keeps the others' last results.
  const only = onlySteps(process.argv);
  const previous = only ? (JSON.parse(readFileSync(RESULTS, "utf8")) as Record<string, unknown>) : {};
  /**
   * Runs one benchmark on fresh servers, stops them after, and records a failure instead of
   * losing the rest. The machine's load average (1 min) before and after goes with the result:
   * other work on the same cores shows there first.
   */
  const step = async <T extends object>(
    key: string,
    name: string,
    run: () => Promise<T>,
  ): Promise<(T & { date: string; load_average: number[] }) | { error: string }> => {
    if (only && !only.has(name.split("/")[0]!)) return (previous[key] as T & { date: string; load_average: number[] }) ?? { error: "not run" };
    log(name);
    const before = loadavg()[0]!;
    try {
      const result = await run();
      return { ...result, date: new Date().toISOString(), load_average: [round(before, 2), round(loadavg()[0]!, 2)] };
    } catch (error) {
      console.error(error);
      return { error: (error as Error).message };
    } finally {
      await Promise.all(servers.splice(0).map((server) => server.stop()));
    }
  };
  let phoenixPid = 0;
  const start = async (name: string, env: Record<string, string>, dir?: string) => {
    const server = await startApp({ name, env: { ...limitsEnv(), ...env }, logDir: workDir, dir });
    servers.push(server);
    return server;
  };
  const traced = { PHOENIX_COLLECTOR_ENDPOINT: phoenixUrl(spec), PHOENIX_PROJECT_NAME: `bench-${Date.now()}` };
  // Where tracing measures its own cost: an endpoint that discards, so no collector competes for the two cores.
  const sink = await startSinkCollector();
  let redis: RedisServer | undefined;
  const toSink = { PHOENIX_COLLECTOR_ENDPOINT: sink.url };

  try {
    const overhead = await step("turn_overhead", "1/6 tracing overhead per turn (on vs off, interleaved)", async () => {
      const on = await start("tracing-on", toSink);
      const off = await start("tracing-off", { TRACING_ENABLED: "false" });
      return turnOverhead({ on, off }, { turns: 400, target: 1.1, cpuTarget: 2 });
    });
    // The same with a model that takes its time, as real ones do (10 ms a word, ~0.18 s a turn).
    const overheadPaced = await step("turn_overhead_paced_model", "1b/6 tracing overhead with a realistically paced model", async () => {
      const on = await start("paced-on", { ...toSink, DEMO_MODEL_DELAY_MS: "10" });
      const off = await start("paced-off", { TRACING_ENABLED: "false", DEMO_MODEL_DELAY_MS: "10" });
      return turnOverhead({ on, off }, { turns: 80, warmup: 10, target: 1.03, why: "no worse than round 1" });
    });
    const growth = await step("conversation_growth", "1c/6 one conversation of 25 turns: OTLP bytes and CPU a turn, next to the model's own traffic", async () => {
      // The app talks to an OpenAI-compatible server that weighs what it was sent and answered.
      const model = await startFakeModelServer();
      const ownSink = await startSinkCollector({ countSpans: true });
      const keys = { on: "bench-model-key-traced", off: "bench-model-key-untraced" };
      const viaModel = (key: string) => ({ OPENAI_API_KEY: key, OPENAI_BASE_URL: model.baseURL, OPENAI_MODEL: "bench-model" });
      try {
        // Exports 200 ms after a turn, not 5 s: each measured window closes soon after its turns, so
        // an idle server's own background work weighs little in it (the batches are smaller: a cost, not a saving).
        const on = await start("growth-on", { ...viaModel(keys.on), PHOENIX_COLLECTOR_ENDPOINT: ownSink.url, OTEL_BSP_SCHEDULE_DELAY: "200" });
        const off = await start("growth-off", { ...viaModel(keys.off), TRACING_ENABLED: "false" });
        return await conversationGrowth({ on, off }, ownSink, (side) => model.traffic(keys[side]), { conversations: 60 });
      } finally {
        await ownSink.stop();
        await model.stop();
      }
    });
    const ttft = await step("first_token", "2/6 time to first token in Chromium", async () => firstToken((await start("first-token", toSink)).url));
    const many = await step("many_sessions", "3/6 50 sessions at once, 5 turns each, exporting to Phoenix", async () => {
      // Running only for this row: an idle Phoenix still takes some CPU, which the other rows would measure.
      log("starting Phoenix");
      phoenixPid = await startPhoenix(spec);
      try {
        return await manySessions((await start("many-sessions", traced)).url, phoenixUrl(spec));
      } finally {
        await stopPhoenix(phoenixPid);
        phoenixPid = 0;
      }
    });
    const manyOnOff = await step("many_sessions_tracing_on_vs_off", "3b/6 50 sessions at once: throughput with tracing on vs off (ABBA)", async () => {
      // Its own sink, so the span count is this step's alone.
      const ownSink = await startSinkCollector({ countSpans: true });
      try {
        const on = await start("many-on", { PHOENIX_COLLECTOR_ENDPOINT: ownSink.url });
        const off = await start("many-off", { TRACING_ENABLED: "false" });
        return await manySessionsThroughput({ on, off }, ownSink.spans);
      } finally {
        await ownSink.stop();
      }
    });
    const weight = await step("page_weight", "4/6 page weight, next to a bare Next.js page", async () => {
      const chat = await start("page-weight-chat", { TRACING_ENABLED: "false" });
      const chatWeight = await scriptBytes(chat.url, { firstAnswer: true });
      const bare = await start("page-weight-bare", {}, buildBarePage());
      return pageWeightResult(chatWeight, await scriptBytes(bare.url));
    });
    const mem = await step("memory", "5/6 memory over 4,000 turns in 1,000 sessions", async () => {
      const longRunning = await start("memory", toSink);
      return memory(longRunning.url, longRunning.pid);
    });

    const limits = await step("turn_limits", "6/6 turn limits: Redis vs in-process (interleaved)", async () => {
      redis ??= await startRedisServer();
      const withRedis = await start("limits-redis", { ...toSink, ...limitsEnv(redis.url) });
      const inProcess = await start("limits-memory", { ...toSink, ...limitsEnv() });
      return limitsOverhead({ redis: withRedis, memory: inProcess }, redis.url);
    });
    const limiter = await step("limiter_cost", "6b/6 the limiter alone: acquire + release, Redis vs in-memory", async () => {
      redis ??= await startRedisServer();
      return limiterCost(redis.url, "error" in overhead ? undefined : overhead.p50_ms.off);
    });

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? "unknown", node: process.version },
      turn_overhead: overhead,
      turn_overhead_paced_model: overheadPaced,
      conversation_growth: growth,
      first_token: ttft,
      many_sessions: many,
      many_sessions_tracing_on_vs_off: manyOnOff,
      page_weight: weight,
      memory: mem,
      turn_limits: limits,
      limiter_cost: limiter,
    };
    mkdirSync("bench/results", { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    log("wrote bench/results/latest.json");
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (phoenixPid) await stopPhoenix(phoenixPid);
    await sink.stop();
    await redis?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const RESULTS = "bench/results/latest.json";

/** The step numbers after `--only` (`1,1c,3b`), or undefined for all. */
function onlySteps(argv: string[]): Set<string> | undefined {
  const at = argv.indexOf("--only");
  return at < 0 ? undefined : new Set((argv[at + 1] ?? "").split(",").map((id) => id.trim()));
}

type Failed = { error: string };
type Row = { name: string; result: string; target: string; met: boolean };

function row<T extends { target: string; met: boolean; load_average?: number[] }>(name: string, value: T | Failed, describe: (value: T) => string): Row {
  if ("error" in value) return { name, result: `failed: ${value.error}`, target: "", met: false };
  const load = value.load_average ? ` [load ${value.load_average.join(" -> ")}]` : "";
  return { name, result: describe(value) + load, target: value.target, met: value.met };
}

function printTable(r: {
  machine: { cpus: number; node: string };
  turn_overhead: Awaited<ReturnType<typeof turnOverhead>> | Failed;
  turn_overhead_paced_model: Awaited<ReturnType<typeof turnOverhead>> | Failed;
  conversation_growth: Awaited<ReturnType<typeof conversationGrowth>> | Failed;
  first_token: Awaited<ReturnType<typeof firstToken>> | Failed;
  many_sessions: Awaited<ReturnType<typeof manySessions>> | Failed;
  many_sessions_tracing_on_vs_off: Awaited<ReturnType<typeof manySessionsThroughput>> | Failed;
  page_weight: ReturnType<typeof pageWeightResult> | Failed;
  memory: Awaited<ReturnType<typeof memory>> | Failed;
  turn_limits: Awaited<ReturnType<typeof limitsOverhead>> | Failed;
  limiter_cost: Awaited<ReturnType<typeof limiterCost>> | Failed;
}) {
  const rows = [
    row(
      "Tracing overhead per turn",
      r.turn_overhead,
      (o) =>
        `p50 ${o.p50_ms.on} vs ${o.p50_ms.off} ms (ratio ${o.p50_ratio}, paired ${o.paired_p50_ratio}); p95 ${o.p95_ms.on} vs ${o.p95_ms.off} ms (ratio ${o.p95_ratio}); server CPU ${o.server_cpu_ms_per_turn.on} vs ${o.server_cpu_ms_per_turn.off} ms/turn (tracing ${o.tracing_cpu_ms_per_turn})`,
    ),
    row(
      "Tracing overhead, model at 10 ms/word",
      r.turn_overhead_paced_model,
      (o) =>
        `p50 ${o.p50_ms.on} vs ${o.p50_ms.off} ms (ratio ${o.p50_ratio}, paired ${o.paired_p50_ratio}); p95 ratio ${o.p95_ratio}; server CPU ${o.server_cpu_ms_per_turn.on} vs ${o.server_cpu_ms_per_turn.off} ms/turn`,
    ),
    row("A conversation of 25 turns (tool every third), at turns 1 / 5 / 10 / 25", r.conversation_growth, (g) =>
      [
        `OTLP ${g.positions.map((p) => kb(p.otlp_bytes)).join(" / ")} KB a turn vs the model's ${g.positions.map((p) => kb(p.model_bytes.total)).join(" / ")} KB`,
        `(ratio ${g.positions.map((p) => p.otlp_to_model_ratio).join(" / ")})`,
        `tracing's CPU ${g.positions.map((p) => p.tracing_cpu_ms_per_turn).join(" / ")} ms a turn (all 25 turns: ${g.all_turns.tracing_cpu_ms_per_turn} ms, OTLP ${kb(g.all_turns.otlp_bytes_per_turn)} vs ${kb(g.all_turns.model_bytes_per_turn)} KB); ${g.errors} errors, spans ${g.spans_exported}/${g.spans_expected}`,
      ].join(" "),
    ),
    row("Time to first token (browser)", r.first_token, (t) => `p50 ${t.p50_ms} ms, p95 ${t.p95_ms} ms over ${t.turns} turns`),
    row(
      "50 sessions x 5 turns at once",
      r.many_sessions,
      (m) =>
        `${m.turns_per_second} turns/s, p95 ${m.p95_turn_ms} ms, ${m.errors} errors, spans ${m.spans_received}/${m.spans_expected}, ${m.spans_with_foreign_session} foreign`,
    ),
    row(
      "50 sessions at once, tracing on vs off",
      r.many_sessions_tracing_on_vs_off,
      (m) =>
        `${m.turns_per_second.on} vs ${m.turns_per_second.off} turns/s (ratio ${m.ratio}, median of back-to-back pairs ${m.median_paired_ratio}) over ${m.rounds} loads each; server CPU ${m.server_cpu_ms_per_turn.on} vs ${m.server_cpu_ms_per_turn.off} ms/turn (ratio ${m.cpu_throughput_ratio}); ${m.errors} errors, spans ${m.spans_exported}/${m.spans_expected}`,
    ),
    row(
      "Page weight (JS, compressed)",
      r.page_weight,
      (w) =>
        `${w.chat_page_js_bytes} B vs bare ${w.bare_page_js_bytes} B (ratio ${w.ratio}). First load: ${describeFiles(w.chat_page_files)}. ` +
        `Bare: ${describeFiles(w.bare_page_files)}. On the first answer: ${describeFiles(w.first_answer_files) || "nothing"}`,
    ),
    row(
      "Server memory (RSS)",
      r.memory,
      (m) =>
        `${m.rss_after_200_turns_mib} MiB after 200 turns, ${m.rss_after_2000_turns_mib} MiB after 2,000 (+${m.growth_percent}%), ${m.rss_after_4000_turns_mib} MiB after 4,000 (+${m.steady_state_growth_percent}%)`,
    ),
    row(
      "Turn limits: Redis on vs off (in-process counting)",
      r.turn_limits,
      (o) =>
        `p50 ${o.p50_ms.on} vs ${o.p50_ms.off} ms (ratio ${o.p50_ratio}, paired ${o.paired_p50_ratio}); p95 ratio ${o.p95_ratio}; ${o.turns_counted_in_redis} turns counted in Redis`,
    ),
    row(
      "Limiter alone (acquire + release)",
      r.limiter_cost,
      (c) =>
        `Redis p50 ${c.acquire_release_p50_ms.redis} ms, p95 ${c.acquire_release_p95_ms.redis} ms; in-memory p50 ${c.acquire_release_p50_ms.memory} ms; est. turn ratio ${c.estimated_turn_ratio ?? "n/a"}`,
    ),
  ];
  console.log(`\nBenchmarks on ${r.machine.cpus} CPUs, Node ${r.machine.node}\n`);
  console.log("| Benchmark | Result | Target | Met |\n| --- | --- | --- | --- |");
  for (const { name, result, target, met } of rows) console.log(`| ${name} | ${result} | ${target} | ${met ? "yes" : "**no**"} |`);
  console.log("");
}

const kb = (bytes: number) => (bytes / 1000).toFixed(1);

function log(message: string) {
  console.log(`[bench] ${message}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
