import { nextProxyCookies } from "iron-session";
import { NextResponse, type NextRequest } from "next/server";
import { refuseJunkRequest } from "@/lib/http/refuse-junk-request";
import { tooManyNewVisitors } from "@/lib/http/too-many-visitors";
import { secureCookieFor } from "@/lib/identity/secure-cookie";
import { refreshVisitorCookie } from "@/lib/identity/visitor-cookie";
import { appLimiter, requestAddress } from "@/lib/limits/app-limiter";
import type { VisitorResult } from "@/lib/limits/limiter";
import { contentSecurityPolicy, newNonce } from "@/lib/security/content-security-policy";

/**
 * Every page and Server Action request passes here first:
 * 1. junk (other methods, malformed or cross-origin action calls, bodies over the
 *    limit) is refused with a 4xx before Next decodes it;
 * 2. every response gets a Content-Security-Policy with a fresh nonce;
 * 3. a page request gets its visitor cookie (who you are) minted or re-sealed (newest
 *    secret, sliding expiry), so the page knows the user on the very first visit.
 *    Minting is budgeted per client address (NEW_VISITORS_PER_ADDRESS): a cookie costs a
 *    script nothing, so without it every budget per user would be a budget per request.
 *    Action requests are left to the action (see lib/identity/visitor-cookie.ts), so a
 *    response never carries two visitor cookies, and an action never mints a user.
 */
export async function proxy(request: NextRequest) {
  const refused = await refuseJunkRequest(request);
  if (refused) return refused;

  const secure = secureCookieFor(request.headers, request.url);
  const csp = contentSecurityPolicy({
    nonce: newNonce(),
    // Next replaces this expression at build time: "production" in `next build`, whatever NODE_ENV `next start` gets.
    dev: process.env.NODE_ENV === "development",
    upgradeInsecureRequests: secure,
  });
  // Next takes the nonce for its own tags from the request's CSP header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);

  if (!request.headers.has("next-action")) {
    let overBudget: Extract<VisitorResult, { ok: false }> | undefined;
    // Asked only when this request would mint a user. Another proof of a person (a
    // Turnstile or hCaptcha token checked here) would go in this same function.
    const admitNewVisitor = async () => {
      const address = requestAddress(request.headers);
      const admitted = await appLimiter().admitVisitor(address);
      if (admitted.ok) return true;
      overBudget = admitted;
      if (admitted.firstInWindow) {
        console.warn(
          `[limits] ${admitted.limit} new visitors from ${address} this hour (NEW_VISITORS_PER_ADDRESS): its page loads without a cookie get 429 for ${admitted.retryAfterSeconds} s (said once an hour per address)`,
        );
      }
      return false;
    };
    const cookies = nextProxyCookies(request, response);
    const visitor = await refreshVisitorCookie(cookies, { headers: request.headers, url: request.url }, admitNewVisitor);
    if (!visitor && overBudget) return tooManyNewVisitors(overBudget, csp);
  }
  return response;
}

export const config = {
  // Pages and actions only: not static assets, not metadata files, not route handlers
  // (`app/api/*` answer their own methods, need no CSP nonce, and a poll should not re-seal the cookie).
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|robots.txt|sitemap.xml).*)"],
};
