import { allSpans, attribute, fetchSession } from "../tests/e2e/support/phoenix-api";
import { ChatClient, actionIds } from "./support/action-client";
import { percentile, round } from "./support/stats";

const TOOL_TURN = "What time is it in Tokyo?";
const TEXT_TURN = "Tell me about sessions";
/** chat.turn + invoke_agent + step + chat (+ step 2 + chat + execute_tool for the tool turn). */
const SPANS_PER_TURN = { [TOOL_TURN]: 7, [TEXT_TURN]: 4 } as const;
const SCRIPT = [TOOL_TURN, TEXT_TURN, TOOL_TURN, TEXT_TURN, TOOL_TURN] as const;

/**
 * 3. Many sessions at once: 50 sessions of 5 turns each, all at the same time,
 * over HTTP against `next start` exporting to a local Phoenix. Then asks Phoenix
 * what it received: every span, none carrying another session's id.
 */
export async function manySessions(appUrl: string, phoenixUrl: string, sessions = 50) {
  const ids = actionIds();
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
  const seconds = (performance.now() - started) / 1000;

  const expectedPerSession = SCRIPT.reduce((sum, message) => sum + SPANS_PER_TURN[message], 0);
  const received = await spansInPhoenix(phoenixUrl, clients, expectedPerSession);
  return {
    sessions,
    turns: sessions * SCRIPT.length,
    turns_per_second: round(latencies.length / seconds),
    p95_turn_ms: round(percentile(latencies, 95)),
    errors,
    spans_expected: expectedPerSession * sessions,
    spans_received: received.spans,
    spans_with_foreign_session: received.foreign,
    target: "0 errors, every span received, none foreign",
    met: errors === 0 && received.spans === expectedPerSession * sessions && received.foreign === 0,
  };
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
