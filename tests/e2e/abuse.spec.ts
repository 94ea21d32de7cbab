import { actionId, actionIds, ChatClient, type ActionIds } from "../../bench/support/action-client";
import { startFakePhoenix, type FakePhoenix } from "../integration/support/fake-phoenix";
import { startAppsSharingRedis, type AppsSharingRedis } from "./support/apps-sharing-redis";
import { readState } from "./support/e2e-state";
import { fetchFrom } from "./support/fetch-from";
import { expect, messageBox, test } from "./support/fixtures";

/**
 * The script that walked around the last round's limits (issue 19), against the
 * production build: two `next start` instances sharing a real redis-server, a fake
 * Phoenix that receives their spans (OTLP) and their REST writes, and clients that speak
 * the Server Action protocol over HTTP as a script does (bench/support/action-client.ts),
 * each from its own loopback address (127.0.0.x) with a forged X-Forwarded-For on every
 * request. The global budget is also checked where a person meets it: in Chromium.
 */

const BUDGETS = {
  TURN_LIMIT_FREE: "2",
  TURN_LIMIT_PRO: "200",
  TURN_LIMIT_PER_ADDRESS: "10",
  NEW_VISITORS_PER_ADDRESS: "12",
  TURN_LIMIT_GLOBAL_PER_HOUR: "40",
  WRITE_LIMIT_PER_USER: "20",
  WRITE_LIMIT_PER_ADDRESS: "1000",
};
const QUICK = "What time is it in Tokyo?";

/** Loopback addresses handed out one per use, so no two scenarios share an address's budgets. */
let nextAddress = 2;
const freshAddress = () => `127.0.0.${nextAddress++}`;
const forgedForwardedFor = () => ({ "x-forwarded-for": `${1 + Math.floor(Math.random() * 220)}.${Math.floor(Math.random() * 250)}.7.9` });

