"use server";

import { z } from "zod";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import type { SessionResult } from "@/lib/chat/turn-protocol";
import { mintSession, TIERS } from "@/lib/session/chat-session";
import { requireSession } from "@/lib/session/current-session";

/** "New conversation": a new session id for the same user, tier kept. */
export async function startNewConversation(): Promise<SessionResult> {
  const { session, save } = await requireSession();
  // proxy.ts has already refreshed the region from this request's headers.
  const next = mintSession(session.region, session);
  await save(next);
  return { ok: true, session: next };
}

const ChangeTierSchema = z.object({ tier: z.enum(TIERS) }).strict();

export async function changeTier(request: { tier: string }): Promise<SessionResult> {
  const parsed = ChangeTierSchema.safeParse(request as unknown);
  if (!parsed.success) return { ok: false, error: chatErrorPayload("bad_request:tier") };
  const { session, save } = await requireSession();
  const next = { ...session, tier: parsed.data.tier };
  await save(next);
  return { ok: true, session: next };
}
