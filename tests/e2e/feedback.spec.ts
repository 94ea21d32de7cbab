import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Locator, Page } from "@playwright/test";
import { startApp } from "./support/app-server";
import { answers, expect, sendAndWait, sessionIdOf, test } from "./support/fixtures";
import { fetchSessionAnnotations, fetchTraceAnnotations, waitForAnnotations } from "./support/phoenix-annotations";
import { waitForSession } from "./support/phoenix-api";
import { sleep } from "./support/processes";

/**
 * Thumbs on answers and the conversation rating, clicked in Chromium and read back
 * from the real Phoenix through GraphQL, as its Sessions view sees them.
 */

const DOCS_SCREENSHOT = "docs/phoenix-feedback.png";

type StoredAnswer = { id: string; metadata?: { traceId?: string | null; receipt?: string; feedback?: unknown } };
type StoredRecord = { token: string; messages: (StoredAnswer & { role: string })[] };

/** This tab's conversation as the browser stored it: its token and, per answer, the trace id and receipt. */
async function storedConversation(page: Page, sessionId: string): Promise<StoredRecord> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), `phoenix-chat:conv:${sessionId}`);
  expect(raw, "the conversation stored in this browser").not.toBeNull();
  return JSON.parse(raw!) as StoredRecord;
}

async function storedAnswers(page: Page, sessionId: string): Promise<StoredAnswer[]> {
  return (await storedConversation(page, sessionId)).messages.filter((m) => m.role === "assistant");
}

async function traceIdOf(page: Page, sessionId: string, index: number): Promise<string> {
  const traceId = (await storedAnswers(page, sessionId))[index]?.metadata?.traceId;
  expect(traceId, `answer ${index}'s trace id`).toMatch(/^[0-9a-f]{32}$/);
  return traceId!;
}

const userIdOf = async (page: Page) => (await page.getByTestId("user-id").innerText()).trim();

const thumbs = (scope: Locator, prefix: "feedback" | "rating") => ({
  up: scope.getByTestId(`${prefix}-up`),
  down: scope.getByTestId(`${prefix}-down`),
  comment: scope.getByTestId(`${prefix}-comment`),
  submit: scope.getByTestId(`${prefix}-submit`),
  error: scope.getByTestId(`${prefix}-error`),
});

async function expectPressed(buttons: { up: Locator; down: Locator }, pressed: "up" | "down" | null) {
  await expect(buttons.up).toHaveAttribute("aria-pressed", String(pressed === "up"));
  await expect(buttons.down).toHaveAttribute("aria-pressed", String(pressed === "down"));
}

/** Thumbs down, then the comment it opens (focused, as a keyboard user finds it), sent. */
async function voteDownWithComment(buttons: ReturnType<typeof thumbs>, comment: string) {
  await buttons.down.click();
  await expectPressed(buttons, "down");
  await expect(buttons.comment).toBeFocused();
  await buttons.comment.fill(comment);
  await buttons.submit.click();
  await expect(buttons.comment).toBeHidden();
}

