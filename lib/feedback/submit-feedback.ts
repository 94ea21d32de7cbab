import "server-only";
import { z } from "zod";
import { chatErrorPayload, type ChatErrorCode } from "@/lib/chat/chat-error";
import { MAX_FEEDBACK_COMMENT_CHARS } from "@/lib/chat/message-size";
import { openConversationToken, openTurnReceipt } from "@/lib/conversation/conversation-token";
import { writeRefusalError } from "@/lib/limits/describe-refusal";
import type { ClientAddress, Limiter } from "@/lib/limits/limiter";
import { createOutageLog, type OutageLog } from "@/lib/log/outage-log";
import type { PhoenixClient, PhoenixFailure, PhoenixResult } from "@/lib/phoenix/rest-client";
import {
  conversationFeedbackAnnotation,
  conversationFeedbackIdentifier,
  feedbackDeleteFilter,
  turnFeedbackAnnotation,
  turnFeedbackIdentifier,
} from "./feedback-annotations";
import { VOTES, type FeedbackChoice, type FeedbackResult, type Vote } from "./feedback-protocol";
import { undoVote, writeVote, type VoteWrite, type VoteWriter } from "./write-feedback";

/**
 * The feedback actions without Next: input in, the caller's user id from the cookie,
 * a vote written to (or removed from) Phoenix, a typed result out. Nothing is written
 * unless the conversation token opens for this user and the receipt names that same
 * conversation and user: the browser can never pick the trace or session it votes on.
 * Each vote is budgeted (per user and per client address) before Phoenix sees it.
 */

export type FeedbackDeps = VoteWriter & {
  /** null when tracing is off: no traces, nothing to vote on. */
  phoenix: PhoenixClient | null;
  projectName: string;
  /** SESSION_SECRET's secrets, newest first: they seal tokens and receipts. */
  secrets: readonly string[];
  outageLog: OutageLog<PhoenixFailure>;
  limiter: Pick<Limiter, "acquireWrite" | "noteQueuedVote" | "writeStillStands">;
};

/**
 * "Phoenix is down" once, not once per vote while it is (lib/log/outage-log.ts); the app
 * keeps one for the whole server (feedback-deps.ts).
 */
export function feedbackOutageLog(log?: Pick<Console, "warn" | "info">): OutageLog<PhoenixFailure> {
  return createOutageLog(
    {
      failed: ({ kind, detail }: PhoenixFailure) => `[feedback] Phoenix did not take feedback (${kind}): ${detail}. Logged once until it recovers.`,
      recovered: "[feedback] Phoenix takes feedback again.",
    },
    log,
  );
}

/** Who votes: the cookie's user, and the client address the write budget counts. */
export type Voter = { userId: string; address: ClientAddress };

const choiceFields = {
  conversationToken: z.string(),
  vote: z.enum(VOTES).nullable(),
  // Its length is checked on its own, for a message that names the limit.
  comment: z.string().optional(),
};
const TurnVoteSchema = z.object({ ...choiceFields, receipt: z.string() }).strict();
const ConversationRatingSchema = z.object(choiceFields).strict();

type Failed = { ok: false; error: ReturnType<typeof chatErrorPayload> };
const failed = (code: ChatErrorCode, detail?: string): Failed => ({ ok: false, error: chatErrorPayload(code, detail) });

export async function submitTurnVote(input: unknown, caller: Voter, deps: FeedbackDeps): Promise<FeedbackResult> {
  const request = parse(TurnVoteSchema, input, deps);
  if (!request.ok) return request;
  const { phoenix, value: { conversationToken, receipt, vote, comment } } = request;

  const conversation = await openConversationToken(conversationToken, caller.userId, deps.secrets);
  if (!conversation.ok) return failed(conversation.code);
  const turn = await openTurnReceipt(receipt, { sessionId: conversation.sessionId, userId: caller.userId }, deps.secrets);
  if (!turn.ok) return failed(turn.code);

  const allowed = await budget(caller, conversation.sessionId, `trace:${turn.traceId}`, deps);
  if (!allowed.ok) return allowed;
  const sent =
    vote === null
      ? await undoVote(
          () => phoenix.deleteTraceAnnotations(feedbackDeleteFilter(deps.projectName, turnFeedbackIdentifier(caller.userId, turn.traceId))),
          allowed,
          deps,
        )
      : await writeVote(
          (options) => phoenix.annotateTraces([turnFeedbackAnnotation({ traceId: turn.traceId, userId: caller.userId }, choice(vote, comment))], options),
          allowed,
          deps,
        );
  return outcome(sent, vote === null, deps.outageLog);
}

