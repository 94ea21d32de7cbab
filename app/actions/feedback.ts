"use server";

import { chatErrorPayload } from "@/lib/chat/chat-error";
import { loadConfig } from "@/lib/config";
import { feedbackDeps } from "@/lib/feedback/feedback-deps";
import type { ConversationRatingRequest, FeedbackResult, TurnVoteRequest } from "@/lib/feedback/feedback-protocol";
import { submitConversationRating, submitTurnVote } from "@/lib/feedback/submit-feedback";
import { requireSession } from "@/lib/session/current-session";

/**
 * Thumbs up/down on an answer (a trace annotation on its turn) and on the whole
 * conversation (a session annotation). Who votes comes from the session cookie only;
 * which turn and conversation from sealed values the server handed out (see
 * lib/feedback/submit-feedback.ts). `vote: null` removes the caller's vote.
 */

export async function voteOnTurn(request: TurnVoteRequest): Promise<FeedbackResult> {
  return guarded("vote", async () => {
    const { session } = await requireSession();
    return submitTurnVote(request as unknown, { userId: session.userId }, feedbackDeps(loadConfig()));
  });
}

export async function rateConversation(request: ConversationRatingRequest): Promise<FeedbackResult> {
  return guarded("rating", async () => {
    const { session } = await requireSession();
    return submitConversationRating(request as unknown, { userId: session.userId }, feedbackDeps(loadConfig()));
  });
}

async function guarded(what: string, run: () => Promise<FeedbackResult>): Promise<FeedbackResult> {
  try {
    return await run();
  } catch (error) {
    console.error(`[feedback] ${what} failed:`, error);
    return { ok: false, error: chatErrorPayload("internal:server") };
  }
}
