import { ChatClient, actionIds } from "./support/action-client";
import { rssMiB } from "./support/rss";
import { round } from "./support/stats";

const MESSAGES = ["What time is it in Tokyo?", "Tell me about sessions", "Hello!", "What time is it in Paris?"];

/**
 * 5. Memory: the server's resident memory after 200 turns, and after 2,000 turns
 * spread over 500 sessions (tracing on, exporting). A third reading after 4,000
 * turns in 1,000 sessions tells warm-up (V8 sizing its heap to the allocation
 * rate, which levels off) from a leak (which keeps growing with every session).
 */
export async function memory(appUrl: string, serverPid: number) {
  const ids = actionIds();
  let turnsDone = 0;
  let errors = 0;
  const runTurns = async (sessions: number, turnsPerSession: number, concurrency = 10) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < sessions) {
          next++;
          const client = new ChatClient(appUrl, ids);
          await client.open();
          for (let t = 0; t < turnsPerSession; t++) {
            const result = await client.turn(MESSAGES[t % MESSAGES.length]!);
            if (!result.ok) errors++;
            turnsDone++;
          }
        }
      }),
    );
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

  const idle = rssMiB(serverPid);
  await runTurns(50, 4);
  await settle();
  const after200 = rssMiB(serverPid);
  await runTurns(450, 4);
  await settle();
  const after2000 = rssMiB(serverPid);
  await runTurns(500, 4);
  await settle();
  const after4000 = rssMiB(serverPid);
  const growth = (after2000 - after200) / after200;
  const steadyGrowth = (after4000 - after2000) / after2000;
  return {
    turns: turnsDone,
    sessions: 1_000,
    errors,
    rss_idle_mib: round(idle),
    rss_after_200_turns_mib: round(after200),
    rss_after_2000_turns_mib: round(after2000),
    rss_after_4000_turns_mib: round(after4000),
    growth_percent: round(growth * 100),
    steady_state_growth_percent: round(steadyGrowth * 100),
    target: "growth 200 -> 2,000 turns < 10%",
    met: growth < 0.1 && errors === 0,
  };
}
