import { startApp } from "./support/app-server";
import { expect, sendAndWait, test } from "./support/fixtures";
import { startFakeOtlpCollector, type CollectedSpan } from "../support/fake-otlp-collector";

/**
 * Every deploy and restart sends the server SIGTERM. Before lib/tracing flushed on
 * shutdown, the turns of the last few seconds were lost (10 finished turns, 0 spans
 * received). Against the production build (`next start`, with Next's own SIGTERM
 * handling): 10 turns in Chromium with the batch delay raised to ten minutes, so the
 * timer delivers nothing; then SIGTERM, and a local OTLP collector must hold all 10.
 */

const TURNS = 10;

test("SIGTERM after 10 turns through next start delivers every span of every turn", async ({ page, e2e }) => {
  test.setTimeout(180_000);
  const collector = await startFakeOtlpCollector();
  const app = await startApp({
    name: "app-shutdown-flush",
    logDir: e2e.tempDir,
    env: {
      PHOENIX_COLLECTOR_ENDPOINT: collector.url,
      PHOENIX_PROJECT_NAME: "shutdown-flush",
      OTEL_BSP_SCHEDULE_DELAY: "600000",
      TRACING_FLUSH_EACH_TURN: "false",
      VERCEL: "",
      AWS_LAMBDA_FUNCTION_NAME: "",
    },
  });
  let beforeStop: CollectedSpan[] = [];
  let all: CollectedSpan[] = [];
  try {
    await page.goto(app.url);
    for (let i = 0; i < TURNS; i++) await sendAndWait(page, i % 2 ? "What time is it in Tokyo?" : `Hello number ${i}`);
    beforeStop = collector.spans();
  } finally {
    await app.stop(); // SIGTERM, as a platform sends it
    all = collector.spans();
    await collector.stop();
  }
  expect(beforeStop, "nothing was exported on the batch timer").toEqual([]);
  expect(collector.errors()).toEqual([]);

  const traces = new Map<string, CollectedSpan[]>();
  for (const span of all) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  expect(traces.size).toBe(TURNS);
  for (const [traceId, spans] of traces) {
    const ids = new Set(spans.map((span) => span.spanId));
    const roots = spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => span.name), traceId).toEqual(["chat.turn"]);
    expect(roots[0]!.attributes["chat.turn.outcome"], traceId).toBe("completed");
    // Whole: every span's parent arrived too, and the model's span is among them.
    expect(spans.every((span) => span.parentSpanId === undefined || ids.has(span.parentSpanId)), traceId).toBe(true);
    expect(spans.map((span) => span.attributes["openinference.span.kind"]), traceId).toContain("LLM");
  }
});
