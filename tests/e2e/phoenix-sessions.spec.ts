import { copyFileSync, existsSync } from "node:fs";
import type { Browser, Page } from "@playwright/test";
import { answers, expect, sendAndWait, sessionIdOf, test } from "./support/fixtures";
import { allSpans, attribute, waitForSession, type PhoenixSession, type PhoenixSpan } from "./support/phoenix-api";

const DOCS_SCREENSHOT = "docs/phoenix-session.png";
const DOCS_LLM_SPAN_SCREENSHOT = "docs/phoenix-llm-span.png";

/** The README's screenshots change only on request (or when missing): every run's ids differ. */
function keepForDocs(shot: string, docsPath: string) {
  if (process.env.E2E_UPDATE_DOCS === "1" || !existsSync(docsPath)) copyFileSync(shot, docsPath);
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/**
 * The raw (Markdown) answers the browser keeps for this conversation, as Phoenix should
 * have them: each answer's text parts joined (every step's text, as the turn span records it).
 */
async function rawAnswers(page: Page, sessionId: string): Promise<string[]> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), `phoenix-chat:conv:${sessionId}`);
  expect(raw, "the conversation stored in this browser").not.toBeNull();
  const { messages } = JSON.parse(raw!) as { messages: { role: string; parts: { type: string; text?: string }[] }[] };
  return messages
    .filter((m) => m.role === "assistant")
    .map((m) => m.parts.map((part) => (part.type === "text" ? part.text : "")).join(""));
}

const identity = async (page: Page) => ({
  sessionId: await sessionIdOf(page),
  userId: (await page.getByTestId("user-id").innerText()).trim(),
});

function expectEverySpanBelongsTo(session: PhoenixSession, sessionId: string, userId: string) {
  const spans = allSpans(session);
  expect(spans.length).toBeGreaterThan(0);
  for (const span of spans) {
    expect(attribute(span, "session.id"), span.name).toBe(sessionId);
    expect(attribute(span, "user.id"), span.name).toBe(userId);
    expect(attribute(span, "gen_ai.conversation.id"), span.name).toBe(sessionId);
  }
}

async function openChat(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/");
  return { context, page };
}

