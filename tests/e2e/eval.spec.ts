import { copyFileSync, existsSync } from "node:fs";
import type { Browser, Page } from "@playwright/test";
import { startApp, type AppServer } from "./support/app-server";
import { readState } from "./support/e2e-state";
import { projectSpans, runEval, sessionAnnotations, sessionCount, type StoredSessionAnnotation } from "./support/eval-cli";
import { answers, expect, messageBox, sendAndWait, sessionIdOf, test } from "./support/fixtures";
import { fetchTraceAnnotations, waitForAnnotations } from "./support/phoenix-annotations";
import { waitForSession } from "./support/phoenix-api";
import { freePort } from "./support/processes";
import { startFakeOpenAIJudge } from "../support/fake-openai-judge";

/**
 * `npm run eval` against the real Phoenix the suite starts: conversations made in
 * Chromium with the app (its own instance and project, a budget of 2 turns so a third
 * is refused), then the command run as a child process, its verdicts read back from
 * Phoenix's REST API. The LLM judge talks to a local OpenAI-compatible fake.
 */

const DOCS_SCREENSHOT = "docs/phoenix-session-evals.png";
const CODE_NAMES = ["turn_count", "failed_turns", "refused_turns", "stopped_turns", "feedback_summary", "repeated_question"];
const QUESTION = "How do sessions work in Phoenix?";
const COMMENT = "Too vague: which span carries session.id?";

test.describe.configure({ mode: "serial" });

let app: AppServer;
const projectName = `eval-e2e-${Date.now()}`;
const sessions = { refused: "", votedDown: "", failedAndStopped: "" };

async function traceIdOfAnswer(page: Page, sessionId: string, index: number): Promise<string> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), `phoenix-chat:conv:${sessionId}`);
  const { messages } = JSON.parse(raw!) as { messages: { role: string; metadata?: { traceId?: string } }[] };
  const traceId = messages.filter((m) => m.role === "assistant")[index]?.metadata?.traceId;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  return traceId!;
}

/** Each conversation from a browser of its own: a new user, a new budget. */
async function converse(browser: Browser, run: (page: Page) => Promise<void>): Promise<string> {
  const context = await browser.newContext({ baseURL: app.url });
  try {
    const page = await context.newPage();
    await page.goto("/");
    await run(page);
    return await sessionIdOf(page);
  } finally {
    await context.close();
  }
}

test.beforeAll(async ({ browser }) => {
  const e2e = readState();
  app = await startApp({
    name: "eval",
    logDir: e2e.tempDir,
    env: {
      PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url,
      PHOENIX_PROJECT_NAME: projectName,
      TURN_LIMIT_FREE: "2",
      // Slow enough to press Stop while a long story streams.
      DEMO_MODEL_DELAY_MS: "15",
    },
  });

  sessions.refused = await converse(browser, async (page) => {
    await sendAndWait(page, "Hello!");
    await sendAndWait(page, "What time is it in Tokyo?");
    await messageBox(page).fill("Hello again");
    await messageBox(page).press("Enter");
    await expect(page.getByTestId("turn-refused")).toBeVisible();
  });

  sessions.votedDown = await converse(browser, async (page) => {
    await sendAndWait(page, QUESTION);
    await sendAndWait(page, QUESTION);
    // The vote once its trace is in Phoenix, so it is written at once: a vote Phoenix queues
    // lands later over the comment, which the app writes once more ~13 s after (feedback.spec
    // and tests/integration/feedback-submit cover that); an eval in between would miss it.
    const sessionId = await sessionIdOf(page);
    await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2);
    const first = answers(page).first();
    await first.getByTestId("feedback-down").click();
    await first.getByTestId("feedback-comment").fill(COMMENT);
    await first.getByTestId("feedback-submit").click();
    await expect(first.getByTestId("feedback-comment")).toBeHidden();
    // Both writes in Phoenix (the thumb and its comment), before any eval reads them.
    const traceId = await traceIdOfAnswer(page, sessionId, 0);
    await waitForAnnotations(
      () => fetchTraceAnnotations(e2e.phoenix.url, traceId),
      (a) => a.length === 1 && a[0]!.label === "negative" && a[0]!.explanation === COMMENT,
    );
  });

  sessions.failedAndStopped = await converse(browser, async (page) => {
    await sendAndWait(page, "Simulate a 401 from the provider", "error");
    await messageBox(page).fill("Write a long story about a lighthouse keeper");
    await messageBox(page).press("Enter");
    await expect(answers(page).nth(1)).toHaveAttribute("data-status", "streaming");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(answers(page).nth(1)).toHaveAttribute("data-status", "stopped");
  });

  // Spans are exported in batches: wait until Phoenix has every turn (and the stopped one's outcome).
  await waitForSession(e2e.phoenix.url, sessions.refused, (s) => s.numTraces === 3);
  await waitForSession(e2e.phoenix.url, sessions.votedDown, (s) => s.numTraces === 2);
  await waitForSession(e2e.phoenix.url, sessions.failedAndStopped, (s) => s.numTraces === 2);
});

test.afterAll(async () => app?.stop());