test.describe("feedback on answers and conversations, in Phoenix", () => {
  test("thumbs down with a comment, changed to up, undone: one annotation on the right trace, shown on the message across reloads", async ({
    page,
    e2e,
  }) => {
    await page.goto("/");
    await sendAndWait(page, "Hello!");
    await sendAndWait(page, "What time is it in Tokyo?");
    // A failed turn gets no thumbs: there is no answer to rate.
    const failed = await sendAndWait(page, "Simulate a 401 from the provider", "error");
    await expect(failed.getByTestId("feedback-buttons")).toHaveCount(0);
    const sessionId = await sessionIdOf(page);
    const userId = await userIdOf(page);
    const [voted, other] = [await traceIdOf(page, sessionId, 0), await traceIdOf(page, sessionId, 1)];
    await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 3);
    const readVoted = () => fetchTraceAnnotations(e2e.phoenix.url, voted);

    const buttons = thumbs(answers(page).first(), "feedback");
    await expectPressed(buttons, null);
    // Thumbs down is saved at once; a comment over the limit is refused and stays in its box.
    await buttons.down.click();
    await expectPressed(buttons, "down");
    const tooLong = "x".repeat(1_001);
    await buttons.comment.fill(tooLong);
    await buttons.submit.click();
    await expect(buttons.error).toHaveAttribute("data-code", "bad_request:comment_too_long");
    await expect(buttons.comment).toHaveValue(tooLong);
    const comment = "It greeted me but did not say what it can do.";
    await buttons.comment.fill(comment);
    await buttons.submit.click();
    await expect(buttons.comment).toBeHidden();
    await expect(buttons.error).toBeHidden();

    const [down] = await waitForAnnotations(readVoted, (a) => a.length === 1 && a[0]!.explanation === comment);
    expect(down).toEqual({
      name: "user_feedback",
      label: "negative",
      score: 0,
      annotatorKind: "HUMAN",
      explanation: comment,
      identifier: `user:${userId}:trace:${voted}`,
    });
    // The other turn of the conversation is untouched.
    expect(await fetchTraceAnnotations(e2e.phoenix.url, other)).toEqual([]);

    // Saved on the message: pressed after a reload, comment kept.
    await page.reload();
    await expectPressed(buttons, "down");
    await answers(page).first().getByRole("button", { name: "Edit comment" }).click();
    await expect(buttons.comment).toHaveValue(comment);
    await answers(page).first().getByRole("button", { name: "Close" }).click();
    await expectPressed(thumbs(answers(page).nth(1), "feedback"), null);
    expect((await storedAnswers(page, sessionId))[0]!.metadata?.feedback).toEqual({ vote: "negative", comment });

    // Changed: the same annotation, now positive.
    await buttons.up.click();
    await expectPressed(buttons, "up");
    const changed = await waitForAnnotations(readVoted, (a) => a.some((x) => x.label === "positive"));
    expect(changed).toEqual([
      {
        name: "user_feedback",
        label: "positive",
        score: 1,
        annotatorKind: "HUMAN",
        explanation: null,
        identifier: `user:${userId}:trace:${voted}`,
      },
    ]);

    // Undone: clicking the pressed thumb removes the vote in Phoenix and on the message.
    await buttons.up.click();
    await expectPressed(buttons, null);
    await waitForAnnotations(readVoted, (a) => a.length === 0);
    await page.reload();
    await expectPressed(buttons, null);
    expect(await fetchTraceAnnotations(e2e.phoenix.url, other)).toEqual([]);
  });

  test("a vote replayed from another browser is refused and writes nothing", async ({ page, browser, baseURL, e2e }) => {
    // The Server Action request the page sends for a vote, exactly as it went out.
    const sent: { action: string; body: string }[] = [];
    page.on("request", (request) => {
      const action = request.headers()["next-action"];
      const body = request.postData();
      if (request.method() === "POST" && action && body?.includes('"receipt"')) sent.push({ action, body });
    });
    await page.goto("/");
    await sendAndWait(page, "Hello!");
    const sessionId = await sessionIdOf(page);
    const userId = await userIdOf(page);
    const traceId = await traceIdOf(page, sessionId, 0);
    const readTrace = () => fetchTraceAnnotations(e2e.phoenix.url, traceId);

    const buttons = thumbs(answers(page).first(), "feedback");
    await buttons.down.click();
    await expectPressed(buttons, "down");
    await waitForAnnotations(readTrace, (a) => a.length === 1 && a[0]!.label === "negative");
    expect(sent).toHaveLength(1);
    const captured = sent[0]!;
    // The owner changes their mind: the replayed "negative" must not bring the old vote back.
    await buttons.up.click();
    await expectPressed(buttons, "up");
    await waitForAnnotations(readTrace, (a) => a.length === 1 && a[0]!.label === "positive");

    const other = await browser.newContext({ baseURL });
    try {
      const intruder = await other.newPage();
      await intruder.goto("/");
      expect(await userIdOf(intruder)).not.toBe(userId);

      // The same request, byte for byte, with the other browser's cookie.
      const replayed = await callAction(intruder, captured.action, captured.body);
      expect(replayed).toMatch(/^200 /);
      expect(replayed).toContain('"code":"forbidden:conversation"');

      // The intruder's own conversation token with the stolen receipt: that trace is not in their conversation.
      await sendAndWait(intruder, "Hello!");
      const intruderToken = (await storedConversation(intruder, await sessionIdOf(intruder))).token;
      const [request] = JSON.parse(captured.body) as [Record<string, unknown>];
      const swapped = JSON.stringify([{ ...request, conversationToken: intruderToken }]);
      expect(await callAction(intruder, captured.action, swapped)).toContain('"code":"forbidden:feedback"');
    } finally {
      await other.close();
    }

    // Refused before anything was sent; the pause gives a wrongly queued write time to land.
    await sleep(1_500);
    expect(await readTrace()).toEqual([
      expect.objectContaining({ label: "positive", identifier: `user:${userId}:trace:${traceId}` }),
    ]);
  });

  test("rating the conversation lands on its session in Phoenix and stays on the panel", async ({ page, e2e }) => {
    await page.goto("/");
    await sendAndWait(page, "Hello!");
    const sessionId = await sessionIdOf(page);
    const userId = await userIdOf(page);
    await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 1);
    const readSession = () => fetchSessionAnnotations(e2e.phoenix.url, sessionId);

    const rating = page.getByRole("region", { name: "Rate this conversation" });
    const buttons = thumbs(rating, "rating");
    await expectPressed(buttons, null);
    const comment = "Friendly, but it never answered my real question.";
    await voteDownWithComment(buttons, comment);

    const [down] = await waitForAnnotations(readSession, (a) => a.length === 1 && a[0]!.explanation === comment);
    expect(down).toEqual({
      name: "user_feedback",
      label: "negative",
      score: 0,
      annotatorKind: "HUMAN",
      explanation: comment,
      identifier: `user:${userId}:session:${sessionId}`,
    });
    // A rating of the conversation is not a vote on one of its turns.
    expect(await fetchTraceAnnotations(e2e.phoenix.url, await traceIdOf(page, sessionId, 0))).toEqual([]);

    await page.reload();
    await expectPressed(buttons, "down");
    // Editing starts from the saved comment, not from an empty box.
    await rating.getByRole("button", { name: "Edit comment" }).click();
    await expect(buttons.comment).toHaveValue(comment);
    await rating.getByRole("button", { name: "Close" }).click();

    await buttons.up.click();
    await expectPressed(buttons, "up");
    const changed = await waitForAnnotations(readSession, (a) => a.some((x) => x.label === "positive"));
    expect(changed).toEqual([expect.objectContaining({ label: "positive", score: 1, explanation: null })]);

    await buttons.up.click();
    await expectPressed(buttons, null);
    await waitForAnnotations(readSession, (a) => a.length === 0);
  });

  test("Phoenix's Sessions view shows the vote on the turn (screenshot for the docs)", async ({ page, e2e }, testInfo) => {
    await page.goto("/");
    const question = "How do sessions work in Phoenix?";
    await sendAndWait(page, question);
    const sessionId = await sessionIdOf(page);
    const traceId = await traceIdOf(page, sessionId, 0);
    await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 1);
    const comment = "Too vague: which span carries session.id?";
    await voteDownWithComment(thumbs(answers(page).first(), "feedback"), comment);
    await waitForAnnotations(
      () => fetchTraceAnnotations(e2e.phoenix.url, traceId),
      (a) => a.length === 1 && a[0]!.explanation === comment,
    );

    const phoenix = await page.context().newPage();
    await phoenix.setViewportSize({ width: 1400, height: 900 });
    await phoenix.goto(`${e2e.phoenix.url}/redirects/sessions/${sessionId}`);
    await phoenix.waitForURL(/\/projects\/[^/]+\/sessions\/[^/]+/, { timeout: 30_000 });
    await expect(phoenix.getByText(question).first()).toBeVisible({ timeout: 30_000 });
    await phoenix.waitForLoadState("networkidle");
    // In the session's drawer: the sessions table behind it shows other sessions' user_feedback too (other specs vote in
    // this project), and a click there lands on the drawer.
    const drawer = phoenix.getByTestId("application-drawer-plane");
    await expect(drawer.getByText("user_feedback").first()).toBeVisible();
    // Its details open on a click: the label, the annotator kind and the user's comment.
    await drawer.getByText("user_feedback").first().click();
    await expect(phoenix.getByText(comment)).toBeVisible();
    await expect(phoenix.getByText("negative", { exact: true })).toBeVisible();
    await expect(phoenix.getByText("HUMAN", { exact: true })).toBeVisible();
    const shot = testInfo.outputPath("phoenix-feedback.png");
    await phoenix.screenshot({ path: shot, fullPage: true });
    // The docs' copy changes only on request (or when missing): every run's ids differ.
    if (process.env.E2E_UPDATE_DOCS === "1" || !existsSync(DOCS_SCREENSHOT)) copyFileSync(shot, DOCS_SCREENSHOT);
  });

  test("Phoenix failing: the vote is not shown as saved, Try again offered, logged once; saved once Phoenix takes it", async ({
    browser,
    e2e,
  }) => {
    // The real Phoenix behind a switch that fails its annotation endpoint with a 500 (traces still pass).
    const faults = await startFaultyPhoenix(e2e.phoenix.url);
    const app = await startApp({
      name: "feedback-faults",
      logDir: e2e.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: faults.url, PHOENIX_PROJECT_NAME: e2e.projectName },
    });
    const context = await browser.newContext({ baseURL: app.url });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await sendAndWait(page, "Hello!");
      const sessionId = await sessionIdOf(page);
      const traceId = await traceIdOf(page, sessionId, 0);
      await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 1);

      const buttons = thumbs(answers(page).first(), "feedback");
      await buttons.up.click();
      await expect(buttons.error).toBeVisible();
      // Said to a screen reader as a status message, like "saved" (the thumbs' status region).
      await expect(answers(page).first().getByRole("group", { name: "Rate this answer" }).getByRole("status")).toContainText("not saved");
      await expect(buttons.error).toHaveAttribute("data-code", "unavailable:feedback");
      await expect(buttons.error).toContainText("not saved");
      await expectPressed(buttons, null);
      const tryAgain = buttons.error.getByRole("button", { name: "Try again" });

      // Still failing: the same answer, and the server's log says it once.
      const failuresBefore = faults.failures;
      await tryAgain.click();
      await expect.poll(() => faults.failures).toBe(failuresBefore + 1);
      await expect(buttons.error).toBeVisible();
      await expectPressed(buttons, null);
      const outageLines = () => readFileSync(app.logFile, "utf8").split("\n").filter((l) => l.includes("Phoenix did not take feedback"));
      expect(outageLines()).toHaveLength(1);
      expect(await fetchTraceAnnotations(e2e.phoenix.url, traceId)).toEqual([]);

      faults.failing = false;
      await tryAgain.click();
      await expectPressed(buttons, "up");
      await expect(buttons.error).toBeHidden();
      await waitForAnnotations(
        () => fetchTraceAnnotations(e2e.phoenix.url, traceId),
        (a) => a.length === 1 && a[0]!.label === "positive",
      );
      expect(outageLines()).toHaveLength(1);
      await expect.poll(() => readFileSync(app.logFile, "utf8")).toContain("Phoenix takes feedback again");
    } finally {
      await context.close();
      await app.stop();
      await faults.close();
    }
  });

  test("a vote before its trace is in Phoenix is queued at once (one retry); an undo of it, and a comment after it, hold even after Phoenix's queue lands the vote", async ({
    browser,
    e2e,
  }) => {
    // The real Phoenix behind a proxy that holds the app's span exports until told: the votes find no trace.
    const phoenix = await startHoldingPhoenix(e2e.phoenix.url);
    const app = await startApp({
      name: "feedback-queued",
      logDir: e2e.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: phoenix.url, PHOENIX_PROJECT_NAME: e2e.projectName },
    });
    const context = await browser.newContext({ baseURL: app.url });
    try {
      const page = await context.newPage();
      await page.goto("/");
      await sendAndWait(page, "Hello!");
      await sendAndWait(page, "What time is it in Tokyo?");
      const sessionId = await sessionIdOf(page);
      const [kept, undone] = [await traceIdOf(page, sessionId, 0), await traceIdOf(page, sessionId, 1)];

      // The undone vote first: once the kept one (queued after it) has landed, so has the undone one.
      const second = thumbs(answers(page).nth(1), "feedback");
      await second.up.click();
      await expectPressed(second, "up");
      await second.up.click();
      await expectPressed(second, null);
      // The kept one: thumbs down, its comment box closed for now.
      const first = thumbs(answers(page).first(), "feedback");
      await first.down.click();
      await expectPressed(first, "down");
      await first.comment.press("Escape");
      await expect(first.comment).toBeHidden();
      // Each vote: sync=true found no trace (404), then the one retry, queued (sync=false); the undo: one DELETE so far.
      const writesOf = (traceId: string) => phoenix.log.filter((r) => r.traceId === traceId).map((r) => `${r.sync} ${r.status}`);
      expect(writesOf(kept)).toEqual(["true 404", "false 200"]);
      expect(writesOf(undone)).toEqual(["true 404", "false 200"]);
      const deletes = () => phoenix.log.filter((r) => r.method === "DELETE" && r.path.endsWith("/trace_annotations")).length;
      expect(deletes()).toBe(1);

      // The traces reach Phoenix; its queue retries every 10 s and lands both queued votes, the undone one too
      // (without the guard it would stay: a delete that came before the vote landed removes nothing).
      await phoenix.release();
      // The comment, once the trace is in Phoenix: written at once, before the queue lands the bare vote over it.
      await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2);
      const comment = "It asked the wrong city.";
      await answers(page).first().getByRole("button", { name: "Add a comment" }).click();
      await first.comment.fill(comment);
      await first.submit.click();
      await expect(first.comment).toBeHidden();
      expect(writesOf(kept)).toEqual(["true 404", "false 200", "true 200"]);
      await waitForAnnotations(() => fetchTraceAnnotations(e2e.phoenix.url, kept), (a) => a.length === 1 && a[0]!.label === "negative");
      // The undo's second delete, after the response, once the queue has had its retry: the vote stays undone.
      await expect.poll(deletes, { timeout: 30_000 }).toBe(2);
      expect(await fetchTraceAnnotations(e2e.phoenix.url, undone)).toEqual([]);
      // The comment's second write, likewise (the queued vote, landed since, carried none): the comment stays.
      await expect.poll(() => writesOf(kept), { timeout: 30_000 }).toEqual(["true 404", "false 200", "true 200", "true 200"]);
      const [annotation] = (await fetchTraceAnnotations(e2e.phoenix.url, kept)) ?? [];
      expect([annotation?.label, annotation?.explanation]).toEqual(["negative", comment]);
      await page.reload();
      await expectPressed(thumbs(answers(page).nth(1), "feedback"), null);
      await expectPressed(thumbs(answers(page).first(), "feedback"), "down");
    } finally {
      await context.close();
      await app.stop();
      await phoenix.close();
    }
  });
});

