/**
 * The one rule for the visitor cookie's Secure flag, used by proxy.ts (pages) and by
 * Server Actions alike: Secure exactly when the request arrived over TLS.
 *
 * How it arrived, in order:
 * - `X-Forwarded-Proto`, the one proxy header trusted: Vercel and TLS proxies set it, and
 *   `next start` fills it in from its own socket when a request has none;
 * - else the request URL's own protocol;
 * - else (nothing known) Secure, the safe default.
 *
 * Why not "Secure unless loopback": a browser drops a Secure cookie set over plain http.
 * On any other host (`next start` opened from a phone on the LAN, an internal http
 * deployment) every action then arrived without a cookie, and nobody could chat.
 * A client that claims `https` over plain http only loses its own cookie. A TLS proxy
 * must send `X-Forwarded-Proto: https` (most do) for the cookie to be Secure.
 */
export function secureCookieFor(headers: Headers, requestUrl?: string | URL): boolean {
  const forwarded = firstValue(headers.get("x-forwarded-proto"))?.toLowerCase();
  const scheme = forwarded ?? (requestUrl === undefined ? undefined : new URL(requestUrl).protocol.replace(/:$/, ""));
  return scheme !== "http";
}

/** Proxies append to these headers: the first value is the one the client-facing hop saw. */
function firstValue(header: string | null): string | undefined {
  const first = header?.split(",")[0]?.trim();
  return first ? first : undefined;
}
