"use server";

import { headers } from "next/headers";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import { loadConfig } from "@/lib/config";
import { feedbackDeps } from "@/lib/feedback/feedback-deps";
import type { ConversationRatingRequest, FeedbackResult, TurnVoteRequest } from "@/lib/feedback/feedback-protocol";
import { submitConversationRating, submitTurnVote, type Voter } from "@/lib/feedback/submit-feedback";
import { requireVisitor } from "@/lib/identity/current-visitor";
import { requestAddress } from "@/lib/limits/app-limiter";
import { errorLine } from "@/lib/log/error-line";
import { createSecretScrubber } from "@/lib/tracing/secret-scrubber";

/**
 * Thumbs up/down on an answer (a trace annotation on its turn) and on the whole
 * conversation (a session annotation). Who votes comes from the visitor cookie only;
 * which turn and conversation from sealed values the server handed out (see
 * lib/feedback/submit-feedback.ts). `vote: null` removes the caller's vote. Every vote
 * is budgeted per user and per client address (WRITE_LIMIT_PER_USER, _PER_ADDRESS).
 */

export async function voteOnTurn(request: TurnVoteRequest): Promise<FeedbackResult> {
  return asVoter("vote", (voter) => submitTurnVote(request as unknown, voter, feedbackDeps(loadConfig())));
}

export async function rateConversation(request: ConversationRatingRequest): Promise<FeedbackResult> {
  return asVoter("rating", (voter) => submitConversationRating(request as unknown, voter, feedbackDeps(loadConfig())));
}

async function asVoter(what: string, run: (voter: Voter) => Promise<FeedbackResult>): Promise<FeedbackResult> {
  try {
    const cookie = await requireVisitor();
    if (!cookie.ok) return { ok: false, error: chatErrorPayload(cookie.code) };
    return await run({ userId: cookie.visitor.userId, address: requestAddress(await headers()) });
  } catch (error) {
    // Scrubbed: an error from the REST client or a dependency may carry the Phoenix API key.
    console.error(errorLine(`[feedback] ${what} failed`, error, createSecretScrubber(loadConfig().secrets)));
    return { ok: false, error: chatErrorPayload("internal:server") };
  }
}