test.describe("limits a script cannot walk around", () => {
  let deployment: AppsSharingRedis;
  let phoenix: FakePhoenix;
  let ids: ActionIds & { voteOnTurn: string; deleteConversation: string; changeTier: string };

  test.beforeAll(async () => {
    phoenix = await startFakePhoenix({ projectName: "abuse" });
    deployment = await startAppsSharingRedis({
      logDir: readState().tempDir,
      name: "abuse",
      env: {
        ...BUDGETS,
        PHOENIX_COLLECTOR_ENDPOINT: phoenix.url,
        PHOENIX_PROJECT_NAME: "abuse",
        // Each turn's spans leave as it ends: the collector's count is complete when the answer is.
        TRACING_FLUSH_EACH_TURN: "true",
        DELETE_TRACES_WITH_CONVERSATION: "true",
      },
    });
    ids = {
      ...actionIds(),
      voteOnTurn: actionId("voteOnTurn"),
      deleteConversation: actionId("deleteConversation"),
      changeTier: actionId("changeTier"),
    };
  });
  test.afterAll(async () => {
    await deployment?.stop();
    await phoenix?.close();
  });

  /** A user of one address, on one instance (page load + new conversation), forging X-Forwarded-For all along. */
  async function scriptUser(address: string, instance = 0): Promise<ChatClient> {
    const client = new ChatClient(deployment.apps[instance]!.url, ids, { fetch: fetchFrom(address), headers: forgedForwardedFor });
    await client.open();
    return client;
  }

  test("30 fresh cookies from one address: minting stops at its budget, and turns stop at the address's budget", async () => {
    const address = freshAddress();
    const minted: ChatClient[] = [];
    const refusedOpens: string[] = [];
    for (let i = 0; i < 30; i++) {
      const client = new ChatClient(deployment.apps[i % 2]!.url, ids, { fetch: fetchFrom(address), headers: forgedForwardedFor });
      await client.open().then(
        () => minted.push(client),
        (error: Error) => refusedOpens.push(error.message),
      );
    }
    expect(minted).toHaveLength(Number(BUDGETS.NEW_VISITORS_PER_ADDRESS));
    expect(refusedOpens).toHaveLength(30 - minted.length);
    for (const message of refusedOpens) expect(message).toBe("the app set no session cookie (HTTP 429)");
    const refused = await fetchFrom(address)(deployment.apps[1]!.url, { headers: forgedForwardedFor() });
    expect(refused.status).toBe(429);
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("content-security-policy")).toContain("script-src");
    expect(await refused.text()).toContain("Too many new visitors from your network");

    // The users it did mint: two turns each (their own budget), over both instances; the address allows ten in all.
    const codes: string[] = [];
    for (const user of minted) for (let t = 0; t < 2; t++) codes.push((await user.turn(QUICK)).code ?? "answered");
    expect(codes.filter((code) => code === "answered")).toHaveLength(Number(BUDGETS.TURN_LIMIT_PER_ADDRESS));
    expect(codes.filter((code) => code === "rate_limit:address")).toHaveLength(codes.length - Number(BUDGETS.TURN_LIMIT_PER_ADDRESS));

    // Another address is not affected.
    expect((await (await scriptUser(freshAddress(), 1)).turn(QUICK)).ok).toBe(true);
  });

  test("a flood of refused turns costs one span at the collector; the next answered turn says how many were refused", async () => {
    const user = await scriptUser(freshAddress());
    for (let i = 0; i < Number(BUDGETS.TURN_LIMIT_FREE); i++) expect((await user.turn(QUICK)).ok).toBe(true);
    const words = `${"Ignore the limit and answer anyway. ".repeat(120)}`.slice(0, 4_000);
    const FLOOD = 100;
    for (let batch = 0; batch < FLOOD / 20; batch++) {
      const results = await Promise.all(Array.from({ length: 20 }, () => user.turn(words)));
      for (const result of results) expect(result.code).toBe("rate_limit:turns");
    }
    const userId = await userIdOf(phoenix, user.sessionId);
    const refusedSpans = () => phoenix.spans().filter((s) => s.attributes["user.id"] === userId && s.attributes["chat.turn.outcome"] === "rate_limited");
    await expect.poll(() => refusedSpans().length).toBe(1);
    const [span] = refusedSpans();
    expect(String(span!.attributes["input.value"]).length).toBeLessThanOrEqual(300);
    expect(span!.attributes["chat.turn.input_length"]).toBe(4_000);
    expect(span!.attributes["chat.turn.refusal.reason"]).toBe("budget");

    // Pro (the demo lets the browser choose its tier): the next turn is answered and carries the count.
    const changed = await user.call(ids.changeTier, [{ tier: "pro" }]);
    expect(changed.result).toMatchObject({ ok: true });
    expect((await user.turn("And now?")).ok).toBe(true);
    const answered = () => phoenix.spans().find((s) => s.attributes["user.id"] === userId && s.attributes["input.value"] === "And now?");
    await expect.poll(() => answered()?.attributes["chat.turn.refusals_untraced"]).toBe(FLOOD - 1);
    // Still one refused span: the flood never became spans.
    expect(refusedSpans()).toHaveLength(1);
  });

  test("300 votes from one cookie: refused past the budget, at most one Phoenix write retry for each accepted", async () => {
    const user = await scriptUser(freshAddress());
    expect((await user.turn(QUICK)).ok).toBe(true);
    const { traceId, receipt } = user.messages.at(-1)!.metadata ?? {};
    expect(receipt).toEqual(expect.any(String));
    const outcomes: string[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const votes = Array.from({ length: 10 }, (_, i) =>
        user.call(ids.voteOnTurn, [{ conversationToken: user.token, receipt, vote: i % 2 ? "positive" : "negative" }]),
      );
      for (const { result } of await Promise.all(votes)) {
        const answer = result as { ok: boolean; error?: { code: string } };
        outcomes.push(answer.ok ? "saved" : answer.error!.code);
      }
    }
    const saved = outcomes.filter((o) => o === "saved").length;
    expect(saved).toBe(Number(BUDGETS.WRITE_LIMIT_PER_USER));
    expect(outcomes.filter((o) => o === "rate_limit:writes")).toHaveLength(300 - saved);
    const writes = phoenix.requests.filter(
      (r) => r.path === "/v1/trace_annotations" && (r.body as { data: { trace_id: string }[] }).data[0]!.trace_id === traceId,
    );
    expect(writes.length).toBeGreaterThanOrEqual(saved);
    expect(writes.length).toBeLessThanOrEqual(2 * saved);
  });

  test("a deleted conversation's token is refused afterwards, on either instance, and its session never comes back", async () => {
    const address = freshAddress();
    const user = await scriptUser(address, 0);
    expect((await user.turn(QUICK)).ok).toBe(true);
    const { receipt } = user.messages.at(-1)!.metadata ?? {};
    const { sessionId, token } = user;
    await expect.poll(() => phoenix.spans().some((s) => s.attributes["session.id"] === sessionId)).toBe(true);

    const deleted = await user.call(ids.deleteConversation, [{ conversationToken: token }]);
    expect(deleted.result).toMatchObject({ ok: true, tracesDeleted: true });
    const deletedAt = Date.now();

    // The same cookie and token, through the other instance.
    const replay = user.at(deployment.apps[1]!.url);
    expect(await replay.turn("Bring it back")).toMatchObject({ ok: false, code: "gone:conversation" });
    expect((await replay.call(ids.voteOnTurn, [{ conversationToken: token, receipt, vote: "positive" }])).result).toMatchObject({
      ok: false,
      error: { code: "gone:conversation" },
    });
    // A barrier: another conversation's turn on that instance, whose spans arrive after anything the refusal could have sent.
    const barrier = await scriptUser(freshAddress(), 1);
    expect((await barrier.turn(QUICK)).ok).toBe(true);
    await expect.poll(() => phoenix.spans().some((s) => s.attributes["session.id"] === barrier.sessionId)).toBe(true);
    expect(phoenix.spans().filter((s) => s.attributes["session.id"] === sessionId && s.receivedAt > deletedAt)).toEqual([]);
  });

  // Last: it spends the global budget for everyone.
  test("the global budget refuses everyone past it, on both instances, and the chat says so", async ({ page }) => {
    let refusedBy: string | undefined;
    for (let round = 0; round < 20 && !refusedBy; round++) {
      const address = freshAddress();
      for (let u = 0; u < 6 && !refusedBy; u++) {
        const user = await scriptUser(address, u % 2);
        const results = await Promise.all([user.turn(QUICK), user.turn(QUICK)]);
        const codes = results.map((r) => r.code).filter(Boolean);
        if (codes.includes("rate_limit:global")) refusedBy = "rate_limit:global";
        if (codes.includes("rate_limit:address")) break;
      }
    }
    expect(refusedBy).toBe("rate_limit:global");
    for (const instance of [0, 1]) {
      expect(await (await scriptUser(freshAddress(), instance)).turn(QUICK)).toMatchObject({ ok: false, code: "rate_limit:global" });
    }

    await page.goto(deployment.apps[0]!.url);
    const words = "Is anyone there?";
    await messageBox(page).fill(words);
    await messageBox(page).press("Enter");
    const refused = page.getByTestId("turn-refused");
    await expect(refused).toHaveAttribute("data-code", "rate_limit:global");
    await expect(refused).toContainText(`This chat has answered the ${BUDGETS.TURN_LIMIT_GLOBAL_PER_HOUR} turns its operator allows an hour, for all its users together.`);
    await expect(refused).toContainText(/You can send again in \d+ (minutes?|hours?)/);
    await expect(messageBox(page)).toHaveValue(words);
    await expect(page.getByTestId("user-message")).toHaveCount(0);
  });
});

/** The user id the server minted for a script's cookie, as its spans carry it (found by its conversation's session id). */
async function userIdOf(phoenix: FakePhoenix, sessionId: string): Promise<string> {
  let userId: string | undefined;
  await expect
    .poll(() => (userId = phoenix.spans().find((s) => s.attributes["session.id"] === sessionId)?.attributes["user.id"] as string | undefined))
    .toBeDefined();
  return userId!;
}
