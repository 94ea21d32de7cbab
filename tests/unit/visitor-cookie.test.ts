import type { CookieStore } from "iron-session";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  mintVisitor,
  openVisitor,
  VISITOR_COOKIE_NAME,
  type Visitor,
} from "@/lib/identity/visitor";

const OLD_SECRET = "o".repeat(32);
const NEW_SECRET = "n".repeat(32);

/** The shape of Next's `await cookies()`: what iron-session reads and writes. */
function cookieJar(initial?: string) {
  const values = new Map<string, string>(initial ? [[VISITOR_COOKIE_NAME, initial]] : []);
  const writes: { value: string; options: Record<string, unknown> }[] = [];
  const store: CookieStore = {
    get: (name) => (values.has(name) ? { name, value: values.get(name)! } : undefined),
    set: (name, value, options) => {
      values.set(name, value);
      writes.push({ value, options: options as Record<string, unknown> });
    },
  };
  return { store, writes, value: () => values.get(VISITOR_COOKIE_NAME) };
}

async function seal(session: Visitor, secrets: string[]): Promise<string> {
  const jar = cookieJar();
  const opened = await openVisitor(jar.store, { secrets: secrets, secure: true });
  await opened.save(session);
  return jar.value()!;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("the session cookie", () => {
  const session = mintVisitor("eu-west");

  it("mints a UUID for the user, free tier by default, and no session id (each conversation's token has its own)", () => {
    expect(session.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(session).toEqual({ userId: session.userId, tier: "free", region: "eu-west" });
    expect(mintVisitor("eu-west").userId).not.toBe(session.userId);
  });

  it("keeps the user and tier when re-minted", () => {
    const next = mintVisitor("us", { ...session, tier: "pro" });
    expect(next.userId).toBe(session.userId);
    expect(next.tier).toBe("pro");
  });

  it("opens a round-1 cookie that still holds a session id: same user, the id dropped", async () => {
    const { sealData } = await import("iron-session");
    const { passwordMap } = await import("@/lib/conversation/secret-ids");
    const sealed = await sealData({ ...session, sessionId: crypto.randomUUID() }, { password: passwordMap([NEW_SECRET]) });
    const opened = await openVisitor(cookieJar(sealed).store, { secrets: [NEW_SECRET], secure: true });
    expect(opened.current).toEqual(session);
  });

  it("seals to an opaque value and unseals to the same session", async () => {
    const sealed = await seal(session, [NEW_SECRET]);
    expect(sealed).not.toContain(session.userId);
    const opened = await openVisitor(cookieJar(sealed).store, { secrets: [NEW_SECRET], secure: true });
    expect(opened.current).toEqual(session);
  });

  it("is HttpOnly, SameSite=Lax, and Secure as told (lib/identity/secure-cookie.ts decides)", async () => {
    for (const secure of [true, false]) {
      const jar = cookieJar();
      await (await openVisitor(jar.store, { secrets: [NEW_SECRET], secure })).save(session);
      expect(jar.writes[0]!.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure, path: "/" });
    }
  });

  it("reads a tampered cookie as no session, without throwing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const sealed = await seal(session, [NEW_SECRET]);
    const tampered = sealed.slice(0, 40) + (sealed[40] === "a" ? "b" : "a") + sealed.slice(41);
    for (const value of [tampered, "garbage", "Fe26.2*1*x*y*z", ""]) {
      const opened = await openVisitor(cookieJar(value).store, { secrets: [NEW_SECRET], secure: true });
      expect(opened.current).toBeNull();
    }
  });

  it("reads an expired cookie as no session", async () => {
    const sealed = await seal(session, [NEW_SECRET]);
    vi.useFakeTimers({ now: Date.now() + 31 * 24 * 60 * 60 * 1000 });
    const opened = await openVisitor(cookieJar(sealed).store, { secrets: [NEW_SECRET], secure: true });
    expect(opened.current).toBeNull();
  });

  it("rejects a well-sealed cookie whose content is not a session", async () => {
    const jar = cookieJar();
    const raw = await openVisitor(jar.store, { secrets: [NEW_SECRET], secure: true });
    await expect(raw.save({ ...session, userId: "not-a-uuid" })).rejects.toThrow();
    // Sealed under the secret's real id, so it opens: only the schema check can refuse it.
    const { sealData, unsealData } = await import("iron-session");
    const { passwordMap } = await import("@/lib/conversation/secret-ids");
    const password = passwordMap([NEW_SECRET]);
    for (const content of [{ sessionId: "x", userId: 1 }, { ...session, tier: "platinum" }, { ...session, region: "" }]) {
      const foreign = await sealData(content, { password, ttl: 3600 });
      expect(await unsealData(foreign, { password, ttl: 3600 })).toEqual(content);
      const opened = await openVisitor(cookieJar(foreign).store, { secrets: [NEW_SECRET], secure: true });
      expect(opened.current).toBeNull();
    }
  });

  it("rotates: a cookie sealed with the old secret still opens, and is re-sealed with the new one", async () => {
    const sealedWithOld = await seal(session, [OLD_SECRET]);
    const jar = cookieJar(sealedWithOld);
    const opened = await openVisitor(jar.store, { secrets: [NEW_SECRET, OLD_SECRET], secure: true });
    expect(opened.current).toEqual(session);

    await opened.save(opened.current!);
    const onlyNew = await openVisitor(cookieJar(jar.value()).store, { secrets: [NEW_SECRET], secure: true });
    expect(onlyNew.current).toEqual(session);
  });

  it("reads a cookie sealed with a retired secret as no session", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const sealedWithOld = await seal(session, [OLD_SECRET]);
    const opened = await openVisitor(cookieJar(sealedWithOld).store, { secrets: [NEW_SECRET], secure: true });
    expect(opened.current).toBeNull();
  });
});
