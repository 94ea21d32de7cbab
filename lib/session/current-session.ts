import "server-only";
import { cookies, headers } from "next/headers";
import { loadConfig } from "@/lib/config";
import { isSecureOrigin, mintSession, openSession, type ChatSession } from "./chat-session";
import { regionFromHeaders } from "./region";

/**
 * The session as Server Components and Server Actions see it. `proxy.ts` has
 * already made sure a valid cookie exists on every page and action request;
 * actions still re-check, because a cookie can expire between two clicks.
 */

async function openCurrent() {
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host") ?? "localhost";
  const protocol = requestHeaders.get("x-forwarded-proto") ?? "http";
  const hostname = new URL(`http://${host}`).hostname;
  const secure = isSecureOrigin(protocol, hostname);
  return { opened: await openSession(await cookies(), { secrets: loadConfig().sessionSecrets, secure }), requestHeaders };
}

/** For rendering: read only (cookies cannot be written while rendering). */
export async function readSession(): Promise<ChatSession | null> {
  return (await openCurrent()).opened.current;
}

/** For Server Actions: the valid session, or a fresh one saved on the spot. */
export async function requireSession(): Promise<{ session: ChatSession; save: (next: ChatSession) => Promise<void> }> {
  const { opened, requestHeaders } = await openCurrent();
  let session = opened.current;
  if (!session) {
    const config = loadConfig();
    session = mintSession(regionFromHeaders(requestHeaders, config.onVercel, config.defaultRegion));
    await opened.save(session);
  }
  return { session, save: opened.save };
}
