import type { BrowserContext, Page } from "@playwright/test";
import { startApp } from "./support/app-server";
import { answers, expect, messageBox, sendAndWait, sessionIdOf, test } from "./support/fixtures";
import { allSpans, attribute, fetchSession, waitForSession, type PhoenixSession, type PhoenixTrace } from "./support/phoenix-api";

/**
 * Conversations you come back to (issue 9), in Chromium against the real Phoenix:
 * each conversation is one Phoenix session, whichever tab or however later its turns
 * come; a token from another browser is refused before anything is traced; delete,
 * the phone drawer and the 50-conversation bound.
 */

const TAB_KEY = "phoenix-chat:tab-conversation";
const conversationKey = (sessionId: string) => `phoenix-chat:conv:${sessionId}`;

const userIdOf = async (page: Page) => (await page.getByTestId("user-id").innerText()).trim();
const items = (page: Page) => page.getByTestId("conversation-item");
const item = (page: Page, sessionId: string) => page.locator(`[data-testid="conversation-item"][data-session-id="${sessionId}"]`);

/** Opens a listed conversation the way a user does, and waits until the tab shows it. */
async function openFromList(page: Page, sessionId: string) {
  await item(page, sessionId).locator(".conversation-open").click();
  await expect(page.getByTestId("session-id")).toHaveText(sessionId);
}

async function startNew(page: Page) {
  const before = await sessionIdOf(page);
  await page.getByTestId("new-conversation").click();
  await expect(page.getByTestId("session-id")).not.toHaveText(before);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  return sessionIdOf(page);
}

/** The conversation's stored token, as this browser keeps it. */
async function storedToken(page: Page, sessionId: string): Promise<string> {
  const token = await page.evaluate((key) => (JSON.parse(localStorage.getItem(key) ?? "null") as { token?: string } | null)?.token, conversationKey(sessionId));
  if (!token) throw new Error(`no stored conversation ${sessionId}`);
  return token;
}

type SessionRow = { sessionId: string; userId: string | null; numTraces: number };