const byName = (annotations: StoredSessionAnnotation[], sessionId: string) =>
  Object.fromEntries(annotations.filter((a) => a.session_id === sessionId).map((a) => [a.name, a]));

test("npm run eval writes the expected verdicts on the right sessions; a second run updates them instead of adding", async ({ e2e }) => {
  const env = { PHOENIX_COLLECTOR_ENDPOINT: `${e2e.phoenix.url}/v1/traces`, PHOENIX_PROJECT_NAME: projectName };
  const run = await runEval(["--since", "1h"], env);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toContain(`[eval] 3 sessions of "${projectName}" at ${e2e.phoenix.url} (active since`);
  expect(run.stdout).toContain("LLM judge skipped: neither OPENAI_API_KEY nor OPENAI_BASE_URL is set");
  expect(run.stdout).toContain(`Project "${projectName}": 3 of 3 sessions evaluated and written.`);
  expect(run.stdout).toMatch(/refused_turns\s+CODE\s+3\s+none 2, some 1\s+0\s+0/);
  expect(run.stdout).toMatch(/feedback_summary\s+CODE\s+3\s+no_feedback 2, negative 1\s+0\s+0/);
  expect(run.stdout).toMatch(/goal_met\s+LLM\s+-\s+\(judge skipped\)/);
  // The progress bar goes to stderr; without a terminal (here, CI) as plain lines.
  expect(run.stderr).toContain("[eval] ████████████████████████████████████████ 3/3 sessions");

  const ids = Object.values(sessions);
  const written = await sessionAnnotations(e2e.phoenix.url, projectName, ids);
  for (const id of ids) {
    const mine = written.filter((a) => a.session_id === id);
    expect(mine.map((a) => a.name).sort(), id).toEqual([...CODE_NAMES].sort());
    for (const a of mine) expect([a.annotator_kind, a.identifier]).toEqual(["CODE", `eval:${a.name}`]);
  }

  const refused = byName(written, sessions.refused);
  expect(refused.turn_count!.result).toEqual({ label: "multi_turn", score: 3, explanation: "3 turns: 2 answered, 1 refused." });
  expect(refused.refused_turns!.result).toMatchObject({ label: "some", score: 0.333 });
  expect(refused.refused_turns!.result!.explanation).toMatch(/^1 of 3 turns refused by the turn limits: turn 3 "Hello again": You have used the 2 turns/);
  expect(refused.failed_turns!.result!.label).toBe("none");
  expect(refused.refused_turns!.metadata).toMatchObject({ turns: 3 });

  const votedDown = byName(written, sessions.votedDown);
  expect(votedDown.feedback_summary!.result).toEqual({
    label: "negative",
    score: 1,
    explanation: `1 of 1 vote thumbs down: 1 answer down (turn 1 "${COMMENT}").`,
  });
  expect(votedDown.repeated_question!.result).toMatchObject({ label: "repeated", score: 0.5 });
  expect(votedDown.refused_turns!.result!.label).toBe("none");

  const failedAndStopped = byName(written, sessions.failedAndStopped);
  expect(failedAndStopped.failed_turns!.result).toEqual({
    label: "some",
    score: 0.5,
    explanation: '1 of 2 turns failed: turn 1 "Simulate a 401 from the provider": Incorrect API key provided (simulated by the demo model).',
  });
  expect(failedAndStopped.stopped_turns!.result).toMatchObject({ label: "some", score: 0.5 });
  expect(failedAndStopped.turn_count!.result!.explanation).toBe("2 turns: 1 stopped, 1 failed.");

  // Again: Phoenix upserts on (name, session, identifier), so the same annotations, updated.
  const again = await runEval([], env);
  expect(again.code, again.stdout + again.stderr).toBe(0);
  const rewritten = await sessionAnnotations(e2e.phoenix.url, projectName, ids);
  expect(rewritten).toHaveLength(written.length);
  expect(rewritten.map((a) => [a.session_id, a.name, a.result?.label]).sort()).toEqual(
    written.map((a) => [a.session_id, a.name, a.result?.label]).sort(),
  );
});

