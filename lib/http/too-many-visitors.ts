import type { VisitorResult } from "@/lib/limits/limiter";
import { describeVisitorRefusal } from "@/lib/limits/describe-refusal";

type VisitorRefusal = Extract<VisitorResult, { ok: false }>;

/**
 * What a page load gets when its address has minted its budget of new users this hour
 * (proxy.ts): 429 with `Retry-After`, no cookie, and a short page that says when to come
 * back. The page has no script or style, so the CSP it carries allows it as it is.
 */
export function tooManyNewVisitors(refusal: VisitorRefusal, contentSecurityPolicy: string): Response {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    "<title>Too many new visitors</title></head><body><main>" +
    "<h1>Too many new visitors from your network</h1>" +
    `<p>${describeVisitorRefusal(refusal)}</p>` +
    "</main></body></html>\n";
  return new Response(html, {
    status: 429,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "retry-after": String(refusal.retryAfterSeconds),
      "cache-control": "no-store",
      "content-security-policy": contentSecurityPolicy,
    },
  });
}
