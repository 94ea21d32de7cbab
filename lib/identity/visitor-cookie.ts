import "server-only";
import type { CookieJar, CookieStore } from "iron-session";
import { loadConfig } from "@/lib/config";
import { mintVisitor, openVisitor, VISITOR_COOKIE_NAME, type OpenedVisitor, type Visitor } from "./visitor";
import { regionFromHeaders } from "./region";
import { secureCookieFor } from "./secure-cookie";

/**
 * The one place the app opens, mints and re-seals the visitor cookie. proxy.ts uses
 * it for pages, `current-visitor.ts` for Server Components and Server Actions; both
 * take the Secure flag from `secureCookieFor`, so a cookie is never written under
 * two rules.
 *
 * Who writes the cookie, so that a response carries at most one `chat_session`:
 * - a page request: proxy.ts re-seals it on every visit (`refreshVisitorCookie`): the
 *   newest secret (rotation), a fresh expiry, the region from this request;
 * - a Server Action request: only an action that changes the visitor (the tier) saves it;
 *   actions never mint (`actionVisitorCookie`). proxy.ts leaves action requests alone.
 *   Writing on every action would also cost a page render: Next treats any cookie set
 *   during an action as a change that re-renders the page into the action's response.
 * Several saves within one action still send one header: Next keeps one value per name.
 */

export type Cookies = CookieStore | CookieJar;
/** What the cookie rule reads from a request: its headers, and its URL when there is one (proxy.ts). */
export type CookieRequest = { headers: Headers; url?: string | URL };
export type VisitorHandle = { visitor: Visitor; save: (next: Visitor) => Promise<void> };

/** Read only: the valid visitor, or null (absent, tampered, expired, malformed). */
export async function openVisitorCookie(cookies: Cookies, request: CookieRequest): Promise<OpenedVisitor> {
  return openVisitor(cookies, {
    secrets: loadConfig().sessionSecrets,
    secure: secureCookieFor(request.headers, request.url),
  });
}

/**
 * For page requests (proxy.ts): open, mint if missing, refresh the region, re-seal. One write.
 * `admitNewVisitor` is asked only when a user would be minted (proxy.ts budgets that per
 * client address); when it says no, nothing is written and the answer is null.
 */
export async function refreshVisitorCookie(cookies: Cookies, request: CookieRequest): Promise<VisitorHandle>;
export async function refreshVisitorCookie(
  cookies: Cookies,
  request: CookieRequest,
  admitNewVisitor: () => Promise<boolean>,
): Promise<VisitorHandle | null>;
export async function refreshVisitorCookie(
  cookies: Cookies,
  request: CookieRequest,
  admitNewVisitor?: () => Promise<boolean>,
): Promise<VisitorHandle | null> {
  const config = loadConfig();
  const opened = await openVisitorCookie(cookies, request);
  if (!opened.current && admitNewVisitor && !(await admitNewVisitor())) return null;
  const region = regionFromHeaders(request.headers, config.onVercel, opened.current?.region ?? config.defaultRegion);
  const visitor = opened.current ? { ...opened.current, region } : mintVisitor(region);
  await opened.save(visitor);
  return { visitor, save: opened.save };
}

/**
 * Why a Server Action found no valid cookie. It never mints one: a user is minted by a page
 * load (proxy.ts, budgeted per address), so a script cannot mint users with bare action
 * calls, and a browser that does not keep the cookie gets one clear answer instead of a
 * new identity on every click. (The codes predate the word "visitor"; users see them.)
 */
export type MissingVisitor = "unauthorized:no_cookie" | "unauthorized:session";

export type ActionVisitor = ({ ok: true } & VisitorHandle) | { ok: false; code: MissingVisitor };

/** For Server Actions: the valid visitor as it is (nothing written), or why there is none. */
export async function actionVisitorCookie(cookies: Cookies, request: CookieRequest): Promise<ActionVisitor> {
  const opened = await openVisitorCookie(cookies, request);
  if (opened.current) return { ok: true, visitor: opened.current, save: opened.save };
  // No cookie at all: the browser refuses cookies, or dropped a Secure one over http. One that
  // does not open: it expired, was tampered with, or its secret was retired; a reload mints anew.
  return { ok: false, code: hasVisitorCookie(cookies) ? "unauthorized:session" : "unauthorized:no_cookie" };
}

function hasVisitorCookie(cookies: Cookies): boolean {
  const value = "get" in cookies ? cookies.get(VISITOR_COOKIE_NAME)?.value : cookies.read(VISITOR_COOKIE_NAME);
  return value !== undefined;
}
