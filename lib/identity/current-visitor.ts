import "server-only";
import { cookies, headers } from "next/headers";
import type { Visitor } from "./visitor";
import { actionVisitorCookie, openVisitorCookie, type ActionVisitor } from "./visitor-cookie";

/**
 * The visitor as Server Components and Server Actions see it. `proxy.ts` has
 * already made sure a valid cookie exists on every page request; actions still
 * re-check, because a cookie can expire between two clicks, and a script can call an
 * action without ever loading the page.
 */

/** For rendering: read only (cookies cannot be written while rendering). */
export async function readVisitor(): Promise<Visitor | null> {
  return (await openVisitorCookie(await cookies(), { headers: await headers() })).current;
}

/** For Server Actions: the valid visitor, or why there is none (actions never mint one). */
export async function requireVisitor(): Promise<ActionVisitor> {
  return actionVisitorCookie(await cookies(), { headers: await headers() });
}
