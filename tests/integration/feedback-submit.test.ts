import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_FEEDBACK_COMMENT_CHARS } from "@/lib/chat/message-size";
import { sealConversationToken, sealTurnReceipt } from "@/lib/conversation/conversation-token";
import { feedbackOutageLog, submitConversationRating, submitTurnVote, type FeedbackDeps } from "@/lib/feedback/submit-feedback";
import { QUEUED_VOTE_SETTLE_MS, type Limits } from "@/lib/limits/limiter";
import { createMemoryLimiter } from "@/lib/limits/memory-limiter";
import { createPhoenixClient } from "@/lib/phoenix/rest-client";
import { testLimits } from "../support/limits";
import { startFakePhoenix, type FakePhoenix } from "./support/fake-phoenix";

/**
 * The feedback actions' logic (everything but reading the cookie) against a local
 * Phoenix: what lands on which trace or session, and what is refused with nothing sent.
 */

const SECRETS = ["s".repeat(32)];
const PROJECT = "phoenix-session-chat";
const log = { warn: vi.fn(), info: vi.fn() };

let phoenix: FakePhoenix;
let deps: FeedbackDeps;
/** What the action left to run after its response (Next's `after()`), run by the test when it chooses. */
let afterResponse: (() => Promise<void>)[];
let slept: number[];

beforeAll(async () => {
  phoenix = await startFakePhoenix({ projectName: PROJECT, apiKey: "px-key" });
});
afterAll(() => phoenix.close());
beforeEach(() => {
  phoenix.respondWith(null);
  phoenix.stopAnswering(false);
  phoenix.requests.length = 0;
  log.warn.mockClear();
  log.info.mockClear();
  afterResponse = [];
  slept = [];
  deps = depsWith(testLimits());
});

function depsWith(limits: Limits): FeedbackDeps {
  return {
    phoenix: createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key", timeoutMs: 300 }),
    projectName: PROJECT,
    secrets: SECRETS,
    outageLog: feedbackOutageLog(log),
    limiter: createMemoryLimiter(limits),
    afterResponse: (task) => void afterResponse.push(task),
    flushTraces: async () => undefined,
    sleep: async (ms) => void slept.push(ms),
  };
}

/** Runs what the action left for after its response, as Next's `after()` would. */
async function runAfterResponse(): Promise<void> {
  for (const task of afterResponse.splice(0)) await task();
}

const caller = (userId: string) => ({ userId, address: "192.0.2.50" });

const traceId = () => randomBytes(16).toString("hex");

/** A user with a conversation and one answered turn, as the app hands them out. */
async function aTurn(options: { ingested?: boolean } = { ingested: true }) {
  const userId = randomUUID();
  const sessionId = randomUUID();
  const trace = traceId();
  if (options.ingested) phoenix.ingest({ traceId: trace, sessionId });
  return {
    userId,
    sessionId,
    traceId: trace,
    conversationToken: await sealConversationToken({ sessionId, userId }, SECRETS),
    receipt: await sealTurnReceipt({ traceId: trace, sessionId, userId }, SECRETS),
  };
}

