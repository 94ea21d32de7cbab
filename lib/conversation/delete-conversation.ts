import "server-only";
import type { PhoenixClient } from "@/lib/phoenix/rest-client";
import { openConversationToken } from "./conversation-token";

/**
 * The server's half of deleting a conversation. The browser removes it from its own
 * storage; the server deletes its Phoenix session (traces, spans, annotations) only when
 * DELETE_TRACES_WITH_CONVERSATION is on, and only for a token that opens for the caller:
 * a session id the browser merely names is never deleted.
 */

export type DeleteConversationDeps = {
  /** SESSION_SECRET's secrets, newest first. */
  secrets: readonly string[];
  /** `config.deleteTracesWithConversation`. */
  deleteTraces: boolean;
  /** null when tracing is off: there are no traces to delete. */
  phoenix: Pick<PhoenixClient, "deleteSession"> | null;
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
  | { ok: false; code: "bad_request:conversation" | "forbidden:conversation" | "unavailable:trace_delete" };

export async function deleteConversationTraces(
  token: unknown,
  caller: { userId: string },
  { secrets, deleteTraces, phoenix, flushTraces, log = console }: DeleteConversationDeps,
): Promise<DeleteConversationResult> {
  // Checked even when nothing will be deleted: the answer must not depend on the flag.
  const conversation = await openConversationToken(token, caller.userId, secrets);
  if (!conversation.ok) return conversation;
  if (!deleteTraces || !phoenix) return { ok: true, tracesDeleted: false };

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
