import "server-only";
import { cookies, headers } from "next/headers";
import type { ChatSession } from "./visitor";
import { actionSessionCookie, openSessionCookie, type ActionSession } from "./visitor-cookie";

/**
 * The session as Server Components and Server Actions see it. `proxy.ts` has
 * already made sure a valid cookie exists on every page request; actions still
 * re-check, because a cookie can expire between two clicks, and a script can call an
 * action without ever loading the page.
 */

/** For rendering: read only (cookies cannot be written while rendering). */
export async function readSession(): Promise<ChatSession | null> {
  return (await openSessionCookie(await cookies(), { headers: await headers() })).current;
}

/** For Server Actions: the valid session, or why there is none (actions never mint one). */
export async function requireSession(): Promise<ActionSession> {
  return actionSessionCookie(await cookies(), { headers: await headers() });
}
