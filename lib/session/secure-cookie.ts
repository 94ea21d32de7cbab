/**
 * The one rule for the session cookie's Secure flag, used by proxy.ts (pages) and by
 * Server Actions alike: Secure, except for plain http on localhost or a loopback
 * address, where browsers would drop a Secure cookie set over http.
 *
 * Inputs, and the one proxy header trusted:
 * - the scheme: `X-Forwarded-Proto` (Vercel and common TLS proxies set it; Next fills it
 *   in from the socket when absent), else the request URL's own protocol;
 * - the host: the `Host` header (the address the browser used, unless a proxy rewrote it),
 *   else the request URL's host. `X-Forwarded-Host` is not consulted.
 * A TLS proxy that sends no `X-Forwarded-Proto` but passes the public `Host` still gets
 * Secure: a public host is never "plain http on loopback". A proxy that rewrites `Host`
 * to localhost must send `X-Forwarded-Proto: https`.
 */
export function secureCookieFor(headers: Headers, requestUrl?: string | URL): boolean {
  const url = requestUrl === undefined ? undefined : new URL(requestUrl);
  const scheme = firstValue(headers.get("x-forwarded-proto"))?.toLowerCase() ?? url?.protocol.replace(/:$/, "");
  if (scheme !== "http") return true;
  const host = headers.get("host") ?? url?.host;
  return !(host !== undefined && isLoopbackHost(host));
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped), with or without a port. */
export function isLoopbackHost(host: string): boolean {
  let hostname: string;
  try {
    // The URL parser normalises what a Host header may hold: case, ports, `127.1`, `[::ffff:127.0.0.1]`.
    hostname = new URL(`http://${host.trim()}`).hostname;
  } catch {
    return false;
  }
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true;
  if (hostname === "[::1]") return true;
  // IPv4-mapped IPv6 of 127.0.0.0/8, as the parser prints it: [::ffff:7f00:1].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}

/** Proxies append to these headers: the first value is the one the client-facing hop saw. */
function firstValue(header: string | null): string | undefined {
  const first = header?.split(",")[0]?.trim();
  return first ? first : undefined;
}
