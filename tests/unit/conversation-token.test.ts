import { randomUUID } from "node:crypto";
import { sealData } from "iron-session";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import {
  openConversationToken,
  openTurnReceipt,
  sealConversationToken,
  sealTurnReceipt,
  startConversation,
} from "@/lib/conversation/conversation-token";
import { passwordMap } from "@/lib/conversation/secret-ids";
import { mintVisitor, openVisitor } from "@/lib/identity/visitor";

const OLD_SECRET = "o".repeat(32);
const NEW_SECRET = "n".repeat(32);
const OTHER_SECRET = "x".repeat(32);
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

const alice = { sessionId: randomUUID(), userId: randomUUID() };
const bob = { sessionId: randomUUID(), userId: randomUUID() };

afterEach(() => {
  vi.useRealTimers();
});

describe("conversation token", () => {
  it("opens for its own user, with its session id and the same token back", async () => {
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    expect(token).not.toContain(alice.sessionId); // sealed, not merely signed
    const opened = await openConversationToken(token, alice.userId, [NEW_SECRET]);
    expect(opened).toEqual({ ok: true, sessionId: alice.sessionId, token, resealed: false });
  });

  it("starts a conversation with a fresh server-minted session id, owned by its user", async () => {
    const first = await startConversation(alice.userId, [NEW_SECRET]);
    const second = await startConversation(alice.userId, [NEW_SECRET]);
    expect(first.sessionId).not.toBe(second.sessionId);
    expect(await openConversationToken(first.token, alice.userId, [NEW_SECRET])).toEqual({
      ok: true,
      sessionId: first.sessionId,
      token: first.token,
      resealed: false,
    });
  });

  it("refuses another user's valid token as forbidden", async () => {
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    expect(await openConversationToken(token, bob.userId, [NEW_SECRET])).toEqual({
      ok: false,
      code: "forbidden:conversation",
    });
  });

  it("refuses a tampered token: one character changed anywhere in the seal", async () => {
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    // Every field of the seal (id, salt, iv, ciphertext, MAC) is covered.
    const positions = [7, 20, 60, 120, Math.floor(token.length / 2), token.length - 10];
    for (const at of positions) {
      const flipped = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
      const opened = await openConversationToken(flipped, alice.userId, [NEW_SECRET]);
      expect(opened, `changed at ${at}`).toEqual({ ok: false, code: "bad_request:conversation" });
    }
  });

  it("refuses a truncated token", async () => {
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    for (const length of [0, 6, 40, token.length - 1 - "~2".length]) {
      const opened = await openConversationToken(token.slice(0, length), alice.userId, [NEW_SECRET]);
      expect(opened, `length ${length}`).toEqual({ ok: false, code: "bad_request:conversation" });
    }
  });

  it("refuses garbage of every type without throwing", async () => {
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      true,
      {},
      [],
      { sessionId: alice.sessionId, userId: alice.userId },
      "",
      "not a token",
      "Fe26.2*1*a*b*c*d*e*f",
      "Fe26.2**********",
      `${"A".repeat(100_000)}`,
    ];
    for (const token of garbage) {
      const opened = await openConversationToken(token, alice.userId, [NEW_SECRET]);
      expect(opened).toEqual({ ok: false, code: "bad_request:conversation" });
    }
  });

  it("refuses a token sealed with a secret the server does not have", async () => {
    const token = await sealConversationToken(alice, [OTHER_SECRET]);
    expect(await openConversationToken(token, alice.userId, [NEW_SECRET, OLD_SECRET])).toEqual({
      ok: false,
      code: "bad_request:conversation",
    });
  });

  it("is not fooled by other seals of the same secrets: the session cookie, a turn receipt", async () => {
    // The cookie holds a session id and a user id too, sealed with the same secrets.
    const cookie = await sealData({ ...mintVisitor("local"), userId: alice.userId }, { password: passwordMap([NEW_SECRET]) });
    expect(await openConversationToken(cookie, alice.userId, [NEW_SECRET])).toEqual({
      ok: false,
      code: "bad_request:conversation",
    });
    const receipt = await sealTurnReceipt({ ...alice, traceId: TRACE_ID }, [NEW_SECRET]);
    expect(await openConversationToken(receipt, alice.userId, [NEW_SECRET])).toEqual({
      ok: false,
      code: "bad_request:conversation",
    });
    // And the other way round: a conversation token is no receipt.
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    expect(await openTurnReceipt(token, alice, [NEW_SECRET])).toEqual({ ok: false, code: "bad_request:feedback" });
  });

  it("refuses a well-sealed payload whose claims are not ids", async () => {
    const token = await sealData(
      { typ: "conversation", v: 1, sessionId: "../../etc", userId: alice.userId, iat: 0 },
      { password: passwordMap([NEW_SECRET]), ttl: 0 },
    );
    expect(await openConversationToken(token, alice.userId, [NEW_SECRET])).toEqual({
      ok: false,
      code: "bad_request:conversation",
    });
  });

  it("will not seal claims that are not uuids", async () => {
    await expect(sealConversationToken({ sessionId: "abc", userId: alice.userId }, [NEW_SECRET])).rejects.toThrow();
  });

  it("does not expire: a conversation lasts while its secret is listed", async () => {
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3 * 365 * 24 * 60 * 60 * 1000);
    const opened = await openConversationToken(token, alice.userId, [NEW_SECRET]);
    expect(opened).toMatchObject({ ok: true, sessionId: alice.sessionId });
  });

  it("rotation: an old secret's token keeps working, comes back sealed with the newest, and dies with the old secret", async () => {
    const oldToken = await sealConversationToken(alice, [OLD_SECRET]);

    const rotated = await openConversationToken(oldToken, alice.userId, [NEW_SECRET, OLD_SECRET]);
    expect(rotated).toMatchObject({ ok: true, sessionId: alice.sessionId, resealed: true });
    if (!rotated.ok) throw new Error("unreachable");
    expect(rotated.token).not.toBe(oldToken);

    // The re-sealed token needs only the newest secret: the browser keeps it past the old one.
    expect(await openConversationToken(rotated.token, alice.userId, [NEW_SECRET])).toEqual({
      ok: true,
      sessionId: alice.sessionId,
      token: rotated.token,
      resealed: false,
    });
    // Its owner is unchanged by the re-seal.
    expect(await openConversationToken(rotated.token, bob.userId, [NEW_SECRET])).toEqual({
      ok: false,
      code: "forbidden:conversation",
    });
    // The old secret dropped: a token nobody re-sealed is over.
    expect(await openConversationToken(oldToken, alice.userId, [NEW_SECRET])).toEqual({
      ok: false,
      code: "bad_request:conversation",
    });
  });

  it("rotation does not renumber: the newest secret's tokens open whatever else is listed", async () => {
    const token = await sealConversationToken(alice, [NEW_SECRET]);
    for (const secrets of [[NEW_SECRET], [NEW_SECRET, OLD_SECRET], [NEW_SECRET, OTHER_SECRET, OLD_SECRET]]) {
      expect(await openConversationToken(token, alice.userId, secrets)).toMatchObject({ ok: true, resealed: false });
    }
  });

  it("seals and opens with the same secret ids as the session cookie", async () => {
    // One SESSION_SECRET list rotates both: a cookie sealed with NEW opens with [NEW, OLD], so must a token.
    const values = new Map<string, string>();
    const jar = { get: (n: string) => (values.has(n) ? { name: n, value: values.get(n)! } : undefined), set: (n: string, v: string) => values.set(n, v) };
    await (await openVisitor(jar, { secrets: [NEW_SECRET], secure: true })).save(mintVisitor("local"));
    const cookieId = [...values.values()][0]!.split("*")[1];
    const tokenId = (await sealConversationToken(alice, [NEW_SECRET])).split("*")[1];
    expect(tokenId).toBe(cookieId);
  });

  it("refuses to work without a secret (a server misconfiguration, not a bad token)", async () => {
    await expect(sealConversationToken(alice, [])).rejects.toThrow(/secret/);
    await expect(openConversationToken("x", alice.userId, [])).rejects.toThrow(/secret/);
  });

  it("has a message the user can act on for each refusal", () => {
    expect(chatErrorPayload("bad_request:conversation").message).toMatch(/Start a new conversation/);
    expect(chatErrorPayload("forbidden:conversation").message).toMatch(/another user/);
  });
});