test("the LLM judge (a local OpenAI-compatible server) writes goal_met; its calls are traced to <project>-evals, never to the chat's sessions", async ({
  e2e,
  page,
}, testInfo) => {
  const judge = await startFakeOpenAIJudge((conversation) => ({
    goal: "To learn how Phoenix groups a conversation's turns.",
    verdict: conversation.includes(QUESTION) ? "partially_met" : "met",
    explanation: "Turn 1 answered in general terms; the user asked again in turn 2 and voted the first answer down.",
  }));
  try {
    const chatSessionsBefore = await sessionCount(e2e.phoenix.url, projectName);
    const run = await runEval(["--session", sessions.votedDown], {
      PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url,
      PHOENIX_PROJECT_NAME: projectName,
      OPENAI_API_KEY: "sk-e2e-judge",
      OPENAI_BASE_URL: judge.baseURL,
      EVAL_MODEL: "judge-e2e",
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`LLM judge: judge-e2e at ${judge.baseURL}, traced to project "${projectName}-evals"`);
    expect(run.stdout).toMatch(/goal_met\s+LLM\s+1\s+partially_met 1\s+0\s+0/);

    expect(judge.requests).toHaveLength(1);
    expect(judge.requests[0]!.messages.at(-1)!.content).toContain(`User: ${QUESTION}`);
    const written = await sessionAnnotations(e2e.phoenix.url, projectName, Object.values(sessions));
    const verdicts = written.filter((a) => a.name === "goal_met");
    expect(verdicts).toEqual([
      {
        ...verdicts[0],
        session_id: sessions.votedDown,
        annotator_kind: "LLM",
        identifier: "eval:goal_met",
        result: {
          label: "partially_met",
          score: 0.5,
          explanation:
            "Goal: To learn how Phoenix groups a conversation's turns. Turn 1 answered in general terms; the user asked again in turn 2 and voted the first answer down.",
        },
        metadata: expect.objectContaining({ model: "judge-e2e", turns: 2 }),
      },
    ]);

    // The judge's spans land in the evals project (ingestion is asynchronous), as calls, not sessions.
    const judgeSpans = async () => {
      const spans = await projectSpans(e2e.phoenix.url, `${projectName}-evals`);
      return {
        spans,
        root: spans.find((s) => s.parent_id === null && s.name === "invoke_agent session_goal_judge"),
        llm: spans.find((s) => s.span_kind === "LLM"),
      };
    };
    await expect
      .poll(async () => {
        const { root, llm } = await judgeSpans();
        return Boolean(root && llm);
      }, { timeout: 30_000 })
      .toBe(true);
    const { spans, root: judgeRoot, llm } = await judgeSpans();
    const root = judgeRoot!;
    expect(llm!.attributes["llm.model_name"]).toBe("judge-e2e");
    for (const span of spans) expect(span.attributes["session.id"], span.name).toBeUndefined();
    expect(root.attributes["metadata.evaluated_session_id"]).toBe(sessions.votedDown);
    expect(await sessionCount(e2e.phoenix.url, `${projectName}-evals`)).toBe(0);
    expect(await sessionCount(e2e.phoenix.url, projectName)).toBe(chatSessionsBefore);

    // Phoenix's view of that session: the verdicts beside the user's vote (screenshot for the docs).
    // Wide enough for every score in the session's header and the explanations in one view.
    await page.setViewportSize({ width: 1680, height: 1050 });
    await page.goto(`${e2e.phoenix.url}/redirects/sessions/${sessions.votedDown}`);
    await page.waitForURL(/\/projects\/[^/]+\/sessions\/[^/]+/, { timeout: 30_000 });
    // Phoenix's UI loads slowly on a busy machine the first time.
    await page.getByRole("tab", { name: /Annotations/ }).click({ timeout: 30_000 });
    for (const name of [...CODE_NAMES, "goal_met"]) await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
    await expect(page.getByText("partially_met", { exact: true })).toBeVisible();
    await expect(page.getByText(`1 of 1 vote thumbs down: 1 answer down (turn 1 "${COMMENT}").`)).toBeVisible();
    const shot = testInfo.outputPath("phoenix-session-evals.png");
    await page.screenshot({ path: shot });
    // The docs' copy changes only on request (or when missing): every run's ids differ.
    if (process.env.E2E_UPDATE_DOCS === "1" || !existsSync(DOCS_SCREENSHOT)) copyFileSync(shot, DOCS_SCREENSHOT);
  } finally {
    await judge.close();
  }
});

test("Phoenix unreachable, or a project it does not have: one clear error, exit 1, nothing written", async ({ e2e }) => {
  const down = `http://127.0.0.1:${await freePort()}`;
  const unreachable = await runEval([], { PHOENIX_COLLECTOR_ENDPOINT: down, PHOENIX_PROJECT_NAME: projectName });
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toContain(
    `[eval] Cannot reach Phoenix at ${down} (ECONNREFUSED). Is it running? Check PHOENIX_COLLECTOR_ENDPOINT (start one with \`npm run phoenix\`).\n[eval] Nothing was written.`,
  );

  const before = await sessionAnnotations(e2e.phoenix.url, projectName, Object.values(sessions));
  const typo = await runEval([], { PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url, PHOENIX_PROJECT_NAME: `${projectName}-typo` });
  expect(typo.code).toBe(1);
  expect(typo.stderr).toMatch(
    new RegExp(`\\[eval\\] Phoenix at ${e2e.phoenix.url} has no project "${projectName}-typo" \\(PHOENIX_PROJECT_NAME\\)\\. Its projects: .*"${projectName}"`),
  );
  expect(typo.stdout).not.toContain("sessions of");
  expect(await sessionAnnotations(e2e.phoenix.url, projectName, Object.values(sessions))).toHaveLength(before.length);

  const badFlag = await runEval(["--since", "yesterday"], { PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url, PHOENIX_PROJECT_NAME: projectName });
  expect(badFlag.code).toBe(1);
  expect(badFlag.stderr).toContain('--since takes a duration (30m, 24h, 7d) or an ISO date');
});
