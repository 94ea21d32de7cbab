import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  conversationFeedbackAnnotation,
  feedbackDeleteFilter,
  turnFeedbackAnnotation,
  turnFeedbackIdentifier,
} from "@/lib/feedback/feedback-annotations";
import { feedbackOutageLog } from "@/lib/feedback/submit-feedback";
import { writeVote, type VoteWriter } from "@/lib/feedback/write-feedback";
import { QUEUED_VOTE_SETTLE_MS } from "@/lib/limits/limiter";
import type { PhoenixResult, Written } from "@/lib/phoenix/rest-client";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("feedback annotations", () => {
  it("are Phoenix's user_feedback: positive = 1, negative = 0, HUMAN, the comment trimmed as explanation", () => {
    expect(turnFeedbackAnnotation({ traceId: TRACE, userId: "u1" }, { vote: "positive" })).toEqual({
      trace_id: TRACE,
      name: "user_feedback",
      annotator_kind: "HUMAN",
      result: { label: "positive", score: 1, explanation: null },
      identifier: `user:u1:trace:${TRACE}`,
      metadata: { user_id: "u1" },
    });
    const negative = turnFeedbackAnnotation({ traceId: TRACE, userId: "u1" }, { vote: "negative", comment: " slow \n" });
    expect(negative.result).toEqual({ label: "negative", score: 0, explanation: "slow" });
    const blank = turnFeedbackAnnotation({ traceId: TRACE, userId: "u1" }, { vote: "negative", comment: "   " });
    expect(blank.result?.explanation).toBeNull();
  });

  it("have one identifier per user and turn, so a change upserts and undo removes only that one", () => {
    expect(turnFeedbackIdentifier("u1", TRACE)).toBe(turnFeedbackIdentifier("u1", TRACE));
    expect(turnFeedbackIdentifier("u1", TRACE)).not.toBe(turnFeedbackIdentifier("u2", TRACE));
    expect(turnFeedbackIdentifier("u1", TRACE)).not.toBe(turnFeedbackIdentifier("u1", "f".repeat(32)));
    expect(feedbackDeleteFilter("proj", turnFeedbackIdentifier("u1", TRACE))).toEqual({
      projectName: "proj",
      name: "user_feedback",
      identifier: `user:u1:trace:${TRACE}`,
      annotatorKind: "HUMAN",
    });
  });

  it("for a conversation target the session", () => {
    const rating = conversationFeedbackAnnotation({ sessionId: "s1", userId: "u1" }, { vote: "negative", comment: "meh" });
    expect(rating).toMatchObject({ session_id: "s1", identifier: "user:u1:session:s1", result: { label: "negative", score: 0, explanation: "meh" } });
    expect(rating).not.toHaveProperty("trace_id");
  });
});

describe("the outage log", () => {
  it("says once that Phoenix fails, again only for a different failure, and once that it is back", () => {
    const log = { warn: vi.fn(), info: vi.fn() };
    const outage = feedbackOutageLog(log);
    outage.succeeded();
    outage.failed({ kind: "unreachable", detail: "ECONNREFUSED" });
    outage.failed({ kind: "unreachable", detail: "ECONNREFUSED" });
    outage.failed({ kind: "unauthorized", status: 401, detail: "401" });
    outage.succeeded();
    outage.succeeded();
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.info).toHaveBeenCalledTimes(1);
  });
});

describe("writing a vote: at most one retry, nothing held open", () => {
  const notFound: PhoenixResult<Written> = { ok: false, failure: { kind: "not_found", status: 404, detail: "no trace" } };
  const written = (queued: boolean): PhoenixResult<Written> => ({ ok: true, value: { queued, ids: [] } });
  const vote = { userId: "u1", target: `trace:${TRACE}`, writeId: "w1", at: 20_000, queuedAt: null };

  let stillStands = true;
  const slept: number[] = [];
  beforeEach(() => {
    stillStands = true;
    slept.length = 0;
  });

  function writer() {
    const after: (() => Promise<void>)[] = [];
    const noted: string[] = [];
    const flushTraces = vi.fn(async () => undefined);
    const w: VoteWriter = {
      limiter: { noteQueuedVote: async (_user, target) => (noted.push(target), 1), writeStillStands: async () => stillStands },
      afterResponse: (task) => void after.push(task),
      flushTraces,
      sleep: async (ms) => void slept.push(ms),
    };
    return { w, after, noted, flushTraces };
  }

  it("writes synchronously when the target is there: one call, nothing noted or left for later", async () => {
    const post = vi.fn(async () => written(false));
    const { w, after, noted } = writer();
    expect(await writeVote(post, vote, w)).toEqual(written(false));
    expect(post.mock.calls).toEqual([[{ sync: true }]]);
    expect(after).toHaveLength(0);
    expect(noted).toEqual([]);
  });

  it("when missing: notes it, queues it once (sync=false) at once, and sends the spans only after the response", async () => {
    const post = vi.fn(async ({ sync }: { sync?: boolean }) => (sync ? notFound : written(true)));
    const { w, after, noted, flushTraces } = writer();
    expect(await writeVote(post, vote, w)).toEqual(written(true));
    expect(post.mock.calls.map(([o]) => o.sync)).toEqual([true, false]);
    expect(noted).toEqual([vote.target]);
    expect(flushTraces).not.toHaveBeenCalled();
    await after[0]!();
    expect(flushTraces).toHaveBeenCalledOnce();
  });

  it("within the settle time of a vote Phoenix queued, writes once more after the response, once the queue has retried", async () => {
    const post = vi.fn(async () => written(false));
    const { w, after } = writer();
    const queuedAt = vote.at - 4_000;
    expect(await writeVote(post, { ...vote, queuedAt }, w)).toEqual(written(false));
    expect(post).toHaveBeenCalledOnce();
    expect(after).toHaveLength(1);
    await after[0]!();
    expect(slept).toEqual([QUEUED_VOTE_SETTLE_MS - 4_000]);
    expect(post.mock.calls).toEqual([[{ sync: true }], [{ sync: true }]]);
  });

  it("does not write again when the user has written since, nor when the queued vote is long settled", async () => {
    const post = vi.fn(async () => written(false));
    const { w, after } = writer();
    await writeVote(post, { ...vote, queuedAt: vote.at - 1_000 }, w);
    stillStands = false;
    await after[0]!();
    expect(post).toHaveBeenCalledOnce();
    await writeVote(post, { ...vote, queuedAt: vote.at - QUEUED_VOTE_SETTLE_MS }, w);
    expect(after).toHaveLength(1);
  });

  it("returns any other failure at once", async () => {
    const down: PhoenixResult<Written> = { ok: false, failure: { kind: "unreachable", detail: "x" } };
    const post = vi.fn(async () => down);
    const { w, after } = writer();
    expect(await writeVote(post, vote, w)).toBe(down);
    expect(post).toHaveBeenCalledOnce();
    expect(after).toHaveLength(0);
  });
});