export async function submitConversationRating(input: unknown, caller: Voter, deps: FeedbackDeps): Promise<FeedbackResult> {
  const request = parse(ConversationRatingSchema, input, deps);
  if (!request.ok) return request;
  const { phoenix, value: { conversationToken, vote, comment } } = request;

  const conversation = await openConversationToken(conversationToken, caller.userId, deps.secrets);
  if (!conversation.ok) return failed(conversation.code);

  const { sessionId } = conversation;
  const allowed = await budget(caller, sessionId, `session:${sessionId}`, deps);
  if (!allowed.ok) return allowed;
  const sent =
    vote === null
      ? await undoVote(
          () => phoenix.deleteSessionAnnotations(feedbackDeleteFilter(deps.projectName, conversationFeedbackIdentifier(caller.userId, sessionId))),
          allowed,
          deps,
        )
      : await writeVote(
          (options) => phoenix.annotateSessions([conversationFeedbackAnnotation({ sessionId, userId: caller.userId }, choice(vote, comment))], options),
          allowed,
          deps,
        );
  return outcome(sent, vote === null, deps.outageLog);
}

/**
 * The write budgets (one round trip); a deleted conversation is refused so its session stays
 * gone. Allowed: the write as `writeVote` and `undoVote` need it.
 */
async function budget(caller: Voter, sessionId: string, target: string, deps: FeedbackDeps): Promise<({ ok: true } & VoteWrite) | Failed> {
  const allowed = await deps.limiter.acquireWrite({ ...caller, sessionId, refuseGone: true, voteTarget: target });
  if (allowed.ok) return { ok: true, userId: caller.userId, target, writeId: allowed.writeId, at: allowed.at, queuedAt: allowed.queuedAt };
  if ("gone" in allowed) return failed("gone:conversation");
  return { ok: false, error: writeRefusalError(allowed.refusal).toPayload() };
}

/** Tracing off, wrong shapes, an over-long comment: refused before anything is opened, counted or sent. */
function parse<T extends { comment?: string | undefined }>(
  schema: z.ZodType<T>,
  input: unknown,
  deps: FeedbackDeps,
): { ok: true; value: T; phoenix: PhoenixClient } | Failed {
  const { phoenix } = deps;
  if (!phoenix) return failed("disabled:feedback");
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failed("bad_request:malformed", issue ? `${issue.path.join(".") || "request"}: ${issue.message}` : undefined);
  }
  if ((parsed.data.comment?.length ?? 0) > MAX_FEEDBACK_COMMENT_CHARS) return failed("bad_request:comment_too_long");
  return { ok: true, value: parsed.data, phoenix };
}

function choice(vote: Vote, comment: string | undefined): FeedbackChoice {
  return comment === undefined ? { vote } : { vote, comment };
}

function outcome(sent: PhoenixResult<unknown>, isUndo: boolean, log: OutageLog<PhoenixFailure>): FeedbackResult {
  // An undo in a project Phoenix does not have (yet) has nothing to remove: done.
  if (sent.ok || (isUndo && sent.failure.kind === "not_found")) {
    log.succeeded();
    return { ok: true };
  }
  log.failed(sent.failure);
  return failed("unavailable:feedback", userDetail(sent.failure));
}

/** The message already says what to do; this says why, without the server's internals. */
function userDetail(failure: PhoenixFailure): string | undefined {
  switch (failure.kind) {
    case "unauthorized":
      return "Phoenix refused the server's API key";
    case "timeout":
      return "Phoenix took too long";
    case "busy":
      return "the server is sending Phoenix too much at once";
    case "rejected":
    case "not_found":
      return `Phoenix refused the request (${failure.status ?? "no status"})`;
    default:
      return undefined;
  }
}
