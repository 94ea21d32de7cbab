"use server";

import { randomUUID } from "node:crypto";
import { after } from "next/server";
import { z } from "zod";
import { chatModel } from "@/lib/ai/model";
import { stopTurn } from "@/lib/chat/active-turns";
import { ChatError, chatErrorPayload } from "@/lib/chat/chat-error";
import { recordRefusedTurn } from "@/lib/chat/refused-turn";
import { runChatTurn } from "@/lib/chat/run-turn";
import { withStartMetadata } from "@/lib/chat/start-metadata";
import type { ActionFailed, TurnRequest, TurnResult } from "@/lib/chat/turn-protocol";
import { parseTurnMessages } from "@/lib/chat/turn-request";
import { loadConfig } from "@/lib/config";
import { openConversationToken, sealTurnReceipt } from "@/lib/conversation/conversation-token";
import { turnLimiter } from "@/lib/limits/app-turn-limiter";
import { refusalError } from "@/lib/limits/describe-refusal";
import { requireSession } from "@/lib/session/current-session";
import { flushTraces } from "@/lib/tracing/flush";
import { createSecretScrubber } from "@/lib/tracing/secret-scrubber";

/**
 * A chat turn is a Server Action that returns a stream: React sends the AI SDK's
 * UI chunks to the browser as the model produces them (the browser's `useChat`
 * reads them through `ServerActionChatTransport`). Who is asking comes from the
 * session cookie; which conversation (the Phoenix session) from the token the
 * server sealed for this user. Nothing else in the request can name either.
 */

const TurnRequestSchema = z.object({ conversationToken: z.string(), messages: z.unknown() }).strict();

export async function sendChatTurn(request: TurnRequest): Promise<TurnResult> {
  try {
    const envelope = TurnRequestSchema.safeParse(request as unknown);
    if (!envelope.success) return failed("bad_request:malformed", "expected { conversationToken, messages }");
    const { message, history } = await parseTurnMessages(envelope.data.messages);

    const { session } = await requireSession();
    const config = loadConfig();
    const conversation = await openConversationToken(envelope.data.conversationToken, session.userId, config.sessionSecrets);
    // A foreign, forged or retired token: refused before anything is traced, so nothing lands in a session not the caller's.
    if (!conversation.ok) return failed(conversation.code);

    const turnSession = { sessionId: conversation.sessionId, userId: session.userId, tier: session.tier, region: session.region };

    // One round trip to Redis (or this process's counters); Redis down or slow: the turn runs, marked unchecked.
    const limit = await turnLimiter().acquire(session.userId, session.tier);
    if (!limit.ok) {
      const refusal = refusalError(limit.refusal, config.limits.perTier);
      recordRefusedTurn(turnSession, message, refusal);
      if (config.flushEachTurn) after(flushTraces);
      return { ok: false, error: refusal.toPayload() };
    }

    const turnId = randomUUID();
    const scrub = createSecretScrubber([config.model.kind === "openai" ? config.model.apiKey : undefined, config.phoenix.apiKey]);
    let turn: ReturnType<typeof runChatTurn>;
    try {
      turn = runChatTurn({
        turnId,
        session: turnSession,
        message,
        history,
        model: chatModel(config.model),
        scrub,
        limitChecked: limit.permit.checked,
      });
    } catch (error) {
      await limit.permit.release();
      throw error;
    }
    // The turn holds its slot (of the turns running at once) until its span has ended.
    void turn.finished.finally(() => limit.permit.release());
    if (config.flushEachTurn) {
      // Runs once the streamed response has ended, and keeps a serverless function alive until the spans are out.
      after(async () => {
        await turn.finished;
        await flushTraces();
      });
    }
    const receipt = turn.traceId
      ? await sealTurnReceipt({ traceId: turn.traceId, sessionId: conversation.sessionId, userId: session.userId }, config.sessionSecrets)
      : undefined;
    return {
      ok: true,
      turnId,
      conversationToken: conversation.resealed ? conversation.token : undefined,
      stream: withStartMetadata(turn.stream, { receipt }),
    };
  } catch (error) {
    if (error instanceof ChatError) return { ok: false, error: error.toPayload() };
    console.error("[chat] turn could not start:", error);
    return failed("internal:server");
  }
}

const StopRequestSchema = z.object({ turnId: z.uuid() }).strict();

/** Stop names the turn; the server stops it only for the user who started it. */
export async function stopChatTurn(request: { turnId: string }): Promise<{ ok: true; stopped: boolean } | ActionFailed> {
  const parsed = StopRequestSchema.safeParse(request as unknown);
  if (!parsed.success) return failed("bad_request:malformed", "turnId must be a UUID");
  const { session } = await requireSession();
  return { ok: true, stopped: stopTurn(parsed.data.turnId, session.userId) };
}

function failed(code: Parameters<typeof chatErrorPayload>[0], detail?: string): ActionFailed {
  return { ok: false, error: chatErrorPayload(code, detail) };
}