describe("a vote on an answer", () => {
  it("lands on the turn's trace as Phoenix's own user_feedback annotation", async () => {
    const turn = await aTurn();
    const result = await submitTurnVote(
      { conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "negative", comment: "  Wrong city.  " },
      caller(turn.userId),
      deps,
    );
    expect(result).toEqual({ ok: true });
    expect(phoenix.requests).toHaveLength(1);
    expect(phoenix.requests[0]!.path).toBe("/v1/trace_annotations");
    expect(phoenix.requests[0]!.body).toEqual({
      data: [
        {
          trace_id: turn.traceId,
          name: "user_feedback",
          annotator_kind: "HUMAN",
          result: { label: "negative", score: 0, explanation: "Wrong city." },
          identifier: `user:${turn.userId}:trace:${turn.traceId}`,
          metadata: { user_id: turn.userId },
        },
      ],
    });
    // Never the root span as well: that shows the vote twice (phoenix #14189).
    expect(phoenix.requests.some((r) => r.path.includes("span_annotations"))).toBe(false);
  });

  it("changed, updates the one annotation; undone, removes it and no one else's", async () => {
    const turn = await aTurn();
    const other = await aTurn();
    const vote = (t: typeof turn, v: "positive" | "negative" | null, comment?: string) =>
      submitTurnVote({ conversationToken: t.conversationToken, receipt: t.receipt, vote: v, comment }, caller(t.userId), deps);

    await vote(turn, "negative", "Too long");
    await vote(other, "negative");
    expect(await vote(turn, "positive")).toEqual({ ok: true });
    const after = phoenix.traceAnnotations(turn.traceId);
    expect(after).toHaveLength(1);
    expect(after[0]!.result).toEqual({ label: "positive", score: 1, explanation: null });

    expect(await vote(turn, null)).toEqual({ ok: true });
    expect(phoenix.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/v1/projects/${PROJECT}/trace_annotations` });
    expect(Object.fromEntries(phoenix.requests.at(-1)!.query)).toMatchObject({
      name: "user_feedback",
      identifier: `user:${turn.userId}:trace:${turn.traceId}`,
      annotator_kind: "HUMAN",
    });
    expect(phoenix.traceAnnotations(turn.traceId)).toHaveLength(0);
    expect(phoenix.traceAnnotations(other.traceId)).toHaveLength(1);
  });

  it("right after the answer (trace not ingested): one sync write, one queued retry, answered at once; our spans go after the response", async () => {
    const turn = await aTurn({ ingested: false });
    const flushTraces = vi.fn(async () => phoenix.ingest({ traceId: turn.traceId, sessionId: turn.sessionId }));
    const d = { ...deps, flushTraces };
    const result = await submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "positive" }, caller(turn.userId), d);
    expect(result).toEqual({ ok: true });
    // At most one retry, and the request waited for nothing: no flush, no pause before answering.
    expect(phoenix.requests.map((r) => r.query.get("sync"))).toEqual(["true", "false"]);
    expect(flushTraces).not.toHaveBeenCalled();
    expect(phoenix.queued()).toBe(1);
    await runAfterResponse();
    expect(flushTraces).toHaveBeenCalledOnce();
    // Phoenix's queue lands the vote once the trace is in.
    expect(phoenix.traceAnnotations(turn.traceId)).toHaveLength(1);
    expect(phoenix.requests).toHaveLength(2);
  });

  it("an undo while that vote is still queued: deletes now, and once more after Phoenix's queue has retried, so the vote never comes back", async () => {
    const turn = await aTurn({ ingested: false });
    const vote = (v: "positive" | null) =>
      submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: v }, caller(turn.userId), deps);
    expect(await vote("positive")).toEqual({ ok: true });
    await runAfterResponse();
    expect(await vote(null)).toEqual({ ok: true });
    const deletes = () => phoenix.requests.filter((r) => r.method === "DELETE").length;
    expect(deletes()).toBe(1);
    // The trap: the trace arrives, Phoenix's queue retries, and the queued vote lands after the undo.
    phoenix.ingest({ traceId: turn.traceId });
    expect(phoenix.traceAnnotations(turn.traceId)).toHaveLength(1);
    await runAfterResponse();
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(0);
    expect(slept[0]).toBeLessThanOrEqual(QUEUED_VOTE_SETTLE_MS);
    expect(deletes()).toBe(2);
    expect(phoenix.traceAnnotations(turn.traceId)).toHaveLength(0);
  });

  it("a comment right after a vote that is still queued: Phoenix's queue lands the bare vote over it, and the comment is written once more after", async () => {
    const turn = await aTurn({ ingested: false });
    const vote = (comment?: string) =>
      submitTurnVote(
        { conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "negative", ...(comment ? { comment } : {}) },
        caller(turn.userId),
        deps,
      );
    const explanations = () => phoenix.traceAnnotations(turn.traceId).map((a) => a.result?.explanation ?? null);
    expect(await vote()).toEqual({ ok: true });
    // Our spans go; the trace is in Phoenix, whose queue has not retried yet.
    afterResponse.splice(0);
    phoenix.ingest({ traceId: turn.traceId }, { queueRetries: false });
    expect(await vote("It asked the wrong city.")).toEqual({ ok: true });
    expect(explanations()).toEqual(["It asked the wrong city."]);
    // The trap: the queue retries, and the vote without its comment replaces it.
    phoenix.retryQueue();
    expect(explanations()).toEqual([null]);
    await runAfterResponse();
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(0);
    expect(slept[0]).toBeLessThanOrEqual(QUEUED_VOTE_SETTLE_MS);
    expect(explanations()).toEqual(["It asked the wrong city."]);
  });

  it("a vote again after such an undo: the later delete is skipped, the new vote stays", async () => {
    const turn = await aTurn({ ingested: false });
    const vote = (v: "positive" | "negative" | null) =>
      submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: v }, caller(turn.userId), deps);
    await vote("positive");
    await vote(null);
    const deferred = afterResponse.splice(0);
    phoenix.ingest({ traceId: turn.traceId });
    expect(await vote("negative")).toEqual({ ok: true });
    for (const task of deferred) await task();
    expect(phoenix.traceAnnotations(turn.traceId).map((a) => a.result?.label)).toEqual(["negative"]);
    expect(phoenix.requests.filter((r) => r.method === "DELETE")).toHaveLength(1);
  });

  it("an undo of a vote that was written at once deletes once, and nothing is left for later", async () => {
    const turn = await aTurn();
    const vote = (v: "positive" | null) =>
      submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: v }, caller(turn.userId), deps);
    await vote("positive");
    await vote(null);
    expect(afterResponse).toHaveLength(0);
    expect(phoenix.requests.map((r) => r.method)).toEqual(["POST", "DELETE"]);
  });
});

describe("the write budget", () => {
  it("300 votes from one cookie: refused past the budget with a message that says when, at most one retry for each accepted", async () => {
    const turn = await aTurn({ ingested: false });
    const d = depsWith(testLimits({ writes: { perUser: { turns: 20, windowSeconds: 3600 }, perAddress: { turns: 1_000, windowSeconds: 3600 } } }));
    const votes = Array.from({ length: 300 }, (_, i) =>
      submitTurnVote(
        { conversationToken: turn.conversationToken, receipt: turn.receipt, vote: i % 2 ? "positive" : "negative" },
        caller(turn.userId),
        d,
      ),
    );
    const results = await Promise.all(votes);
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(280);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: "rate_limit:writes", retryAfterSeconds: expect.any(Number) } });
    if (!refused[0]!.ok) expect(refused[0]!.error.message).toMatch(/^Not saved: 20 votes, ratings or deletions an hour are the most one user may send\. Try again in 1 hour\.$/);
    expect(phoenix.requests.length).toBeLessThanOrEqual(2 * 20);
    expect(phoenix.requests.filter((r) => r.path === "/v1/trace_annotations")).toHaveLength(40);
  });

  it("is per address too: fresh cookies from one address share it", async () => {
    const d = depsWith(testLimits({ writes: { perUser: { turns: 100, windowSeconds: 3600 }, perAddress: { turns: 5, windowSeconds: 3600 } } }));
    const results = [];
    for (let i = 0; i < 8; i++) {
      const turn = await aTurn();
      results.push(await submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "positive" }, caller(turn.userId), d));
    }
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([...Array(5).fill("ok"), ...Array(3).fill("rate_limit:writes")]);
    expect(phoenix.requests).toHaveLength(5);
  });

  it("refuses votes and ratings in a deleted conversation, sending nothing", async () => {
    const turn = await aTurn();
    await (deps.limiter as ReturnType<typeof createMemoryLimiter>).forgetConversation(turn.sessionId);
    expect(
      await submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "positive" }, caller(turn.userId), deps),
    ).toMatchObject({ ok: false, error: { code: "gone:conversation", retryable: false } });
    expect(await submitConversationRating({ conversationToken: turn.conversationToken, vote: "positive" }, caller(turn.userId), deps)).toMatchObject({
      ok: false,
      error: { code: "gone:conversation" },
    });
    expect(phoenix.requests).toHaveLength(0);
  });
});

describe("refused, with nothing sent to Phoenix", () => {
  it("a conversation token of another user", async () => {
    const victim = await aTurn();
    const attacker = randomUUID();
    const result = await submitTurnVote(
      { conversationToken: victim.conversationToken, receipt: victim.receipt, vote: "negative" },
      caller(attacker),
      deps,
    );
    expect(result).toMatchObject({ ok: false, error: { code: "forbidden:conversation", retryable: false } });
    expect(phoenix.requests).toHaveLength(0);
  });

  it("a receipt from another conversation, even of the same user", async () => {
    const turn = await aTurn();
    const elsewhere = await sealTurnReceipt({ traceId: traceId(), sessionId: randomUUID(), userId: turn.userId }, SECRETS);
    const result = await submitTurnVote(
      { conversationToken: turn.conversationToken, receipt: elsewhere, vote: "positive" },
      caller(turn.userId),
      deps,
    );
    expect(result).toMatchObject({ ok: false, error: { code: "forbidden:feedback" } });
    expect(phoenix.requests).toHaveLength(0);
  });

  it("a forged receipt, a bare trace id, a receipt sealed with a secret the server does not have", async () => {
    const turn = await aTurn();
    const foreignSecret = await sealTurnReceipt(
      { traceId: turn.traceId, sessionId: turn.sessionId, userId: turn.userId },
      ["x".repeat(32)],
    );
    for (const receipt of [`${turn.receipt.slice(0, -4)}AAAA`, turn.traceId, foreignSecret]) {
      const result = await submitTurnVote(
        { conversationToken: turn.conversationToken, receipt, vote: "positive" },
        caller(turn.userId),
        deps,
      );
      expect(result).toMatchObject({ ok: false, error: { code: "bad_request:feedback" } });
    }
    expect(phoenix.requests).toHaveLength(0);
  });

  it("a comment over the limit, with a message that names it", async () => {
    const turn = await aTurn();
    const result = await submitTurnVote(
      { conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "negative", comment: "x".repeat(MAX_FEEDBACK_COMMENT_CHARS + 1) },
      caller(turn.userId),
      deps,
    );
    expect(result).toMatchObject({ ok: false, error: { code: "bad_request:comment_too_long", retryable: false } });
    if (!result.ok) expect(result.error.message).toContain("1,000 characters");
    expect(phoenix.requests).toHaveLength(0);
  });

  it("an unknown label, wrong types, extra fields", async () => {
    const turn = await aTurn();
    const base = { conversationToken: turn.conversationToken, receipt: turn.receipt };
    for (const input of [
      { ...base, vote: "meh" },
      { ...base, vote: 1 },
      { ...base, vote: "positive", comment: 42 },
      { ...base, receipt: undefined, vote: "positive" },
      { ...base, vote: "positive", traceId: turn.traceId },
      null,
      "positive",
    ]) {
      const result = await submitTurnVote(input, caller(turn.userId), deps);
      expect(result).toMatchObject({ ok: false, error: { code: "bad_request:malformed" } });
    }
    expect(phoenix.requests).toHaveLength(0);
  });

  it("anything, when tracing is off", async () => {
    const turn = await aTurn();
    const result = await submitTurnVote(
      { conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "positive" },
      caller(turn.userId),
      { ...deps, phoenix: null },
    );
    expect(result).toMatchObject({ ok: false, error: { code: "disabled:feedback" } });
  });
});

describe("when Phoenix fails", () => {
  it.each([
    ["401", () => phoenix.respondWith(401), /API key/],
    ["500", () => phoenix.respondWith(500), /Phoenix did not answer/],
    ["no answer", () => phoenix.stopAnswering(), /too long/],
  ])("%s: a retryable 'not saved' error", async (_, breakIt, detail) => {
    const turn = await aTurn();
    breakIt();
    const result = await submitTurnVote(
      { conversationToken: turn.conversationToken, receipt: turn.receipt, vote: "positive" },
      caller(turn.userId),
      deps,
    );
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable:feedback", retryable: true } });
    if (!result.ok) {
      expect(result.error.message).toMatch(/^Your feedback was not saved: Phoenix did not answer\. Try again\./);
      expect(result.error.message).toMatch(detail);
    }
  });

  it("logs once while it stays down, and once when it is back", async () => {
    const turn = await aTurn();
    const vote = (v: "positive" | "negative" | null) =>
      submitTurnVote({ conversationToken: turn.conversationToken, receipt: turn.receipt, vote: v }, caller(turn.userId), deps);
    phoenix.respondWith(503);
    for (const v of ["positive", "negative", null, "positive"] as const) expect((await vote(v)).ok).toBe(false);
    expect(log.warn).toHaveBeenCalledOnce();
    expect(String(log.warn.mock.calls[0]![0])).toContain("503");

    phoenix.respondWith(null);
    expect(await vote("negative")).toEqual({ ok: true });
    expect(await vote("positive")).toEqual({ ok: true });
    expect(log.info).toHaveBeenCalledOnce();
    expect(log.warn).toHaveBeenCalledOnce();
  });
});

describe("a rating of the whole conversation", () => {
  it("lands on the session, changes in place, and undo removes it", async () => {
    const turn = await aTurn();
    const rate = (vote: "positive" | "negative" | null, comment?: string) =>
      submitConversationRating({ conversationToken: turn.conversationToken, vote, comment }, caller(turn.userId), deps);

    expect(await rate("negative", "It kept forgetting my city")).toEqual({ ok: true });
    expect(phoenix.requests[0]!.path).toBe("/v1/session_annotations");
    expect(phoenix.requests[0]!.body).toEqual({
      data: [
        {
          session_id: turn.sessionId,
          name: "user_feedback",
          annotator_kind: "HUMAN",
          result: { label: "negative", score: 0, explanation: "It kept forgetting my city" },
          identifier: `user:${turn.userId}:session:${turn.sessionId}`,
          metadata: { user_id: turn.userId },
        },
      ],
    });
    await rate("positive");
    expect(phoenix.sessionAnnotations(turn.sessionId)).toHaveLength(1);
    expect(phoenix.sessionAnnotations(turn.sessionId)[0]!.result).toMatchObject({ label: "positive", score: 1 });
    expect(await rate(null)).toEqual({ ok: true });
    expect(phoenix.requests.at(-1)!.path).toBe(`/v1/projects/${PROJECT}/session_annotations`);
    expect(phoenix.sessionAnnotations(turn.sessionId)).toHaveLength(0);
  });

  it("refuses another user's conversation and a damaged token, sending nothing", async () => {
    const turn = await aTurn();
    const foreign = await submitConversationRating(
      { conversationToken: turn.conversationToken, vote: "negative" },
      caller(randomUUID()),
      deps,
    );
    expect(foreign).toMatchObject({ ok: false, error: { code: "forbidden:conversation" } });
    const damaged = await submitConversationRating(
      { conversationToken: turn.conversationToken.slice(0, 40), vote: "negative" },
      caller(turn.userId),
      deps,
    );
    expect(damaged).toMatchObject({ ok: false, error: { code: "bad_request:conversation" } });
    expect(phoenix.requests).toHaveLength(0);
  });
});
