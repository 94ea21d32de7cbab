import type { CookieStore } from "iron-session";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { secureCookieFor } from "@/lib/identity/secure-cookie";
import { VISITOR_COOKIE_NAME } from "@/lib/identity/visitor";
import { actionVisitorCookie, openVisitorCookie, refreshVisitorCookie } from "@/lib/identity/visitor-cookie";

const headers = (values: Record<string, string>) => new Headers(values);

describe("the Secure rule for the session cookie: how the request arrived", () => {
  it("is not Secure for plain http, on any host: a browser drops a Secure cookie set over http", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "192.168.1.20:3000", "chat.internal", "chat.example.com"]) {
      expect(secureCookieFor(headers({ host, "x-forwarded-proto": "http" })), host).toBe(false);
    }
    expect(secureCookieFor(headers({ host: "192.168.1.20:3000" }), "http://192.168.1.20:3000/")).toBe(false);
  });

  it("is Secure when the request came over TLS: X-Forwarded-Proto https, or an https URL", () => {
    expect(secureCookieFor(headers({ host: "localhost:3000", "x-forwarded-proto": "https" }))).toBe(true);
    expect(secureCookieFor(headers({ host: "chat.example.com", "x-forwarded-proto": "HTTPS, http" }))).toBe(true);
    expect(secureCookieFor(headers({}), "https://chat.example.com/")).toBe(true);
  });

  it("trusts X-Forwarded-Proto (first hop) over the URL, and no other forwarding header", () => {
    // Behind a TLS proxy the server itself is reached over http: the proxy's header says how the browser came.
    expect(secureCookieFor(headers({ "x-forwarded-proto": "https" }), "http://10.0.0.7:3000/")).toBe(true);
    const spoofed = headers({ host: "chat.example.com", "x-forwarded-proto": "http", "x-forwarded-host": "a.example", forwarded: "proto=https" });
    expect(secureCookieFor(spoofed)).toBe(false);
  });

  it("is Secure when nothing says how the request came (the safe default)", () => {
    expect(secureCookieFor(headers({}))).toBe(true);
  });
});

/** The shape of Next's `await cookies()`, recording every write. */
function cookieStore(initial?: string) {
  const values = new Map<string, string>(initial ? [[VISITOR_COOKIE_NAME, initial]] : []);
  const writes: { value: string; secure: unknown }[] = [];
  const store: CookieStore = {
    get: (name) => (values.has(name) ? { name, value: values.get(name)! } : undefined),
    set: (name, value, options) => {
      values.set(name, value);
      writes.push({ value, secure: (options as { secure?: unknown } | undefined)?.secure });
    },
  };
  return { store, writes, value: () => values.get(VISITOR_COOKIE_NAME) };
}

describe("the one module that opens, mints and re-seals the cookie", () => {
  beforeAll(() => {
    process.env.SESSION_SECRET = "h".repeat(40);
  });
  afterEach(() => vi.restoreAllMocks());
  const publicRequest = { headers: headers({ host: "chat.example.com", "x-forwarded-proto": "https" }) };
  const localRequest = { headers: headers({ host: "localhost:3000", "x-forwarded-proto": "http" }) };
  const lanRequest = { headers: headers({ host: "192.168.1.20:3000", "x-forwarded-proto": "http" }) };

  it("re-seals a page's cookie exactly once, with the Secure rule's answer", async () => {
    for (const [request, secure] of [[publicRequest, true], [localRequest, false]] as const) {
      const jar = cookieStore();
      const { visitor } = await refreshVisitorCookie(jar.store, request);
      expect(jar.writes).toHaveLength(1);
      expect(jar.writes[0]!.secure).toBe(secure);
      expect((await openVisitorCookie(cookieStore(jar.value()).store, request)).current).toEqual(visitor);
    }
  });

  it("keeps the session a page re-seals, with a new seal", async () => {
    const first = cookieStore();
    const { visitor } = await refreshVisitorCookie(first.store, publicRequest);
    const again = cookieStore(first.value());
    expect((await refreshVisitorCookie(again.store, publicRequest)).visitor).toEqual(visitor);
    expect(again.writes).toHaveLength(1);
  });

  it("lets a Server Action read a valid cookie without rewriting it, and never mint one", async () => {
    const page = cookieStore();
    const { visitor } = await refreshVisitorCookie(page.store, lanRequest);

    const action = cookieStore(page.value());
    const opened = await actionVisitorCookie(action.store, lanRequest);
    expect(opened.ok && opened.visitor).toEqual(visitor);
    expect(action.writes).toHaveLength(0);

    // No cookie at all (the browser refuses cookies, or dropped a Secure one): said so, nothing minted.
    const none = cookieStore();
    expect(await actionVisitorCookie(none.store, lanRequest)).toEqual({ ok: false, code: "unauthorized:no_cookie" });
    expect(none.writes).toHaveLength(0);

    // A cookie that does not open (expired, tampered, retired secret): a reload mints a new one; the action does not.
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const garbage = cookieStore("garbage");
    expect(await actionVisitorCookie(garbage.store, lanRequest)).toEqual({ ok: false, code: "unauthorized:session" });
    expect(garbage.writes).toHaveLength(0);
  });

  it("keeps the cookie a page on a LAN address set over http, so the next action finds its user", async () => {
    const page = cookieStore();
    const { visitor } = await refreshVisitorCookie(page.store, lanRequest);
    expect(page.writes[0]!.secure).toBe(false);
    const opened = await actionVisitorCookie(cookieStore(page.value()).store, lanRequest);
    expect(opened).toMatchObject({ ok: true, visitor });
  });
});
