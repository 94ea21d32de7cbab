import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SOCKET_ADDRESS_HEADER, stampSocketAddress } from "@/lib/http/socket-address";
import { openVisitor, VISITOR_COOKIE_NAME, type Visitor } from "@/lib/identity/visitor";
import { proxy } from "@/proxy";

/**
 * proxy.ts as Next runs it for every page and action request: who gets a cookie,
 * with which flags, and that each new visitor is a new user.
 */

const SECRET = "p".repeat(40);
const NEW_VISITORS = 3;
beforeAll(() => {
  process.env.SESSION_SECRET = SECRET;
  process.env.NEW_VISITORS_PER_ADDRESS = String(NEW_VISITORS);
  // As `next start` does at start (lib/server-startup.ts): from now on our socket header is trusted here.
  stampSocketAddress();
});

const page = (headers: Record<string, string> = {}, url = "http://192.168.1.20:3000/") =>
  new NextRequest(url, { headers: { host: new URL(url).host, "x-forwarded-proto": new URL(url).protocol.slice(0, -1), ...headers } });

function sessionCookie(response: Response): { value: string; attributes: string } | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${VISITOR_COOKIE_NAME}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(";");
  return { value: pair!.slice(VISITOR_COOKIE_NAME.length + 1), attributes: attributes.join(";") };
}

async function visitorOf(cookie: string): Promise<Visitor | null> {
  const store = { get: (name: string) => (name === VISITOR_COOKIE_NAME ? { name, value: cookie } : undefined), set: () => undefined };
  return (await openVisitor(store, { secrets: [SECRET], secure: false })).current;
}

describe("proxy.ts mints the visitor on a page load", () => {
  it("gives each new visitor a distinct user id, in one HttpOnly, SameSite=Lax cookie", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const response = await proxy(page());
      const cookie = sessionCookie(response);
      expect(cookie?.attributes).toMatch(/HttpOnly/i);
      expect(cookie?.attributes).toMatch(/SameSite=lax/i);
      const visitor = await visitorOf(cookie!.value);
      expect(visitor).toMatchObject({ userId: expect.stringMatching(/^[0-9a-f-]{36}$/), tier: "free" });
      ids.add(visitor!.userId);
    }
    expect(ids.size).toBe(5);
  });

  it("keeps a returning visitor's user, re-sealed", async () => {
    const first = sessionCookie(await proxy(page()))!;
    const again = sessionCookie(await proxy(page({ cookie: `${VISITOR_COOKIE_NAME}=${first.value}` })))!;
    expect((await visitorOf(again.value))?.userId).toBe((await visitorOf(first.value))?.userId);
  });

  it("sets Secure exactly when the request came over TLS", async () => {
    expect(sessionCookie(await proxy(page()))!.attributes).not.toMatch(/Secure/i);
    expect(sessionCookie(await proxy(page({}, "https://chat.example.com/")))!.attributes).toMatch(/Secure/i);
    expect(sessionCookie(await proxy(page({ "x-forwarded-proto": "https" })))!.attributes).toMatch(/Secure/i);
  });

  it("leaves Server Action requests alone: an action never gets a cookie from the proxy", async () => {
    const action = page({ "next-action": "a".repeat(42), "content-type": "text/plain;charset=UTF-8", origin: "http://192.168.1.20:3000" });
    const response = await proxy(new NextRequest(action.url, { method: "POST", headers: action.headers, body: "[]" }));
    expect(response.status).toBe(200);
    expect(sessionCookie(response)).toBeUndefined();
  });

  it("puts a nonce CSP on every page response", async () => {
    const csp = (await proxy(page())).headers.get("content-security-policy");
    expect(csp).toMatch(/script-src[^;]*'nonce-[A-Za-z0-9+/=_-]+'/);
  });
});

describe("proxy.ts budgets new visitors per client address", () => {
  // What our Node server hook stamps from the socket; the X-Forwarded-For is what a script adds to look like many.
  const from = (address: string, extra: Record<string, string> = {}) =>
    page({ [SOCKET_ADDRESS_HEADER]: address, "x-forwarded-for": `10.${Math.floor(Math.random() * 250)}.0.1`, ...extra });

  it("past NEW_VISITORS_PER_ADDRESS mints no cookie: 429, Retry-After, the CSP, a page that says when; spoofed X-Forwarded-For changes nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const minted: string[] = [];
    for (let i = 0; i < NEW_VISITORS; i++) minted.push(sessionCookie(await proxy(from("198.51.100.1")))!.value);
    expect(new Set(minted).size).toBe(NEW_VISITORS);

    for (let i = 0; i < 5; i++) {
      const refused = await proxy(from("198.51.100.1"));
      expect(refused.status).toBe(429);
      expect(sessionCookie(refused)).toBeUndefined();
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3500);
      expect(refused.headers.get("content-security-policy")).toMatch(/script-src[^;]*'nonce-/);
      expect(refused.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await refused.text()).toMatch(/Too many new visitors from your network[\s\S]*Come back in 1 hour/);
    }
    // One log line for the address, not one per refused page load.
    expect(warn.mock.calls.filter(([line]) => String(line).includes("198.51.100.1"))).toHaveLength(1);
    warn.mockRestore();

    // A returning visitor from that address keeps its user (its cookie is re-sealed); another address mints.
    const back = await proxy(from("198.51.100.1", { cookie: `${VISITOR_COOKIE_NAME}=${minted[0]}` }));
    expect(back.status).toBe(200);
    expect((await visitorOf(sessionCookie(back)!.value))?.userId).toBe((await visitorOf(minted[0]!))?.userId);
    expect(sessionCookie(await proxy(from("198.51.100.2")))).toBeDefined();
  });

  it("counts a forged or expired cookie as a new visitor (it would mint one), and groups IPv6 by /64", async () => {
    for (let i = 0; i < NEW_VISITORS; i++) {
      expect((await proxy(from(`2001:db8:5:6::${i + 1}`, { cookie: `${VISITOR_COOKIE_NAME}=forged-${i}` }))).status).toBe(200);
    }
    expect((await proxy(from("2001:db8:5:6:ffff::9"))).status).toBe(429);
    expect((await proxy(from("2001:db8:5:7::1"))).status).toBe(200);
  });

  it("never counts a Server Action request (actions never mint)", async () => {
    for (let i = 0; i < NEW_VISITORS + 2; i++) {
      const action = from("198.51.100.3", { "next-action": "a".repeat(42), "content-type": "text/plain;charset=UTF-8", origin: "http://192.168.1.20:3000" });
      expect((await proxy(new NextRequest(action.url, { method: "POST", headers: action.headers, body: "[]" }))).status).toBe(200);
    }
    expect((await proxy(from("198.51.100.3"))).status).toBe(200);
  });
});
