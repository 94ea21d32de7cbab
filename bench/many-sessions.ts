import { allSpans, attribute, fetchSession } from "../tests/e2e/support/phoenix-api";
import { ChatClient, actionIds, type ActionIds } from "./support/action-client";
import { cpuMs } from "./support/cpu";
import { percentile, round } from "./support/stats";

const TOOL_TURN = "What time is it in Tokyo?";
const TEXT_TURN = "Tell me about sessions";
/** chat.turn + invoke_agent + step + chat (+ step 2 + chat + execute_tool for the tool turn). */
const SPANS_PER_TURN = { [TOOL_TURN]: 7, [TEXT_TURN]: 4 } as const;
const SCRIPT = [TOOL_TURN, TEXT_TURN, TOOL_TURN, TEXT_TURN, TOOL_TURN] as const;
const SPANS_PER_SESSION = SCRIPT.reduce((sum, message) => sum + SPANS_PER_TURN[message], 0);

type Load = { clients: ChatClient[]; latencies: number[]; errors: number; seconds: number };

/**
 * `sessions` conversations of five turns each, all at the same time, over HTTP.
 * Each session is its own user (its own cookie), as on a real site; opening them
 * (page load + new conversation) is not timed, their turns are.
 */
async function sessionsLoad(appUrl: string, ids: ActionIds, sessions: number): Promise<Load> {
  const clients = await Promise.all(
    Array.from({ length: sessions }, async () => {
      const client = new ChatClient(appUrl, ids);
      await client.open();
      return client;
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      for (const message of SCRIPT) {
        const result = await client.turn(message);
        latencies.push(result.ms);
        if (!result.ok) {
          errors++;
          if (errors <= 3) console.error(`[bench] session ${i}: ${result.error}`);
        }
      }
    }),
  );
  return { clients, latencies, errors, seconds: (performance.now() - started) / 1000 };
}

/**
 * 3. Many sessions at once: 50 sessions of 5 turns each, all at the same time,
 * against `next start` exporting to a local Phoenix. Then asks Phoenix what it
 * received: every span, none carrying another session's id.
 */
export async function manySessions(appUrl: string, phoenixUrl: string, sessions = 50) {
  const load = await sessionsLoad(appUrl, actionIds(), sessions);
  const received = await spansInPhoenix(phoenixUrl, load.clients, SPANS_PER_SESSION);
  return {
    sessions,
    turns: load.latencies.length,
    turns_per_second: round(load.latencies.length / load.seconds),
    p95_turn_ms: round(percentile(load.latencies, 95)),
    errors: load.errors,
    spans_expected: SPANS_PER_SESSION * sessions,
    spans_received: received.spans,
    spans_with_foreign_session: received.foreign,
    target: "0 errors, every span received, none foreign",
    met: load.errors === 0 && received.spans === SPANS_PER_SESSION * sessions && received.foreign === 0,
  };
}

/**
 * 3b. What tracing costs at scale: the same 50-session load against two servers,
 * tracing on (exporting to a discarding sink) and off, one load at a time in ABBA
 * order (on off, off on, ...) so both sides see the same drift in machine noise.
 * Running both loads at once would make the two servers fight over the two cores
 * and measure the scheduler. Each server first runs one untimed load (a fresh
 * `next start` compiles its hot paths during its first few hundred turns).
 *
 * Three readings: throughput over all loads of a side (the goal); the median of the
 * ratios of loads run back to back (robust to a burst of someone else's work); and
 * the server's own CPU time per turn, which the rest of the machine cannot distort
 * and which sets the throughput of a saturated server. The traced side must have
 * exported every span: a processor that dropped spans under load would look cheap.
 */
export async function manySessionsThroughput(
  servers: { on: { url: string; pid: number }; off: { url: string; pid: number } },
  exportedSpans: () => number,
  { rounds = 6, sessions = 50, target = 0.85 } = {},
) {
  const ids = actionIds();
  const runs = { on: [] as Load[], off: [] as Load[] };
  await sessionsLoad(servers.on.url, ids, sessions);
  await sessionsLoad(servers.off.url, ids, sessions);
  const spansExpected = SPANS_PER_SESSION * sessions * (rounds + 1);
  // The warm-up's spans are out before the CPU count starts.
  await exported(exportedSpans, SPANS_PER_SESSION * sessions);
  const cpuBefore = { on: cpuMs(servers.on.pid), off: cpuMs(servers.off.pid) };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 ? (["off", "on"] as const) : (["on", "off"] as const)) {
      runs[side].push(await sessionsLoad(servers[side].url, ids, sessions));
    }
  }
  // The batch processor exports on a timer: the last batch's CPU belongs to the traced side too.
  await exported(exportedSpans, spansExpected);
  const cpu = { on: cpuMs(servers.on.pid) - cpuBefore.on, off: cpuMs(servers.off.pid) - cpuBefore.off };

  const turns = (loads: Load[]) => loads.reduce((sum, load) => sum + load.latencies.length, 0);
  const throughput = (loads: Load[]) => turns(loads) / loads.reduce((seconds, load) => seconds + load.seconds, 0);
  const perLoad = (load: Load) => load.latencies.length / load.seconds;
  const pairedRatios = runs.on.map((on, i) => perLoad(on) / perLoad(runs.off[i]!));
  const errors = [...runs.on, ...runs.off].reduce((sum, load) => sum + load.errors, 0);
  const ratio = throughput(runs.on) / throughput(runs.off);
  const cpuPerTurn = { on: cpu.on / turns(runs.on), off: cpu.off / turns(runs.off) };
  const p95 = (loads: Load[]) => round(percentile(loads.flatMap((load) => load.latencies), 95));
  return {
    sessions,
    rounds,
    turns_per_side: turns(runs.on),
    turns_per_second: { on: round(throughput(runs.on)), off: round(throughput(runs.off)) },
    turns_per_second_per_load: { on: runs.on.map((load) => round(perLoad(load))), off: runs.off.map((load) => round(perLoad(load))) },
    ratio: round(ratio, 3),
    median_paired_ratio: round(percentile(pairedRatios, 50), 3),
    server_cpu_ms_per_turn: { on: round(cpuPerTurn.on, 2), off: round(cpuPerTurn.off, 2) },
    /** What a saturated server's throughput ratio would be if CPU were all it lacked: off's CPU per turn / on's. */
    cpu_throughput_ratio: round(cpuPerTurn.off / cpuPerTurn.on, 3),
    p95_turn_ms: { on: p95(runs.on), off: p95(runs.off) },
    errors,
    spans_expected: spansExpected,
    spans_exported: exportedSpans(),
    target: `throughput ratio (on / off) >= ${target}`,
    met: ratio >= target && errors === 0 && exportedSpans() === spansExpected,
  };
}

/** Waits (up to 30 s) until the sink has counted `count` spans. */
async function exported(exportedSpans: () => number, count: number) {
  const deadline = Date.now() + 30_000;
  while (exportedSpans() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
}

async function spansInPhoenix(phoenixUrl: string, clients: ChatClient[], expectedPerSession: number) {
  const deadline = Date.now() + 90_000;
  let spans = 0;
  let foreign = 0;
  for (const client of clients) {
    const sessionId = client.sessionId;
    for (;;) {
      const session = await fetchSession(phoenixUrl, sessionId);
      const found = session ? allSpans(session) : [];
      if (found.length >= expectedPerSession || Date.now() > deadline) {
        spans += found.length;
        foreign += found.filter((span) => attribute(span, "session.id") !== sessionId).length;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return { spans, foreign };
}