/** Every session of the project whose turns came from `userId` (each test's browser context is a new user). */
async function sessionsOfUser(phoenixUrl: string, projectName: string, userId: string): Promise<SessionRow[]> {
  // Phoenix pages at most 1,000 sessions at a time; the whole run's sessions share this project.
  const query = `query ($name: String!, $after: String) { getProjectByName(name: $name) {
    sessions(first: 1000, after: $after) { edges { node { sessionId userId numTraces } } pageInfo { hasNextPage endCursor } } } }`;
  const rows: SessionRow[] = [];
  for (let after: string | null = null; ; ) {
    const response = await fetch(`${phoenixUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables: { name: projectName, after } }),
    });
    if (!response.ok) throw new Error(`Phoenix GraphQL answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { data?: { getProjectByName: { sessions: SessionPage } | null }; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`Phoenix GraphQL errors: ${JSON.stringify(body.errors)}`);
    const page = body.data?.getProjectByName?.sessions;
    if (!page) return rows;
    rows.push(...page.edges.map((edge) => edge.node).filter((row) => row.userId === userId));
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

type SessionPage = { edges: { node: SessionRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const rootInputs = (session: PhoenixSession) => session.traces.map((trace) => attribute(trace.rootSpan!, "input.value") as string).sort();

/** Starts a long answer (the demo model streams a story for ~9 s) and waits until words arrive. */
async function startLongAnswer(page: Page, subject: string) {
  const before = await answers(page).count();
  await messageBox(page).fill(`Write a long story about ${subject}`);
  await messageBox(page).press("Enter");
  const answer = answers(page).nth(before);
  await expect(answer.getByTestId("answer-text")).toContainText(subject);
  return answer;
}

test.describe("conversations you come back to", () => {
  test("opening the first of three conversations: its next turn is one more trace in its own Phoenix session, no new session", async ({
    page,
    e2e,
  }) => {
    await page.goto("/");
    const userId = await userIdOf(page);
    const ids: string[] = [await sessionIdOf(page)];
    await sendAndWait(page, "First conversation");
    ids.push(await startNew(page));
    await sendAndWait(page, "Second conversation");
    ids.push(await startNew(page));
    await sendAndWait(page, "Third conversation");
    expect(new Set(ids).size).toBe(3);
    // Newest activity first, each titled by its first message.
    await expect(items(page)).toHaveCount(3);
    await expect(items(page).locator(".conversation-title")).toHaveText(["Third conversation", "Second conversation", "First conversation"]);
    await expect(item(page, ids[2]!)).toHaveAttribute("data-current", "true");

    await waitForSession(e2e.phoenix.url, ids[0]!, (s) => s.numTraces === 1);
    await expect
      .poll(async () => (await sessionsOfUser(e2e.phoenix.url, e2e.projectName, userId)).map((s) => s.sessionId).sort())
      .toEqual([...ids].sort());

    await openFromList(page, ids[0]!);
    await expect(page.getByTestId("user-message")).toHaveText(["First conversation"]);
    await expect(item(page, ids[0]!)).toHaveAttribute("data-current", "true");
    await sendAndWait(page, "Back to the first");
    await expect(item(page, ids[0]!)).toContainText("2 turns");

    const first = await waitForSession(e2e.phoenix.url, ids[0]!, (s) => s.numTraces === 2);
    expect(rootInputs(first)).toEqual(["Back to the first", "First conversation"]);
    for (const span of allSpans(first)) expect(attribute(span, "user.id"), span.name).toBe(userId);
    // That turn's spans are in (above): a new session from it would be too.
    const sessions = await sessionsOfUser(e2e.phoenix.url, e2e.projectName, userId);
    expect(sessions.map((s) => s.sessionId).sort()).toEqual([...ids].sort());
    expect(Object.fromEntries(sessions.map((s) => [s.sessionId, s.numTraces]))).toEqual({ [ids[0]!]: 2, [ids[1]!]: 1, [ids[2]!]: 1 });
  });

  test("two tabs on two conversations sending at the same time: every turn in its own tab's session, no history lost", async ({
    page,
    context,
    e2e,
  }) => {
    const tabA = page;
    await tabA.goto("/");
    await sendAndWait(tabA, "Tab A opens");
    const tabB = await context.newPage();
    await tabB.goto("/");
    await sendAndWait(tabB, "Tab B opens");
    const [a, b] = [await sessionIdOf(tabA), await sessionIdOf(tabB)];
    expect(a).not.toBe(b);

    const turnsA = ["Tab A: What time is it in Tokyo?", "Tab A: second", "Tab A: third"];
    const turnsB = ["Tab B: What time is it in Paris?", "Tab B: second", "Tab B: third"];
    await Promise.all([
      (async () => {
        for (const text of turnsA) await sendAndWait(tabA, text);
      })(),
      (async () => {
        for (const text of turnsB) await sendAndWait(tabB, text);
      })(),
    ]);

    const sessionA = await waitForSession(e2e.phoenix.url, a, (s) => s.numTraces === 4);
    const sessionB = await waitForSession(e2e.phoenix.url, b, (s) => s.numTraces === 4);
    expect(rootInputs(sessionA)).toEqual(["Tab A opens", ...turnsA].sort());
    expect(rootInputs(sessionB)).toEqual(["Tab B opens", ...turnsB].sort());
    for (const span of allSpans(sessionA)) expect(attribute(span, "session.id"), span.name).toBe(a);
    for (const span of allSpans(sessionB)) expect(attribute(span, "session.id"), span.name).toBe(b);

    // Each tab's history survives a reload whole: neither tab's writes overwrote the other's.
    await Promise.all([tabA.reload(), tabB.reload()]);
    await expect(tabA.getByTestId("session-id")).toHaveText(a);
    await expect(tabB.getByTestId("session-id")).toHaveText(b);
    await expect(tabA.getByTestId("user-message")).toHaveText(["Tab A opens", ...turnsA]);
    await expect(tabB.getByTestId("user-message")).toHaveText(["Tab B opens", ...turnsB]);
    await expect(items(tabA)).toHaveCount(2);
  });

  test("two tabs on the same conversation: each tab's turns are kept, whichever saves last", async ({ page, context, e2e }) => {
    const tabA = page;
    await tabA.goto("/");
    const sessionId = await sessionIdOf(tabA);
    await sendAndWait(tabA, "Shared: first");
    const tabB = await context.newPage();
    await tabB.goto("/");
    await openFromList(tabB, sessionId);

    await sendAndWait(tabA, "Shared: from tab A");
    // Tab B has not seen A's turn; its save comes last.
    await sendAndWait(tabB, "Shared: from tab B");

    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 3);
    expect(rootInputs(session)).toEqual(["Shared: first", "Shared: from tab A", "Shared: from tab B"]);
    const everything = ["Shared: first", "Shared: from tab A", "Shared: from tab B"];
    await expect(item(tabB, sessionId)).toContainText("3 turns");
    await tabA.reload();
    await expect(tabA.getByTestId("user-message")).toHaveText(everything);
    await expect(answers(tabA)).toHaveCount(3);
    // Tab A, now up to date, goes on; tab B's turn is not lost by A's save.
    await sendAndWait(tabA, "Shared: A again");
    await tabB.reload();
    await expect(tabB.getByTestId("user-message")).toHaveText([...everything, "Shared: A again"]);
  });

  test("a token taken from another browser is refused, and nothing reaches Phoenix under it", async ({ browser, baseURL, e2e }) => {
    const contexts: BrowserContext[] = [];
    try {
      const alice = await browser.newContext({ baseURL });
      contexts.push(alice);
      const pageA = await alice.newPage();
      await pageA.goto("/");
      const aliceSession = await sessionIdOf(pageA);
      const aliceUser = await userIdOf(pageA);
      await sendAndWait(pageA, "Alice's secret plans");
      const token = await storedToken(pageA, aliceSession);
      await waitForSession(e2e.phoenix.url, aliceSession, (s) => s.numTraces === 1);

      const mallory = await browser.newContext({ baseURL });
      contexts.push(mallory);
      const pageB = await mallory.newPage();
      await pageB.goto("/");
      const malloryUser = await userIdOf(pageB);
      expect(malloryUser).not.toBe(aliceUser);
      // Alice's token, planted as the conversation Mallory's tab shows.
      await pageB.evaluate(
        ({ key, tabKey, sessionId, token }) => {
          localStorage.setItem(key, JSON.stringify({ v: 1, token, updatedAt: Date.now(), messages: [] }));
          sessionStorage.setItem(tabKey, sessionId);
        },
        { key: conversationKey(aliceSession), tabKey: TAB_KEY, sessionId: aliceSession, token },
      );
      await pageB.reload();
      await expect(pageB.getByTestId("session-id")).toHaveText(aliceSession);

      const refused = await sendAndWait(pageB, "Mallory writes into Alice's session", "error");
      await expect(refused.getByTestId("turn-error")).toHaveAttribute("data-code", "forbidden:conversation");
      await expect(refused.getByTestId("turn-error")).toContainText("belongs to another user");
      // The user can go on, in a session of their own.
      await refused.getByTestId("continue-in-new-session").click();
      await expect(answers(pageB).first()).toHaveAttribute("data-status", "done");
      const malloryOwn = await sessionIdOf(pageB);
      expect(malloryOwn).not.toBe(aliceSession);

      // Mallory's later turn is in Phoenix, so anything sent before it would be too.
      const own = await waitForSession(e2e.phoenix.url, malloryOwn, (s) => s.numTraces === 1);
      expect(rootInputs(own)).toEqual(["Mallory writes into Alice's session"]);
      const aliceNow = (await fetchSession(e2e.phoenix.url, aliceSession))!;
      expect(aliceNow.numTraces).toBe(1);
      expect(rootInputs(aliceNow)).toEqual(["Alice's secret plans"]);
      for (const span of allSpans(aliceNow)) expect(attribute(span, "user.id"), span.name).toBe(aliceUser);
      const mallorySessions = await sessionsOfUser(e2e.phoenix.url, e2e.projectName, malloryUser);
      expect(mallorySessions.map((s) => s.sessionId)).toEqual([malloryOwn]);

      // Alice's own tab is untouched and goes on in her session.
      await sendAndWait(pageA, "Alice again");
      const after = await waitForSession(e2e.phoenix.url, aliceSession, (s) => s.numTraces === 2);
      expect(rootInputs(after)).toEqual(["Alice again", "Alice's secret plans"]);
    } finally {
      for (const context of contexts) await context.close();
    }
  });

  test("delete asks first, removes the conversation for good (reload), and keeps its traces when the flag is off", async ({ page, e2e }) => {
    await page.goto("/");
    const keep = await sessionIdOf(page);
    await sendAndWait(page, "Keep me");
    const doomed = await startNew(page);
    await sendAndWait(page, "Delete me");
    await expect(items(page)).toHaveCount(2);

    // Cancel keeps it.
    await item(page, doomed).getByTestId("delete-conversation").click();
    await item(page, doomed).getByRole("button", { name: "Cancel" }).click();
    await expect(items(page)).toHaveCount(2);

    await item(page, doomed).getByTestId("delete-conversation").click();
    await item(page, doomed).getByTestId("confirm-delete").click();
    await expect(item(page, doomed)).toHaveCount(0);
    await expect(items(page)).toHaveCount(1);
    // It was the tab's conversation: the tab moves on to a new, empty one.
    await expect(page.getByTestId("session-id")).not.toHaveText(doomed);
    await expect(page.getByTestId("empty-state")).toBeVisible();

    await page.reload();
    await expect(items(page)).toHaveCount(1);
    await expect(item(page, keep)).toContainText("Keep me");
    expect(await page.evaluate((key) => localStorage.getItem(key), conversationKey(doomed))).toBeNull();
    // DELETE_TRACES_WITH_CONVERSATION is off here: Phoenix keeps the session (the operator's traces).
    const kept = await waitForSession(e2e.phoenix.url, doomed, (s) => s.numTraces === 1);
    expect(rootInputs(kept)).toEqual(["Delete me"]);
  });

  test("with DELETE_TRACES_WITH_CONVERSATION=true, deleting a conversation deletes its Phoenix session, and only that one", async ({
    browser,
    e2e,
  }) => {
    const app = await startApp({
      name: "delete-traces",
      logDir: e2e.tempDir,
      env: {
        PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url,
        PHOENIX_PROJECT_NAME: e2e.projectName,
        DELETE_TRACES_WITH_CONVERSATION: "true",
      },
    });
    const context = await browser.newContext({ baseURL: app.url });
    try {
      const page = await context.newPage();
      await page.goto("/");
      const keep = await sessionIdOf(page);
      await sendAndWait(page, "Keep my traces");
      const doomed = await startNew(page);
      await sendAndWait(page, "Erase my traces");
      await waitForSession(e2e.phoenix.url, doomed, (s) => s.numTraces === 1);
      await openFromList(page, keep);

      await item(page, doomed).getByTestId("delete-conversation").click();
      await item(page, doomed).getByTestId("confirm-delete").click();
      await expect(item(page, doomed)).toHaveCount(0);
      await expect(page.getByTestId("session-id")).toHaveText(keep);
      await expect.poll(() => fetchSession(e2e.phoenix.url, doomed)).toBeNull();
      const other = await waitForSession(e2e.phoenix.url, keep, (s) => s.numTraces === 1);
      expect(rootInputs(other)).toEqual(["Keep my traces"]);

      await page.reload();
      await expect(items(page)).toHaveCount(1);
      await expect(item(page, keep)).toBeVisible();

      // The cookie is renewed (a new user): this browser can no longer prove `keep` is its own. The copy here
      // can still be deleted, and the notice says its traces stay in Phoenix, where nobody may delete them now.
      await context.addCookies([{ name: "chat_session", value: "garbage", url: app.url }]);
      await page.reload();
      await item(page, keep).getByTestId("delete-conversation").click();
      await item(page, keep).getByTestId("confirm-delete").click();
      await expect(item(page, keep)).toHaveCount(0);
      await expect(page.getByTestId("conversations-notice")).toContainText("Its traces stay in Phoenix");
      expect(rootInputs(await waitForSession(e2e.phoenix.url, keep, (s) => s.numTraces === 1))).toEqual(["Keep my traces"]);
    } finally {
      await context.close();
      await app.stop();
    }
  });

  test("a tab still showing a conversation another tab deleted (traces too): its turn is refused, and it goes on in a new conversation; the deleted session never comes back", async ({
    browser,
    e2e,
  }) => {
    const app = await startApp({
      name: "delete-gone",
      logDir: e2e.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: e2e.phoenix.url, PHOENIX_PROJECT_NAME: e2e.projectName, DELETE_TRACES_WITH_CONVERSATION: "true" },
    });
    const context = await browser.newContext({ baseURL: app.url });
    try {
      const deleting = await context.newPage();
      await deleting.goto("/");
      const doomed = await sessionIdOf(deleting);
      await sendAndWait(deleting, "Erase this conversation");
      await waitForSession(e2e.phoenix.url, doomed, (s) => s.numTraces === 1);
      const stale = await context.newPage();
      await stale.goto("/");
      await openFromList(stale, doomed);

      await startNew(deleting);
      await item(deleting, doomed).getByTestId("delete-conversation").click();
      await item(deleting, doomed).getByTestId("confirm-delete").click();
      await expect(item(deleting, doomed)).toHaveCount(0);
      await expect.poll(() => fetchSession(e2e.phoenix.url, doomed)).toBeNull();

      // The other tab still shows it and sends: refused before anything is traced, with a way on.
      const failed = await sendAndWait(stale, "Am I still here?", "error");
      await expect(failed.getByTestId("turn-error")).toHaveAttribute("data-code", "gone:conversation");
      await failed.getByTestId("continue-in-new-session").click();
      await expect(stale.getByTestId("session-id")).not.toHaveText(doomed);
      await expect(answers(stale).last()).toHaveAttribute("data-status", "done");
      const moved = await sessionIdOf(stale);
      expect(rootInputs(await waitForSession(e2e.phoenix.url, moved, (s) => s.numTraces === 1))).toEqual(["Am I still here?"]);
      // The new session's trace is in, so anything the refused turn had sent would be too: nothing was.
      expect(await fetchSession(e2e.phoenix.url, doomed)).toBeNull();
    } finally {
      await context.close();
      await app.stop();
    }
  });

  test("when Phoenix cannot delete the traces, the conversation can still be deleted from this browser", async ({ browser, e2e }) => {
    // Nothing listens at this collector: every trace delete fails (and the chat works all the same).
    const app = await startApp({
      name: "delete-traces-down",
      logDir: e2e.tempDir,
      env: { PHOENIX_COLLECTOR_ENDPOINT: "http://127.0.0.1:9", DELETE_TRACES_WITH_CONVERSATION: "true" },
    });
    const context = await browser.newContext({ baseURL: app.url });
    try {
      const page = await context.newPage();
      await page.goto("/");
      const doomed = await sessionIdOf(page);
      await sendAndWait(page, "Delete me somehow");
      await item(page, doomed).getByTestId("delete-conversation").click();
      await item(page, doomed).getByTestId("confirm-delete").click();
      await expect(item(page, doomed).getByRole("alert")).toContainText("could not be deleted from Phoenix");
      await item(page, doomed).getByTestId("delete-locally").click();
      await expect(item(page, doomed)).toHaveCount(0);
      await expect(page.getByTestId("conversations-notice")).toContainText("Its traces are still in Phoenix");
      await page.reload();
      await expect(items(page)).toHaveCount(0);
    } finally {
      await context.close();
      await app.stop();
    }
  });

  test("Stop still stops generation after another tab opened a conversation and started a new one", async ({ page, context, e2e }) => {
    await page.goto("/");
    const sessionId = await sessionIdOf(page);
    await sendAndWait(page, "Hello before the story");
    const answer = await startLongAnswer(page, "a patient heron");

    const other = await context.newPage();
    await other.goto("/");
    await openFromList(other, sessionId);
    await startNew(other);

    await page.getByRole("button", { name: "Stop" }).click();
    await expect(answer).toHaveAttribute("data-status", "stopped");
    await expect(page.getByTestId("session-id")).toHaveText(sessionId);

    const isStory = (t: PhoenixTrace) => attribute(t.rootSpan!, "input.value") === "Write a long story about a patient heron";
    // Wait for the story's own root span (its spans can reach Phoenix in two exports).
    const session = await waitForSession(e2e.phoenix.url, sessionId, (s) => s.numTraces === 2 && s.traces.some(isStory));
    const story = session.traces.find(isStory)!;
    expect(story, "the story's turn").toBeDefined();
    expect(attribute(story.rootSpan!, "chat.turn.outcome")).toBe("stopped");
    // Cut off: the whole story tells its ending three times.
    const told = String(attribute(story.rootSpan!, "output.value"));
    expect(told.split("a beginning, a middle and an end.").length - 1).toBeLessThan(3);
  });

  test("on a phone-sized screen the list is a drawer: toggle, open a conversation, no sideways scrolling", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, baseURL });
    try {
      const page = await context.newPage();
      await page.goto("/");
      const first = await sessionIdOf(page);
      await sendAndWait(page, "First on the phone");
      const list = page.getByTestId("conversation-list");
      await expect(list).toBeHidden();

      await page.getByTestId("conversations-toggle").click();
      await expect(list).toBeVisible();
      await expect(page.getByTestId("new-conversation")).toBeFocused();
      await page.getByTestId("new-conversation").click();
      await expect(list).toBeHidden();
      await expect(page.getByTestId("session-id")).not.toHaveText(first);
      await sendAndWait(page, "Second on the phone");

      await page.getByTestId("conversations-toggle").click();
      await expect(list).toBeVisible();
      await expect(items(page)).toHaveCount(2);
      await expect(item(page, first)).toBeInViewport();
      const overflowOpen = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflowOpen).toBeLessThanOrEqual(0);

      await openFromList(page, first);
      await expect(list).toBeHidden();
      await expect(page.getByTestId("user-message")).toHaveText(["First on the phone"]);
      await expect(messageBox(page)).toBeInViewport();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  test("at most 50 conversations are kept: the oldest goes, and the list says so", async ({ page }) => {
    await page.goto("/");
    const real = await sessionIdOf(page);
    await sendAndWait(page, "The real one");
    const token = await storedToken(page, real);
    // 49 older conversations (50 with the real one). The token is only copied: the server
    // would refuse it for these ids, but the list bound never asks the server.
    const seeded = await page.evaluate((token) => {
      const ids: string[] = [];
      for (let i = 0; i < 49; i++) {
        const id = crypto.randomUUID();
        const updatedAt = Date.now() - (i + 1) * 3_600_000;
        const messages = [{ id: `seed-${i}`, role: "user", parts: [{ type: "text", text: `Seeded ${i}` }] }];
        localStorage.setItem(`phoenix-chat:conv:${id}`, JSON.stringify({ v: 1, token, updatedAt, messages }));
        ids.push(id);
      }
      return ids;
    }, token);
    const oldest = seeded.at(-1)!;
    await page.reload();
    await expect(items(page)).toHaveCount(50);
    await expect(page.getByTestId("conversations-notice")).toHaveCount(0);

    await startNew(page);
    await sendAndWait(page, "One too many");
    await expect(page.getByTestId("conversations-notice")).toContainText("The oldest conversation was removed to make room.");
    await expect(items(page)).toHaveCount(50);
    await expect(item(page, oldest)).toHaveCount(0);
    await expect(item(page, real)).toBeVisible();
    await expect(items(page).first()).toContainText("One too many");
    expect(await page.evaluate((key) => localStorage.getItem(key), conversationKey(oldest))).toBeNull();

    await page.reload();
    await expect(items(page)).toHaveCount(50);
    await expect(item(page, oldest)).toHaveCount(0);
  });
});
