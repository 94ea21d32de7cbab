import "server-only";
import type { CookieJar, CookieStore } from "iron-session";
import { loadConfig } from "@/lib/config";
import { mintSession, openSession, type ChatSession, type OpenedSession } from "./chat-session";
import { regionFromHeaders } from "./region";
import { secureCookieFor } from "./secure-cookie";

/**
 * The one place the app opens, mints and re-seals the session cookie. proxy.ts uses
 * it for pages, `current-session.ts` for Server Components and Server Actions; both
 * take the Secure flag from `secureCookieFor`, so a cookie is never written under
 * two rules.
 *
 * Who writes the cookie, so that a response carries at most one `chat_session`:
 * - a page request: proxy.ts re-seals it on every visit (`refreshSessionCookie`): the
 *   newest secret (rotation), a fresh expiry, the region from this request;
 * - a Server Action request: only the action, and only when it must (`ensureSessionCookie`
 *   mints a missing one; an action that changes the session saves it). proxy.ts leaves
 *   action requests alone. Writing on every action would also cost a page render: Next
 *   treats any cookie set during an action as a change that re-renders the page into
 *   the action's response.
 * Several saves within one action still send one header: Next keeps one value per name.
 */

export type SessionCookies = CookieStore | CookieJar;
/** What the cookie rule reads from a request: its headers, and its URL when there is one (proxy.ts). */
export type SessionRequest = { headers: Headers; url?: string | URL };
export type SessionHandle = { session: ChatSession; save: (next: ChatSession) => Promise<void> };

/** Read only: the valid session, or null (absent, tampered, expired, malformed). */
export async function openSessionCookie(cookies: SessionCookies, request: SessionRequest): Promise<OpenedSession> {
  return openSession(cookies, {
    secrets: loadConfig().sessionSecrets,
    secure: secureCookieFor(request.headers, request.url),
  });
}

/** For page requests (proxy.ts): open, mint if missing, refresh the region, re-seal. One write. */
export async function refreshSessionCookie(cookies: SessionCookies, request: SessionRequest): Promise<SessionHandle> {
  const config = loadConfig();
  const opened = await openSessionCookie(cookies, request);
  const region = regionFromHeaders(request.headers, config.onVercel, opened.current?.region ?? config.defaultRegion);
  const session = opened.current ? { ...opened.current, region } : mintSession(region);
  await opened.save(session);
  return { session, save: opened.save };
}

/** For Server Actions: the valid session as it is, or a fresh one minted and saved on the spot. */
export async function ensureSessionCookie(cookies: SessionCookies, request: SessionRequest): Promise<SessionHandle> {
  const opened = await openSessionCookie(cookies, request);
  if (opened.current) return { session: opened.current, save: opened.save };
  const config = loadConfig();
  const session = mintSession(regionFromHeaders(request.headers, config.onVercel, config.defaultRegion));
  await opened.save(session);
  return { session, save: opened.save };
}
