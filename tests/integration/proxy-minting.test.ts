import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { openSession, SESSION_COOKIE_NAME, type ChatSession } from "@/lib/session/chat-session";
import { proxy } from "@/proxy";

/**
 * proxy.ts as Next runs it for every page and action request: who gets a cookie,
 * with which flags, and that each new visitor is a new user.
 */

const SECRET = "p".repeat(40);
beforeAll(() => {
  process.env.SESSION_SECRET = SECRET;
});

const page = (headers: Record<string, string> = {}, url = "http://192.168.1.20:3000/") =>
  new NextRequest(url, { headers: { host: new URL(url).host, "x-forwarded-proto": new URL(url).protocol.slice(0, -1), ...headers } });

function sessionCookie(response: Response): { value: string; attributes: string } | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE_NAME}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(";");
  return { value: pair!.slice(SESSION_COOKIE_NAME.length + 1), attributes: attributes.join(";") };
}

async function visitorOf(cookie: string): Promise<ChatSession | null> {
  const store = { get: (name: string) => (name === SESSION_COOKIE_NAME ? { name, value: cookie } : undefined), set: () => undefined };
  return (await openSession(store, { secrets: [SECRET], secure: false })).current;
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
    const again = sessionCookie(await proxy(page({ cookie: `${SESSION_COOKIE_NAME}=${first.value}` })))!;
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
