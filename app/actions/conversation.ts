"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import type { ActionFailed, ConversationHandle, TierChangeResult } from "@/lib/chat/turn-protocol";
import { loadConfig } from "@/lib/config";
import { startConversation } from "@/lib/conversation/conversation-token";
import { deleteConversationTraces } from "@/lib/conversation/delete-conversation";
import { requireVisitor } from "@/lib/identity/current-visitor";
import { TIERS } from "@/lib/identity/visitor";
import { appLimiter, requestAddress } from "@/lib/limits/app-limiter";
import { appPhoenixClient } from "@/lib/phoenix/app-phoenix-client";
import { flushTraces } from "@/lib/tracing/flush";

/**
 * "New conversation": a new Phoenix session id for this user, sealed into the token
 * the browser keeps with the conversation. No cookie write: the cookie holds who
 * you are, each conversation's token which session it is, so tabs never mix.
 */
export async function startNewConversation(): Promise<{ ok: true; conversation: ConversationHandle } | ActionFailed> {
  const cookie = await requireVisitor();
  if (!cookie.ok) return { ok: false, error: chatErrorPayload(cookie.code) };
  return { ok: true, conversation: await startConversation(cookie.visitor.userId, loadConfig().sessionSecrets) };
}

const DeleteSchema = z.object({ conversationToken: z.string() }).strict();

/**
 * The server's half of deleting a conversation (the browser drops it from its own
 * storage): with DELETE_TRACES_WITH_CONVERSATION=true, its Phoenix session goes too,
 * after the same ownership check as a turn, within the same write budget as a vote.
 */
export async function deleteConversation(request: { conversationToken: string }): Promise<{ ok: true; tracesDeleted: boolean } | ActionFailed> {
  const parsed = DeleteSchema.safeParse(request as unknown);
  if (!parsed.success) return { ok: false, error: chatErrorPayload("bad_request:malformed") };
  const cookie = await requireVisitor();
  if (!cookie.ok) return { ok: false, error: chatErrorPayload(cookie.code) };
  const config = loadConfig();
  const caller = { userId: cookie.visitor.userId, address: requestAddress(await headers()) };
  const result = await deleteConversationTraces(parsed.data.conversationToken, caller, {
    secrets: config.sessionSecrets,
    deleteTraces: config.deleteTracesWithConversation,
    phoenix: appPhoenixClient(config),
    limiter: appLimiter(),
    flushTraces,
  });
  if (result.ok) return result;
  return { ok: false, error: "error" in result ? result.error : chatErrorPayload(result.code) };
}

const ChangeTierSchema = z.object({ tier: z.enum(TIERS) }).strict();

/**
 * The demo model keeps the tier switch (it shows metadata at work). With a real
 * model the browser must not raise its own tier, unless ALLOW_TIER_SWITCH=true:
 * in a real app the tier comes from billing (README: "Limits").
 */
export async function changeTier(request: { tier: string }): Promise<TierChangeResult> {
  const parsed = ChangeTierSchema.safeParse(request as unknown);
  if (!parsed.success) return { ok: false, error: chatErrorPayload("bad_request:tier") };
  if (!loadConfig().allowTierSwitch) return { ok: false, error: chatErrorPayload("forbidden:tier") };
  const cookie = await requireVisitor();
  if (!cookie.ok) return { ok: false, error: chatErrorPayload(cookie.code) };
  const next = { ...cookie.visitor, tier: parsed.data.tier };
  await cookie.save(next);
  return { ok: true, visitor: next };
}