/** Calls a Server Action from the page the way the page does; returns status and the raw answer. */
function callAction(page: Page, action: string, body: string): Promise<string> {
  return page.evaluate(
    async ({ action, body }) => {
      const response = await fetch(location.pathname, {
        method: "POST",
        headers: { "next-action": action, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        body,
      });
      return `${response.status} ${await response.text()}`;
    },
    { action, body },
  );
}

/**
 * A pass-through to the real Phoenix on a free loopback port; while `failing`, its
 * annotation endpoints answer 500 (a Phoenix with a broken database looks like this).
 */
async function startFaultyPhoenix(target: string) {
  const upstream = new URL(target);
  const state = { failing: true, failures: 0 };
  const server: Server = createServer((req, res) => {
    if (state.failing && req.url?.includes("_annotations")) {
      state.failures += 1;
      req.resume();
      res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get failures() {
      return state.failures;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A pass-through to the real Phoenix that holds the app's span exports (answering 200)
 * until `release()`, then sends them on and lets later ones through: a trace "not yet
 * ingested" for as long as a test needs. Logs each annotation write and delete it passes.
 */
async function startHoldingPhoenix(target: string) {
  const upstream = new URL(target);
  const held: { path: string; headers: Record<string, string | string[] | undefined>; body: Buffer }[] = [];
  let holding = true;
  const log: { method: string; path: string; sync: string | null; traceId?: string; status: number }[] = [];

  const forward = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, host: upstream.host } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
      });
      out.on("error", reject);
      out.end(body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://proxy");
      if (holding && req.method === "POST" && url.pathname === "/v1/traces") {
        held.push({ path: req.url!, headers: req.headers, body });
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
        return;
      }
      try {
        const answer = await forward(req.method ?? "GET", req.url ?? "/", req.headers, body);
        if (url.pathname.endsWith("_annotations")) {
          const traceId = req.method === "POST" ? (JSON.parse(body.toString("utf8")) as { data: { trace_id?: string }[] }).data[0]?.trace_id : undefined;
          log.push({ method: req.method ?? "GET", path: url.pathname, sync: url.searchParams.get("sync"), traceId, status: answer.status });
        }
        res.writeHead(answer.status, answer.headers).end(answer.body);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    async release() {
      holding = false;
      for (const request of held.splice(0)) await forward("POST", request.path, request.headers, request.body);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
