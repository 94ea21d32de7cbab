import "server-only";
import { randomUUID } from "node:crypto";
import type { LanguageModel } from "ai";
import { z } from "zod";
import type { AppConfig } from "@/lib/config";
import { openConversationToken, sealTurnReceipt } from "@/lib/conversation/conversation-token";
import type { ActionVisitor } from "@/lib/identity/visitor-cookie";
import { refusalError } from "@/lib/limits/describe-refusal";
import type { ClientAddress, Limiter } from "@/lib/limits/limiter";
import { errorLine } from "@/lib/log/error-line";
import { createSecretScrubber } from "@/lib/tracing/secret-scrubber";
import { ChatError, chatErrorPayload, type ChatErrorCode } from "./chat-error";
import { recordRefusedTurn } from "./refused-turn";
import { runChatTurn } from "./run-turn";
import { withStartMetadata } from "./start-metadata";
import type { ActionFailed, TurnResult } from "./turn-protocol";
import { parseTurnMessages } from "./turn-request";

/**
 * A chat turn from request to stream, with everything it depends on passed in (the way
 * feedback takes `FeedbackDeps`), so tests run the real pipeline without a browser or
 * Next: the Server Action (app/actions/chat-turn.ts) only builds these from the app.
 *
 *   who (cookie) -> the request (zod, UI-message validation) -> which conversation (token)
 *   -> the limits (the user's, the address's, everyone's; a deleted conversation)
 *   -> the traced turn (lib/chat/run-turn.ts) -> the stream, with its receipt
 */

export type TurnDeps = {
  /** Who is asking, from the visitor cookie. Actions never mint a user (lib/identity/visitor-cookie.ts). */
  visitor: () => Promise<ActionVisitor>;
  /** The client's address as a budget key (lib/limits/client-address.ts); null when unknown. */
  address: () => Promise<ClientAddress>;
  config: Pick<AppConfig, "sessionSecrets" | "limits" | "flushEachTurn" | "secrets">;
  limiter: Pick<Limiter, "acquireTurn">;
  model: LanguageModel;
  /** Runs after the response has been sent (Next's `after()`), keeping a serverless function alive for it. */
  afterResponse: (task: () => Promise<void>) => void;
  /** Exports the queued spans now (lib/tracing/flush.ts). */
  flushTraces: () => Promise<void>;
  log?: Pick<Console, "error" | "warn">;
  /** The id Stop names. Default: a random UUID. */
  newTurnId?: () => string;
  /** A turn nobody reads or stops is aborted after this long (default 5 minutes). */
  maxTurnMs?: number;
};

const TurnRequestSchema = z.object({ conversationToken: z.string(), messages: z.unknown() }).strict();

export async function sendTurn(request: unknown, deps: TurnDeps): Promise<TurnResult> {
  const { config, log = console } = deps;
  const scrub = createSecretScrubber(config.secrets);
  try {
    // Who first: a caller without a valid cookie costs no parsing of a 512 KB history.
    const cookie = await deps.visitor();
    if (!cookie.ok) return failed(cookie.code);
    const envelope = TurnRequestSchema.safeParse(request);
    if (!envelope.success) return failed("bad_request:malformed", "expected { conversationToken, messages }");
    const { message, history } = await parseTurnMessages(envelope.data.messages);

    const { visitor } = cookie;
    const conversation = await openConversationToken(envelope.data.conversationToken, visitor.userId, config.sessionSecrets);
    // A foreign, forged or retired token: refused before anything is traced, so nothing lands in a session not the caller's.
    if (!conversation.ok) return failed(conversation.code);
    const attributes = { sessionId: conversation.sessionId, userId: visitor.userId, tier: visitor.tier, region: visitor.region };

    // One round trip to Redis (or this process's counters); Redis down or slow: the turn runs, marked unchecked.
    const limit = await deps.limiter.acquireTurn({
      userId: visitor.userId,
      tier: visitor.tier,
      address: await deps.address(),
      sessionId: conversation.sessionId,
    });
    // A deleted conversation: nothing may be traced under its session id, or Phoenix would show it again.
    if (!limit.ok && "gone" in limit) return failed("gone:conversation");
    if (!limit.ok) {
      const refusal = refusalError(limit.refusal, config.limits.perTier);
      // The first refusal of a user in a minute becomes a span; the others are only counted.
      if (limit.refusal.trace) {
        recordRefusedTurn(attributes, message, refusal, limit.refusal);
        if (config.flushEachTurn) deps.afterResponse(deps.flushTraces);
      }
      return { ok: false, error: refusal.toPayload() };
    }

    const turnId = deps.newTurnId?.() ?? randomUUID();
    let turn: ReturnType<typeof runChatTurn>;
    try {
      turn = runChatTurn({
        turnId,
        attributes,
        message,
        history,
        model: deps.model,
        scrub,
        limitChecked: limit.permit.checked,
        refusalsUntraced: limit.permit.refusalsUntraced,
        maxDurationMs: deps.maxTurnMs,
      });
    } catch (error) {
      await limit.permit.release();
      throw error;
    }
    // The turn holds its slot (of the turns running at once) until its span has ended.
    void turn.finished.finally(() => limit.permit.release());
    if (config.flushEachTurn) {
      // Runs once the streamed response has ended, and keeps a serverless function alive until the spans are out.
      deps.afterResponse(async () => {
        await turn.finished;
        await deps.flushTraces();
      });
    }
    const receipt = turn.traceId
      ? await sealTurnReceipt({ traceId: turn.traceId, sessionId: conversation.sessionId, userId: visitor.userId }, config.sessionSecrets)
      : undefined;
    return {
      ok: true,
      turnId,
      conversationToken: conversation.resealed ? conversation.token : undefined,
      stream: withStartMetadata(turn.stream, { receipt }),
    };
  } catch (error) {
    if (error instanceof ChatError) return { ok: false, error: error.toPayload() };
    log.error(errorLine("[chat] turn could not start", error, scrub));
    return failed("internal:server");
  }
}

function failed(code: ChatErrorCode, detail?: string): ActionFailed {
  return { ok: false, error: chatErrorPayload(code, detail) };
}
