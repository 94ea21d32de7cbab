import { ChatClient, actionIds } from "./support/action-client";
import { cpuMs } from "./support/cpu";
import { percentile, round } from "./support/stats";

type Server = { url: string; pid: number };

/**
 * 1. What tracing costs per turn: the same turn (demo model, no delay, a tool
 * call) against two servers, tracing on and off, interleaved one turn at a time
 * so both see the same machine noise. Latency is from the Server Action request
 * to the last streamed byte, over loopback. Next to it, each server's own CPU time
 * per turn: what the turn costs, whatever else the machine was doing.
 */
export async function turnOverhead(
  servers: { on: Server; off: Server },
  {
    turns = 200,
    warmup = 20,
    target = 1.05,
    cpuTarget,
    why = "",
  }: { turns?: number; warmup?: number; target?: number; cpuTarget?: number; why?: string } = {},
) {
  const ids = actionIds();
  const timings = { on: [] as number[], off: [] as number[] };
  /** on minus off, for the two turns of one iteration (run back to back, so they share the machine's state). */
  const pairedDiffs: number[] = [];
  let errors = 0;
  const clients = { on: new ChatClient(servers.on.url, ids), off: new ChatClient(servers.off.url, ids) };
  let cpuBefore = { on: 0, off: 0 };
  for (let i = 0; i < warmup + turns; i++) {
    if (i === warmup) cpuBefore = { on: cpuMs(servers.on.pid), off: cpuMs(servers.off.pid) };
    if (i % 5 === 0) {
      // A new conversation every five turns keeps the history (and so the prompt) the same size on both sides.
      clients.on = new ChatClient(servers.on.url, ids);
      clients.off = new ChatClient(servers.off.url, ids);
      await Promise.all([clients.on.open(), clients.off.open()]);
    }
    const order: ("on" | "off")[] = i % 2 ? ["on", "off"] : ["off", "on"];
    const ms = { on: 0, off: 0 };
    for (const side of order) {
      const result = await clients[side].turn("What time is it in Tokyo?");
      if (!result.ok) errors++;
      ms[side] = result.ms;
    }
    if (i >= warmup) {
      timings.on.push(ms.on);
      timings.off.push(ms.off);
      pairedDiffs.push(ms.on - ms.off);
    }
  }
  // Includes opening the conversations (a page render and an action), the same on both sides.
  const cpuPerTurn = { on: (cpuMs(servers.on.pid) - cpuBefore.on) / turns, off: (cpuMs(servers.off.pid) - cpuBefore.off) / turns };
  const p50 = { on: percentile(timings.on, 50), off: percentile(timings.off, 50) };
  const p95 = { on: percentile(timings.on, 95), off: percentile(timings.off, 95) };
  return {
    turns,
    errors,
    p50_ms: { on: round(p50.on), off: round(p50.off) },
    p95_ms: { on: round(p95.on), off: round(p95.off) },
    p50_ratio: round(p50.on / p50.off, 3),
    p95_ratio: round(p95.on / p95.off, 3),
    /** The median of the back-to-back differences, added to off's p50: less moved by a burst that hits one side only. */
    paired_p50_ratio: round((p50.off + percentile(pairedDiffs, 50)) / p50.off, 3),
    server_cpu_ms_per_turn: { on: round(cpuPerTurn.on, 2), off: round(cpuPerTurn.off, 2) },
    tracing_cpu_ms_per_turn: round(cpuPerTurn.on - cpuPerTurn.off, 2),
    target: `p50 ratio <= ${target}${cpuTarget === undefined ? "" : `, tracing's CPU <= ${cpuTarget} ms a turn`}${why ? ` (${why})` : ""}`,
    met: p50.on / p50.off <= target && errors === 0 && (cpuTarget === undefined || cpuPerTurn.on - cpuPerTurn.off <= cpuTarget),
  };
}
