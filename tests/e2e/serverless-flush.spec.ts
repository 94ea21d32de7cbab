import { startApp, type AppServer } from "./support/app-server";
import { expect, sendAndWait, test } from "./support/fixtures";
import { sleep } from "./support/processes";
import { startFakeOtlpCollector, type CollectedSpan, type FakeOtlpCollector } from "../support/fake-otlp-collector";

/**
 * On Vercel a function can be frozen as soon as its response ends, with the turn's
 * spans still waiting in the batch processor. With VERCEL=1 the chat turn flushes
 * them from `after()`. Proof, against the production build in Chromium: the batch
 * delay is raised to 60 s (OTEL_BSP_SCHEDULE_DELAY, which the OpenInference batch
 * processor inherits from OpenTelemetry's), and a local OTLP collector records what
 * arrives and when.
 *
 * - VERCEL=1: every span of the turn has arrived a few seconds after the answer.
 * - Without it, the same turn delivers nothing in that window: the flush is what
 *   delivered them, not a timer. Stopping the app (SIGTERM exports the queue) then
 *   shows the spans did exist, waiting.
 */

const BATCH_DELAY_MS = 60_000;
// Far below the batch delay: a span seen within it was not delivered by the timer.
const DELIVERY_WINDOW_MS = 10_000;
// The demo model calls its clock tool for this: agent, steps, LLM calls and a tool span.
const QUESTION = "What time is it in Tokyo?";

type Running = { app: AppServer; collector: FakeOtlpCollector };

async function startTracedApp(name: string, logDir: string, env: Record<string, string>): Promise<Running> {
  const collector = await startFakeOtlpCollector();
  try {
    const app = await startApp({
      name,
      logDir,
      env: {
        PHOENIX_COLLECTOR_ENDPOINT: collector.url,
        PHOENIX_PROJECT_NAME: "serverless-flush",
        OTEL_BSP_SCHEDULE_DELAY: String(BATCH_DELAY_MS),
        // Empty means unset: only VERCEL decides whether each turn flushes.
        TRACING_FLUSH_EACH_TURN: "",
        AWS_LAMBDA_FUNCTION_NAME: "",
        ...env,
      },
    });
    return { app, collector };
  } catch (error) {
    await collector.stop();
    throw error;
  }
}

/** Stops the app the way a platform does (SIGTERM, which exports what is queued) and returns every span received. */
async function stopAndCollectAll({ app, collector }: Running): Promise<CollectedSpan[]> {
  await app.stop();
  const all = collector.spans();
  await collector.stop();
  expect(collector.errors()).toEqual([]);
  return all;
}

/** One turn's trace is whole when it has exactly one root and every other span's parent arrived too. */
function isWholeTrace(spans: CollectedSpan[]): boolean {
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => span.parentSpanId === undefined);
  return roots.length === 1 && spans.every((span) => span.parentSpanId === undefined || ids.has(span.parentSpanId));
}

function expectOneFullTurn(spans: CollectedSpan[]) {
  expect(new Set(spans.map((span) => span.traceId)).size, "one turn, one trace").toBe(1);
  expect(isWholeTrace(spans)).toBe(true);
  const kinds = spans.map((span) => span.attributes["openinference.span.kind"]);
  expect(kinds).toEqual(expect.arrayContaining(["LLM", "TOOL"]));
}

const spanIds = (spans: CollectedSpan[]) => spans.map((span) => span.spanId).sort();

test.describe("serverless flush", () => {
  test("with VERCEL=1, every span of a turn reaches the collector right after the answer, without waiting for the batch timer", async ({
    page,
    e2e,
  }) => {
    const running = await startTracedApp("app-vercel-flush", e2e.tempDir, { VERCEL: "1" });
    let all: CollectedSpan[] = [];
    let inWindow: CollectedSpan[] = [];
    try {
      await page.goto(running.app.url);
      await sendAndWait(page, QUESTION);
      // Polled from the moment the answer is complete; the window closes long before the batch timer.
      await expect
        .poll(() => isWholeTrace(running.collector.spans()), { timeout: DELIVERY_WINDOW_MS, intervals: [100] })
        .toBe(true);
      inWindow = running.collector.spans();
    } finally {
      all = await stopAndCollectAll(running);
    }
    // Nothing was still queued: shutting down exported no span the flush had not already sent.
    expect(spanIds(inWindow)).toEqual(spanIds(all));
    expectOneFullTurn(all);
  });

  test("without VERCEL=1, the same turn's spans wait in the batch (so the flush is what delivered them above)", async ({ page, e2e }) => {
    const running = await startTracedApp("app-no-flush", e2e.tempDir, { VERCEL: "" });
    let all: CollectedSpan[] = [];
    let inWindow: CollectedSpan[] = [];
    try {
      await page.goto(running.app.url);
      await sendAndWait(page, QUESTION);
      // Absence can only be shown by waiting the whole window.
      await sleep(DELIVERY_WINDOW_MS);
      inWindow = running.collector.spans();
    } finally {
      all = await stopAndCollectAll(running);
    }
    expect(inWindow).toEqual([]);
    // They existed all along: the shutdown export delivered the whole turn.
    expectOneFullTurn(all);
  });
});