describe("turn receipt", () => {
  it("opens for its own conversation and user, giving the trace id", async () => {
    const receipt = await sealTurnReceipt({ ...alice, traceId: TRACE_ID }, [NEW_SECRET]);
    expect(receipt).not.toContain(TRACE_ID);
    expect(await openTurnReceipt(receipt, alice, [NEW_SECRET])).toEqual({ ok: true, traceId: TRACE_ID });
  });

  it("is bound to both session and user", async () => {
    const receipt = await sealTurnReceipt({ ...alice, traceId: TRACE_ID }, [NEW_SECRET]);
    const forbidden = { ok: false, code: "forbidden:feedback" };
    // Another user, another conversation of the same user, another user's same session id.
    expect(await openTurnReceipt(receipt, bob, [NEW_SECRET])).toEqual(forbidden);
    expect(await openTurnReceipt(receipt, { sessionId: bob.sessionId, userId: alice.userId }, [NEW_SECRET])).toEqual(forbidden);
    expect(await openTurnReceipt(receipt, { sessionId: alice.sessionId, userId: bob.userId }, [NEW_SECRET])).toEqual(forbidden);
  });

  it("refuses garbage, tampering and unknown secrets as bad_request", async () => {
    const receipt = await sealTurnReceipt({ ...alice, traceId: TRACE_ID }, [OLD_SECRET]);
    const bad = { ok: false, code: "bad_request:feedback" };
    for (const value of [undefined, null, 7, {}, "", "garbage", receipt.slice(0, -12), receipt.replace(/\*[^*]{6}/, "*AAAAAA")]) {
      expect(await openTurnReceipt(value, alice, [OLD_SECRET])).toEqual(bad);
    }
    expect(await openTurnReceipt(receipt, alice, [NEW_SECRET])).toEqual(bad);
    // Still listed after rotation: it opens.
    expect(await openTurnReceipt(receipt, alice, [NEW_SECRET, OLD_SECRET])).toEqual({ ok: true, traceId: TRACE_ID });
  });

  it("will not seal a trace id that is not one", async () => {
    for (const traceId of ["", "xyz", TRACE_ID.toUpperCase(), "0".repeat(32), `${TRACE_ID}00`]) {
      await expect(sealTurnReceipt({ ...alice, traceId }, [NEW_SECRET]), traceId).rejects.toThrow();
    }
  });
});