test.describe("what Phoenix's Sessions view shows", () => {
  test("a three-turn conversation is one session with three traces, right in every span", async ({ page, e2e }) => {
    await page.goto("/");
    const { sessionId, userId } = await identity(page);
    const questions = ["Hello!", "What time is it in Tokyo?", "How do sessions work in Phoenix?"];
    for (const question of questions) await sendAndWait(page, question);
    const said = await rawAnswers(page, sessionId);

    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 3 && s.lastOutput !== null);
    expect(session.firstInput).toBe(questions[0]);
    expect(session.lastOutput).toBe(said[2]);
    expect(session.userId).toBe(userId);
    expect(session.tokenTotal).toBeGreaterThan(0);

    for (const span of allSpans(session)) {
      expect(attribute(span, "metadata.tier"), span.name).toBe("free");
      expect(attribute(span, "metadata.region"), span.name).toBe("local");
    }
    expectEverySpanBelongsTo(session, sessionId, userId);

    const roots = session.traces.map((trace) => trace.spans.filter((span) => span.parentId === null));
    for (const rootsOfTrace of roots) expect(rootsOfTrace).toHaveLength(1);
    const byInput = new Map(session.traces.map((trace) => [attribute(trace.rootSpan!, "input.value"), trace]));
    questions.forEach((question, i) => {
      const trace = byInput.get(question)!;
      expect(trace, question).toBeDefined();
      expect(trace.rootSpan!.name).toBe("chat.turn");
      expect(attribute(trace.rootSpan!, "output.value")).toBe(said[i]);
    });

    // The tool turn keeps the AI SDK's names and kinds; its LLM spans carry tokens.
    const toolTrace = byInput.get(questions[1])!;
    const kinds = Object.fromEntries(toolTrace.spans.map((span) => [span.name, span.spanKind]));
    expect(kinds).toMatchObject({
      "chat.turn": "chain",
      "invoke_agent demo-chat-1": "agent",
      "chat demo-chat-1": "llm",
      "execute_tool get_current_time": "tool",
    });
    for (const llm of toolTrace.spans.filter((span) => span.spanKind === "llm")) {
      expect(attribute(llm, "llm.model_name")).toBe("demo-chat-1");
      expect(attribute(llm, "llm.token_count.total") as number).toBeGreaterThan(0);
    }
  });

  test("New conversation: a second session for the same user, the first unchanged", async ({ page, e2e }) => {
    await page.goto("/");
    const first = await identity(page);
    await sendAndWait(page, "Hello!");
    await sendAndWait(page, "What time is it in Berlin?");
    await waitForSession(e2e.phoenix.url, first.sessionId, (s) => s.numTraces === 2);

    await page.getByTestId("new-conversation").click();
    await expect(page.getByTestId("session-id")).not.toHaveText(first.sessionId);
    const second = await identity(page);
    expect(second.userId).toBe(first.userId);
    await sendAndWait(page, "Tell me about tracing");

    const secondSession = await waitForSession(e2e.phoenix.url, second.sessionId, (s) => s.numTraces === 1);
    expect(secondSession.userId).toBe(first.userId);
    expect(secondSession.firstInput).toBe("Tell me about tracing");
    expectEverySpanBelongsTo(secondSession, second.sessionId, first.userId);
    const firstSession = await waitForSession(e2e.phoenix.url, first.sessionId, () => true);
    expect(firstSession.numTraces).toBe(2);
    expect(firstSession.firstInput).toBe("Hello!");
  });

  test("two users chatting at the same time: two sessions, no span in the wrong one", async ({ browser, baseURL, e2e }) => {
    const alice = await openChat(browser, baseURL!);
    const bob = await openChat(browser, baseURL!);
    const aliceId = await identity(alice.page);
    const bobId = await identity(bob.page);
    expect(aliceId.userId).not.toBe(bobId.userId);

    const aliceQuestions = ["Hello!", "What time is it in Sydney?", "Write a long story about Alice"];
    const bobQuestions = ["What time is it in Mumbai?", "Write a long story about Bob", "Tell me about spans"];
    await Promise.all([
      (async () => {
        for (const q of aliceQuestions) await sendAndWait(alice.page, q);
      })(),
      (async () => {
        for (const q of bobQuestions) await sendAndWait(bob.page, q);
      })(),
    ]);

    for (const [who, questions] of [
      [aliceId, aliceQuestions],
      [bobId, bobQuestions],
    ] as const) {
      const session = await waitForSession(e2e.phoenix.url, who.sessionId, (s) => s.numTraces === 3);
      expectEverySpanBelongsTo(session, who.sessionId, who.userId);
      const inputs = session.traces.map((trace) => attribute(trace.rootSpan!, "input.value")).sort();
      expect(inputs).toEqual([...questions].sort());
    }
    await alice.context.close();
    await bob.context.close();
  });

  test("a reload in the middle of a conversation: the next turn lands in the same session", async ({ page, e2e }) => {
    await page.goto("/");
    const { sessionId, userId } = await identity(page);
    await sendAndWait(page, "Hello!");
    await page.reload();
    await expect(answers(page)).toHaveCount(1);
    await sendAndWait(page, "What time is it in London?");
    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2);
    expectEverySpanBelongsTo(session, sessionId, userId);
    expect(session.firstInput).toBe("Hello!");
  });

  test("a changed tier shows up in the next turn's metadata", async ({ page, e2e }) => {
    await page.goto("/");
    const { sessionId } = await identity(page);
    await sendAndWait(page, "Hello!");
    await page.getByTestId("tier-select").selectOption("pro");
    await expect(page.getByTestId("tier-select")).toHaveValue("pro");
    await sendAndWait(page, "Tell me about sessions");

    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2);
    const tierOf = (input: string) => {
      const trace = session.traces.find((t) => attribute(t.rootSpan!, "input.value") === input)!;
      return [...new Set(trace.spans.map((span) => attribute(span, "metadata.tier")))];
    };
    expect(tierOf("Hello!")).toEqual(["free"]);
    expect(tierOf("Tell me about sessions")).toEqual(["pro"]);
  });

  test("Stop and a provider failure are visible on the turn's root span", async ({ page, e2e }) => {
    await page.goto("/");
    const { sessionId } = await identity(page);
    await page.getByRole("textbox", { name: "Message" }).fill("Write a long story about a stopped clock");
    await page.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect(answers(page).first().getByTestId("answer-text")).toContainText("stopped clock");
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(answers(page).first()).toHaveAttribute("data-status", "stopped");
    await sendAndWait(page, "Simulate a 401 from the provider", "error");

    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2);
    const root = (input: string) => session.traces.find((t) => attribute(t.rootSpan!, "input.value") === input)!.rootSpan!;
    const stopped = root("Write a long story about a stopped clock");
    expect(attribute(stopped, "chat.turn.outcome")).toBe("stopped");
    expect(stopped.statusCode).toBe("OK");
    const failed = root("Simulate a 401 from the provider");
    expect(attribute(failed, "chat.turn.outcome")).toBe("failed");
    expect(failed.statusCode).toBe("ERROR");
  });

  test("closing the tab mid-answer stops the generation: the turn is recorded as stopped", async ({ browser, baseURL, e2e }) => {
    const { context, page } = await openChat(browser, baseURL!);
    const { sessionId } = await identity(page);
    await page.getByRole("textbox", { name: "Message" }).fill("Write a long story about an abandoned tab");
    await page.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect(answers(page).first().getByTestId("answer-text")).toContainText("abandoned tab");
    await context.close();

    // The root span ends last and can arrive in a later export than its children: wait for it.
    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 1 && s.traces[0]!.rootSpan !== null, 60_000);
    const root = session.traces[0]!.rootSpan!;
    expect(attribute(root, "chat.turn.outcome")).toBe("stopped");
    // Far short of the whole story: the server stopped generating when the browser left.
    expect(String(attribute(root, "output.value")).length).toBeLessThan(1_500);
  });

  test('"Open in Phoenix" lands on this session\'s page in Phoenix', async ({ page, e2e }, testInfo) => {
    await page.goto("/");
    const { sessionId } = await identity(page);
    await sendAndWait(page, "Hello from the deep-link test");
    await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 1);

    const link = page.getByTestId("open-in-phoenix");
    await expect(link).toHaveAttribute("href", `${e2e.phoenix.url}/redirects/sessions/${sessionId}`);
    const [phoenixPage] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
    await phoenixPage.waitForURL(/\/projects\/[^/]+\/sessions\/[^/]+/, { timeout: 30_000 });
    await expect(phoenixPage.getByText(sessionId).first()).toBeVisible({ timeout: 30_000 });
    await phoenixPage.waitForLoadState("networkidle");
    await expect(phoenixPage.getByText("Hello from the deep-link test").first()).toBeVisible({ timeout: 30_000 });
    const shot = testInfo.outputPath("phoenix-session.png");
    await phoenixPage.screenshot({ path: shot, fullPage: true });
    keepForDocs(shot, DOCS_SCREENSHOT);

    // Each answer links to its own trace, too.
    const traceHref = await answers(page).first().getByTestId("trace-link").getAttribute("href");
    expect(traceHref).toMatch(new RegExp(`^${e2e.phoenix.url}/redirects/traces/[0-9a-f]{32}$`));
  });

  test("a tool turn in Phoenix's trace view: the tree, the LLM span's messages each shown once, the tool's call, the token counts", async ({
    page,
    e2e,
  }, testInfo) => {
    await page.goto("/");
    const { sessionId } = await identity(page);
    await sendAndWait(page, "Hello!");
    const answer = await sendAndWait(page, "What time is it in Tokyo?");
    const said = await rawAnswers(page, sessionId);
    // A trace's spans can arrive in two exports (the root ends last): wait for the tool turn's root too.
    const isToolTurn = (t: { rootSpan: PhoenixSpan | null }) => t.rootSpan !== null && attribute(t.rootSpan, "input.value") === "What time is it in Tokyo?";
    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2 && s.lastOutput !== null && s.traces.some(isToolTurn));
    const toolTrace = session.traces.find(isToolTurn)!;
    const llmTokens = (spans: PhoenixSpan[]) => spans.filter((s) => s.spanKind === "llm").map((s) => attribute(s, "llm.token_count.total") as number);
    // The session's token count is its LLM spans' and nothing else's (an agent span's own total is not added on top).
    expect(session.tokenTotal).toBe(llmTokens(allSpans(session)).reduce((sum, n) => sum + n, 0));

    const phoenix = await page.context().newPage();
    await phoenix.setViewportSize({ width: 1600, height: 1000 });
    await phoenix.goto((await answer.getByTestId("trace-link").getAttribute("href"))!);
    const tree = phoenix.getByTestId("trace-tree").first();
    await expect(tree).toBeVisible({ timeout: 30_000 });
    for (const name of ["chat.turn", "invoke_agent demo-chat-1", "step 1", "step 2", "execute_tool get_current_time"]) {
      await expect(tree.getByText(name, { exact: true })).toBeVisible();
    }
    await expect(tree.getByText("chat demo-chat-1", { exact: true })).toHaveCount(2);
    for (const tokens of llmTokens(toolTrace.spans)) await expect(tree.getByText(String(tokens), { exact: true })).toBeVisible();

    // The LLM span that answered: the whole conversation as messages, each shown once, then its answer.
    await tree.getByText("chat demo-chat-1", { exact: true }).nth(1).click();
    const details = phoenix.getByTestId("span-details");
    await expect(details.getByText(/^Tool Result: /)).toBeVisible();
    const shown = await details.innerText();
    const expected = ["system", "You are a concise, friendly assistant", "user", "Hello!", "assistant", said[0]!.slice(0, 40), "user", "What time is it in Tokyo?", "assistant", 'get_current_time({"timeZone":"Asia/Tokyo"})', "tool", "Tool Result:", '"localTime"', "Output", said[1]!];
    let from = 0;
    for (const part of expected) {
      const at = shown.indexOf(part, from);
      expect(at, `"${part}" after position ${from} in the LLM span's details`).toBeGreaterThanOrEqual(0);
      from = at + part.length;
    }
    // The tool's result once: it was shown twice while each message also carried its text as `contents`.
    expect(occurrences(shown, '"localTime"')).toBe(1);
    const shot = testInfo.outputPath("phoenix-llm-span.png");
    await phoenix.screenshot({ path: shot });
    keepForDocs(shot, DOCS_LLM_SPAN_SCREENSHOT);

    // The tool span: its call (the arguments) and its result.
    await tree.getByText("execute_tool get_current_time", { exact: true }).click();
    await expect(details.getByText("Tool: get_current_time")).toBeVisible();
    const tool = await details.innerText();
    expect(tool).toMatch(/Input[\s\S]*"timeZone": "Asia\/Tokyo"[\s\S]*Output[\s\S]*"localTime"/);
    await phoenix.close();
  });
});
