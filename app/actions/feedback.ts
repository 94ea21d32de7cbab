"use server";

import { chatErrorPayload } from "@/lib/chat/chat-error";
import { loadConfig } from "@/lib/config";
import { feedbackDeps } from "@/lib/feedback/feedback-deps";
import type { ConversationRatingRequest, FeedbackResult, TurnVoteRequest } from "@/lib/feedback/feedback-protocol";
import { submitConversationRating, submitTurnVote } from "@/lib/feedback/submit-feedback";
import { errorLine } from "@/lib/log/error-line";
import { requireSession } from "@/lib/session/current-session";
import { createSecretScrubber } from "@/lib/tracing/secret-scrubber";

/**
 * Thumbs up/down on an answer (a trace annotation on its turn) and on the whole
 * conversation (a session annotation). Who votes comes from the session cookie only;
 * which turn and conversation from sealed values the server handed out (see
 * lib/feedback/submit-feedback.ts). `vote: null` removes the caller's vote.
 */

export async function voteOnTurn(request: TurnVoteRequest): Promise<FeedbackResult> {
  return guarded("vote", async () => {
    const visitor = await requireSession();
    if (!visitor.ok) return { ok: false, error: chatErrorPayload(visitor.code) };
    return submitTurnVote(request as unknown, { userId: visitor.session.userId }, feedbackDeps(loadConfig()));
  });
}

export async function rateConversation(request: ConversationRatingRequest): Promise<FeedbackResult> {
  return guarded("rating", async () => {
    const visitor = await requireSession();
    if (!visitor.ok) return { ok: false, error: chatErrorPayload(visitor.code) };
    return submitConversationRating(request as unknown, { userId: visitor.session.userId }, feedbackDeps(loadConfig()));
  });
}

async function guarded(what: string, run: () => Promise<FeedbackResult>): Promise<FeedbackResult> {
  try {
    return await run();
  } catch (error) {
    // Scrubbed: an error from the REST client or a dependency may carry the Phoenix API key.
    console.error(errorLine(`[feedback] ${what} failed`, error, createSecretScrubber(loadConfig().secrets)));
    return { ok: false, error: chatErrorPayload("internal:server") };
  }
}
