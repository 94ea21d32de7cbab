import "server-only";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import { writeRefusalError } from "@/lib/limits/describe-refusal";
import type { ClientAddress, Limiter } from "@/lib/limits/limiter";
import type { PhoenixClient } from "@/lib/phoenix/rest-client";
import { openConversationToken } from "./conversation-token";

/**
 * The server's half of deleting a conversation. The browser removes it from its own
 * storage; the server deletes its Phoenix session (traces, spans, annotations) only when
 * DELETE_TRACES_WITH_CONVERSATION is on, and only for a token that opens for the caller:
 * a session id the browser merely names is never deleted.
 *
 * A delete is a Phoenix write (and a flush), so it is budgeted with votes, per user and
 * per address. Its session id is remembered as deleted first (lib/limits/limiter.ts,
 * `forgetConversation`): a turn or vote with its token is refused from then on, or it
 * would bring the session back into Phoenix.
 */

export type DeleteConversationDeps = {
  /** SESSION_SECRET's secrets, newest first. */
  secrets: readonly string[];
  /** `config.deleteTracesWithConversation`. */
  deleteTraces: boolean;
  /** null when tracing is off: there are no traces to delete. */
  phoenix: Pick<PhoenixClient, "deleteSession"> | null;
  limiter: Pick<Limiter, "acquireWrite" | "forgetConversation">;
  /**
   * Exports the spans still waiting in this server's batch processor first. Without it a
   * turn that ended a moment ago reaches Phoenix after the delete and brings the session back.
   */
  flushTraces?: () => Promise<void>;
  log?: Pick<Console, "warn">;
};

export type DeleteConversationResult =
  /** `tracesDeleted`: Phoenix deleted a session (false when off, or Phoenix never had it). */
  | { ok: true; tracesDeleted: boolean }
  | { ok: false; code: "bad_request:conversation" | "forbidden:conversation" | "unavailable:trace_delete" }
  | { ok: false; code: "rate_limit:writes"; error: ChatErrorPayload };

export async function deleteConversationTraces(
  token: unknown,
  caller: { userId: string; address: ClientAddress },
  { secrets, deleteTraces, phoenix, limiter, flushTraces, log = console }: DeleteConversationDeps,
): Promise<DeleteConversationResult> {
  // Checked even when nothing will be deleted: the answer must not depend on the flag.
  const conversation = await openConversationToken(token, caller.userId, secrets);
  if (!conversation.ok) return conversation;
  if (!deleteTraces || !phoenix) return { ok: true, tracesDeleted: false };

  // A delete may be repeated (Phoenix failed the first time), so a deleted conversation is not refused here.
  const allowed = await limiter.acquireWrite({ ...caller, sessionId: conversation.sessionId, refuseGone: false });
  if (!allowed.ok && "refusal" in allowed) {
    return { ok: false, code: "rate_limit:writes", error: writeRefusalError(allowed.refusal).toPayload() };
  }
  await limiter.forgetConversation(conversation.sessionId);
  await flushTraces?.().catch(() => {
    // A failed export is the exporter's to report; the delete goes ahead.
  });
  const sent = await phoenix.deleteSession(conversation.sessionId);
  if (!sent.ok) {
    log.warn(`[conversation] Phoenix did not delete session ${conversation.sessionId} (${sent.failure.kind}): ${sent.failure.detail}`);
    return { ok: false, code: "unavailable:trace_delete" };
  }
  return { ok: true, tracesDeleted: sent.value.deleted };
}
