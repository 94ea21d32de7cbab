import "server-only";
import { cookies, headers } from "next/headers";
import type { ChatSession } from "./chat-session";
import { ensureSessionCookie, openSessionCookie } from "./session-cookie";

/**
 * The session as Server Components and Server Actions see it. `proxy.ts` has
 * already made sure a valid cookie exists on every page request; actions still
 * re-check, because a cookie can expire between two clicks.
 */

/** For rendering: read only (cookies cannot be written while rendering). */
export async function readSession(): Promise<ChatSession | null> {
  return (await openSessionCookie(await cookies(), { headers: await headers() })).current;
}

/** For Server Actions: the valid session, or a fresh one saved on the spot. */
export async function requireSession(): Promise<{ session: ChatSession; save: (next: ChatSession) => Promise<void> }> {
  return ensureSessionCookie(await cookies(), { headers: await headers() });
}
