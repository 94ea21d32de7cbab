"use server";

import { z } from "zod";
import { stopTurn } from "@/lib/chat/active-turns";
import { appTurnDeps } from "@/lib/chat/app-turn-deps";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import { sendTurn } from "@/lib/chat/send-turn";
import type { ActionFailed, TurnRequest, TurnResult } from "@/lib/chat/turn-protocol";
import { requireVisitor } from "@/lib/identity/current-visitor";

/**
 * A chat turn is a Server Action that returns a stream: React sends the AI SDK's
 * UI chunks to the browser as the model produces them (the browser's `useChat`
 * reads them through `ServerActionChatTransport`). Who is asking comes from the
 * visitor cookie; which conversation (the Phoenix session) from the token the
 * server sealed for this user. Nothing else in the request can name either.
 * The pipeline itself, with its dependencies passed in, is lib/chat/send-turn.ts.
 */
export async function sendChatTurn(request: TurnRequest): Promise<TurnResult> {
  return sendTurn(request as unknown, appTurnDeps());
}

const StopRequestSchema = z.object({ turnId: z.uuid() }).strict();

/** Stop names the turn; the server stops it only for the user who started it. */
export async function stopChatTurn(request: { turnId: string }): Promise<{ ok: true; stopped: boolean } | ActionFailed> {
  const parsed = StopRequestSchema.safeParse(request as unknown);
  if (!parsed.success) return { ok: false, error: chatErrorPayload("bad_request:malformed", "turnId must be a UUID") };
  const cookie = await requireVisitor();
  if (!cookie.ok) return { ok: false, error: chatErrorPayload(cookie.code) };
  return { ok: true, stopped: stopTurn(parsed.data.turnId, cookie.visitor.userId) };
}
