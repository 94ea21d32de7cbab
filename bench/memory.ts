import { ChatClient, actionIds } from "./support/action-client";
import { rssMiB } from "./support/servers";
import { round } from "./support/stats";

const MESSAGES = ["What time is it in Tokyo?", "Tell me about sessions", "Hello!", "What time is it in Paris?"];

/**
 * 5. Memory: the server's resident memory after 200 turns, and after 2,000 turns
 * spread over 500 sessions (tracing on, exporting). Growth shows what a long-
 * running server keeps per session or per turn.
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
  const growth = (after2000 - after200) / after200;
  return {
    turns: turnsDone,
    sessions: 500,
    errors,
    rss_idle_mib: round(idle),
    rss_after_200_turns_mib: round(after200),
    rss_after_2000_turns_mib: round(after2000),
    growth_percent: round(growth * 100),
    target: "growth < 10%",
    met: growth < 0.1 && errors === 0,
  };
}
