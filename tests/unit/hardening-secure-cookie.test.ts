import type { CookieStore } from "iron-session";
import { beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE_NAME } from "@/lib/session/chat-session";
import { isLoopbackHost, secureCookieFor } from "@/lib/session/secure-cookie";
import { ensureSessionCookie, openSessionCookie, refreshSessionCookie } from "@/lib/session/session-cookie";

const headers = (values: Record<string, string>) => new Headers(values);

describe("the Secure rule for the session cookie", () => {
  it("is not Secure for plain http on localhost or a loopback address", () => {
    for (const host of ["localhost", "localhost:3000", "app.localhost:3000", "127.0.0.1:3000", "127.8.9.10", "[::1]:3000", "[::ffff:127.0.0.1]"]) {
      expect(secureCookieFor(headers({ host, "x-forwarded-proto": "http" })), host).toBe(false);
    }
  });

  it("is Secure for a public Host even over plain http with no X-Forwarded-Proto (a TLS proxy that sends none)", () => {
    expect(secureCookieFor(headers({ host: "chat.example.com" }), "http://127.0.0.1:3000/")).toBe(true);
    expect(secureCookieFor(headers({ host: "chat.example.com", "x-forwarded-proto": "http" }))).toBe(true);
    expect(secureCookieFor(headers({ host: "10.0.0.7:3000", "x-forwarded-proto": "http" }))).toBe(true);
    // Only the Host header counts for the host, not the address the server is bound to.
    expect(secureCookieFor(headers({ host: "chat.example.com" }), "http://localhost:3000/")).toBe(true);
  });

  it("is Secure when X-Forwarded-Proto says https, even for a loopback Host", () => {
    expect(secureCookieFor(headers({ host: "localhost:3000", "x-forwarded-proto": "https" }))).toBe(true);
    expect(secureCookieFor(headers({ host: "127.0.0.1", "x-forwarded-proto": "HTTPS, http" }))).toBe(true);
  });

  it("trusts X-Forwarded-Proto and no other forwarding header", () => {
    const spoofed = headers({ host: "localhost:3000", "x-forwarded-proto": "http", "x-forwarded-host": "chat.example.com", forwarded: "proto=https" });
    expect(secureCookieFor(spoofed)).toBe(false);
  });

  it("falls back to the request URL when the headers say nothing", () => {
    expect(secureCookieFor(headers({}), "http://localhost:3000/")).toBe(false);
    expect(secureCookieFor(headers({}), "https://localhost:3000/")).toBe(true);
    expect(secureCookieFor(headers({}), "http://chat.example.com/")).toBe(true);
    // Nothing known: Secure, the safe default.
    expect(secureCookieFor(headers({}))).toBe(true);
  });

  it("recognises loopback hosts only", () => {
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("127.1")).toBe(true);
    for (const host of ["localhost.example.com", "128.0.0.1", "[::2]", "evil.com#127.0.0.1", "", "::1"]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

/** The shape of Next's `await cookies()`, recording every write. */
function cookieStore(initial?: string) {
  const values = new Map<string, string>(initial ? [[SESSION_COOKIE_NAME, initial]] : []);
  const writes: { value: string; secure: unknown }[] = [];
  const store: CookieStore = {
    get: (name) => (values.has(name) ? { name, value: values.get(name)! } : undefined),
    set: (name, value, options) => {
      values.set(name, value);
      writes.push({ value, secure: (options as { secure?: unknown } | undefined)?.secure });
    },
  };
  return { store, writes, value: () => values.get(SESSION_COOKIE_NAME) };
}

describe("the one module that opens, mints and re-seals the cookie", () => {
  beforeAll(() => {
    process.env.SESSION_SECRET = "h".repeat(40);
  });
  const publicRequest = { headers: headers({ host: "chat.example.com", "x-forwarded-proto": "https" }) };
  const localRequest = { headers: headers({ host: "localhost:3000", "x-forwarded-proto": "http" }) };

  it("re-seals a page's cookie exactly once, with the Secure rule's answer", async () => {
    for (const [request, secure] of [[publicRequest, true], [localRequest, false]] as const) {
      const jar = cookieStore();
      const { session } = await refreshSessionCookie(jar.store, request);
      expect(jar.writes).toHaveLength(1);
      expect(jar.writes[0]!.secure).toBe(secure);
      expect((await openSessionCookie(cookieStore(jar.value()).store, request)).current).toEqual(session);
    }
  });

  it("keeps the session a page re-seals, with a new seal", async () => {
    const first = cookieStore();
    const { session } = await refreshSessionCookie(first.store, publicRequest);
    const again = cookieStore(first.value());
    expect((await refreshSessionCookie(again.store, publicRequest)).session).toEqual(session);
    expect(again.writes).toHaveLength(1);
  });

  it("lets a Server Action write only when it must: a valid cookie is not rewritten, a missing one is minted once", async () => {
    const page = cookieStore();
    const { session } = await refreshSessionCookie(page.store, localRequest);

    const action = cookieStore(page.value());
    expect((await ensureSessionCookie(action.store, localRequest)).session).toEqual(session);
    expect(action.writes).toHaveLength(0);

    const fresh = cookieStore();
    const minted = await ensureSessionCookie(fresh.store, localRequest);
    expect(minted.session.userId).not.toBe(session.userId);
    expect(fresh.writes).toEqual([{ value: fresh.value(), secure: false }]);
  });
});
