import { ChatClient, actionIds } from "./support/action-client";
import { cpuMs } from "./support/cpu";
import type { ModelTraffic } from "./support/fake-model-server";
import { round } from "./support/stats";

type Server = { url: string; pid: number };
type Sink = { spans: () => number; bytes: () => number };

const CITIES = ["Tokyo", "Paris", "Sydney", "London", "Berlin"];
const QUESTIONS = [
  "Tell me about sessions",
  "How do spans nest in a trace?",
  "What does Phoenix show for a session?",
  "Why is every turn its own trace?",
];

/** Turn `n` (1-based) of the conversation: every third one asks the time (a tool call), from the first on. */
export function growthMessage(n: number): string {
  return n % 3 === 1 ? `What time is it in ${CITIES[Math.floor(n / 3) % CITIES.length]}?` : QUESTIONS[n % QUESTIONS.length]!;
}

/** chat.turn + invoke_agent + step + chat, and step 2 + chat + execute_tool when the tool is called. */
const spansOf = (n: number) => (n % 3 === 1 ? 7 : 4);

/**
 * 1c. What a turn costs as a conversation grows: `conversations` conversations of 25
 * turns (after a few warm-up conversations) against two servers (tracing on, exporting to a counting sink; and off), both
 * using an OpenAI-compatible model server that counts what it was sent and what it
 * answered. At turns 1, 5, 10 and 25, measured across all conversations at once:
 *
 * - the OTLP bytes the traced server exported for that turn (the request bodies the sink
 *   received, over the turns of that position);
 * - the bytes of every model call of that turn: the messages sent (instructions, history,
 *   new words; a tool step's result) and the answer. That is the floor for a faithful trace;
 * - each server's CPU time per turn, including the export of that turn's spans.
 *
 * Before and after each measured position the benchmark waits until the sink holds every
 * span so far, so each window holds exactly that turn's export.
 */
export async function conversationGrowth(
  servers: { on: Server; off: Server },
  sink: Sink,
  modelTraffic: (side: "on" | "off") => ModelTraffic,
  { conversations = 30, turns = 25, measureAt = [1, 5, 10, 25], concurrency = 4, warmup = 10, target = 1.5 } = {},
) {
  const ids = actionIds();
  let spansExpected = 0;
  // A fresh `next start` compiles its hot paths over its first turns: warm both up first (6 turns, both kinds).
  const warm = { on: Array.from({ length: warmup }, () => new ChatClient(servers.on.url, ids)), off: Array.from({ length: warmup }, () => new ChatClient(servers.off.url, ids)) };
  await Promise.all([...warm.on, ...warm.off].map((client) => client.open()));
  let errors = 0;
  for (let n = 1; n <= 6; n++) {
    const results = await Promise.all([inBatches(warm.on, growthMessage(n), concurrency), inBatches(warm.off, growthMessage(n), concurrency)]);
    errors += results.flat().filter((ok) => !ok).length;
    spansExpected += spansOf(n) * warmup;
  }
  const clients = {
    on: Array.from({ length: conversations }, () => new ChatClient(servers.on.url, ids)),
    off: Array.from({ length: conversations }, () => new ChatClient(servers.off.url, ids)),
  };
  await Promise.all([...clients.on, ...clients.off].map((client) => client.open()));
  const positions = [];
  await exported(sink.spans, spansExpected);
  const start = { on: cpuMs(servers.on.pid), off: cpuMs(servers.off.pid), bytes: sink.bytes(), model: modelTraffic("on") };
  for (let n = 1; n <= turns; n++) {
    const message = growthMessage(n);
    const measured = measureAt.includes(n);
    if (measured) await exported(sink.spans, spansExpected);
    const before = { cpu: { on: cpuMs(servers.on.pid), off: cpuMs(servers.off.pid) }, bytes: sink.bytes(), model: modelTraffic("on") };
    const results = await Promise.all([inBatches(clients.on, message, concurrency), inBatches(clients.off, message, concurrency)]);
    errors += results.flat().filter((ok) => !ok).length;
    spansExpected += spansOf(n) * conversations;
    if (!measured) continue;
    await exported(sink.spans, spansExpected);
    const cpu = { on: (cpuMs(servers.on.pid) - before.cpu.on) / conversations, off: (cpuMs(servers.off.pid) - before.cpu.off) / conversations };
    const model = modelTraffic("on");
    const sent = (model.sentBytes - before.model.sentBytes) / conversations;
    const answered = (model.answeredBytes - before.model.answeredBytes) / conversations;
    const otlp = (sink.bytes() - before.bytes) / conversations;
    positions.push({
      turn: n,
      tool_call: spansOf(n) === 7,
      model_calls: (model.calls - before.model.calls) / conversations,
      model_bytes: { sent: Math.round(sent), answered: Math.round(answered), total: Math.round(sent + answered) },
      otlp_bytes: Math.round(otlp),
      otlp_to_model_ratio: round(otlp / (sent + answered), 2),
      server_cpu_ms_per_turn: { on: round(cpu.on, 2), off: round(cpu.off, 2) },
      tracing_cpu_ms_per_turn: round(cpu.on - cpu.off, 2),
    });
  }
  await exported(sink.spans, spansExpected);
  const all = conversations * turns;
  const model = modelTraffic("on");
  // Over all 25 turns: a CPU figure with 1,500 turns behind it (one position's 60 turns are at the mercy of one GC).
  const whole = {
    otlp_bytes_per_turn: Math.round((sink.bytes() - start.bytes) / all),
    model_bytes_per_turn: Math.round((model.sentBytes + model.answeredBytes - start.model.sentBytes - start.model.answeredBytes) / all),
    tracing_cpu_ms_per_turn: round((cpuMs(servers.on.pid) - start.on - (cpuMs(servers.off.pid) - start.off)) / all, 2),
  };
  const spansExported = sink.spans();
  const judged = positions.filter((p) => p.turn !== 5);
  return {
    conversations,
    turns,
    errors,
    positions,
    all_turns: whole,
    spans_expected: spansExpected,
    spans_exported: spansExported,
    target: `OTLP bytes <= ${target}x the model's own traffic at turns 1, 10 and 25`,
    met: errors === 0 && spansExported === spansExpected && judged.every((p) => p.otlp_to_model_ratio <= target),
  };
}

/** One turn in each conversation, `concurrency` at a time. */
async function inBatches(clients: ChatClient[], message: string, concurrency: number): Promise<boolean[]> {
  const results: boolean[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < clients.length) {
        const client = clients[next++]!;
        const result = await client.turn(message);
        if (!result.ok && results.filter((ok) => !ok).length < 3) console.error(`[bench] growth turn failed: ${result.error}`);
        results.push(result.ok);
      }
    }),
  );
  return results;
}

/** Waits (up to 30 s) until the sink has counted `count` spans. */
async function exported(spans: () => number, count: number) {
  const deadline = Date.now() + 30_000;
  while (spans() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}
