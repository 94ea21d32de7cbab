import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import { deleteConversationTraces } from "@/lib/conversation/delete-conversation";
import { sealConversationToken } from "@/lib/conversation/conversation-token";
import type { Limiter } from "@/lib/limits/limiter";
import { createMemoryLimiter } from "@/lib/limits/memory-limiter";
import { createPhoenixClient } from "@/lib/phoenix/rest-client";
import { testLimits } from "../support/limits";
import { startFakePhoenix, type FakePhoenix } from "./support/fake-phoenix";

const SECRETS = ["n".repeat(32)];
let phoenix: FakePhoenix;
let warnings: string[];
const log = { warn: (line: string) => void warnings.push(line) };

beforeAll(async () => {
  phoenix = await startFakePhoenix();
});
afterAll(async () => {
  await phoenix.close();
});
beforeEach(() => {
  warnings = [];
  phoenix.respondWith(null);
  phoenix.requests.length = 0;
});

async function conversation() {
  const owner = { sessionId: randomUUID(), userId: randomUUID() };
  phoenix.ingest({ sessionId: owner.sessionId });
  return { ...owner, token: await sealConversationToken(owner, SECRETS) };
}

let limiter: Limiter;
beforeEach(() => {
  limiter = createMemoryLimiter(testLimits());
});

const deps = (overrides: Partial<Parameters<typeof deleteConversationTraces>[2]> = {}) => ({
  secrets: SECRETS,
  deleteTraces: true,
  phoenix: createPhoenixClient({ baseUrl: phoenix.url, timeoutMs: 1_000 }),
  limiter,
  log,
  ...overrides,
});

const caller = (userId: string) => ({ userId, address: "192.0.2.60" });

const sessionDeletes = () => phoenix.requests.filter((r) => r.method === "DELETE" && r.path.startsWith("/v1/sessions/"));

describe("deleting a conversation's traces", () => {
  it("deletes the session the token names, after flushing this server's spans", async () => {
    const { token, userId, sessionId } = await conversation();
    const order: string[] = [];
    const result = await deleteConversationTraces(token, caller(userId), deps({ flushTraces: async () => void order.push("flush") }));
    expect(result).toEqual({ ok: true, tracesDeleted: true });
    expect(order).toEqual(["flush"]);
    expect(sessionDeletes().map((r) => r.path)).toEqual([`/v1/sessions/${sessionId}`]);
    // Gone: a second delete finds nothing, which is not a failure.
    expect(await deleteConversationTraces(token, caller(userId), deps())).toEqual({ ok: true, tracesDeleted: false });
  });

  it("deletes nothing when the flag is off, or tracing is, but still checks the token", async () => {
    const { token, userId } = await conversation();
    expect(await deleteConversationTraces(token, caller(userId), deps({ deleteTraces: false }))).toEqual({ ok: true, tracesDeleted: false });
    expect(await deleteConversationTraces(token, caller(userId), deps({ phoenix: null }))).toEqual({ ok: true, tracesDeleted: false });
    expect(await deleteConversationTraces(token, caller(randomUUID()), deps({ deleteTraces: false }))).toEqual({
      ok: false,
      code: "forbidden:conversation",
    });
    expect(sessionDeletes()).toEqual([]);
  });

  it("never deletes another user's session, nor one a bad token names", async () => {
    const { token } = await conversation();
    expect(await deleteConversationTraces(token, caller(randomUUID()), deps())).toEqual({ ok: false, code: "forbidden:conversation" });
    for (const bad of [undefined, "", "garbage", token.slice(0, 50), { sessionId: randomUUID() }]) {
      expect(await deleteConversationTraces(bad, caller(randomUUID()), deps())).toEqual({ ok: false, code: "bad_request:conversation" });
    }
    expect(sessionDeletes()).toEqual([]);
  });

  it("Phoenix refusing, failing or not answering: a retryable error, logged with the cause", async () => {
    const { token, userId, sessionId } = await conversation();
    for (const status of [401, 500]) {
      phoenix.respondWith(status);
      expect(await deleteConversationTraces(token, caller(userId), deps())).toEqual({ ok: false, code: "unavailable:trace_delete" });
    }
    phoenix.respondWith(null);
    phoenix.stopAnswering();
    expect(await deleteConversationTraces(token, caller(userId), deps())).toEqual({ ok: false, code: "unavailable:trace_delete" });
    phoenix.stopAnswering(false);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain(sessionId);
    expect(warnings.join("\n")).toMatch(/unauthorized[\s\S]*failed[\s\S]*timeout/);
    expect(chatErrorPayload("unavailable:trace_delete")).toMatchObject({ retryable: true });

    // Retry once Phoenix is back: deleted.
    expect(await deleteConversationTraces(token, caller(userId), deps())).toEqual({ ok: true, tracesDeleted: true });
  });

  it("remembers the session as deleted before Phoenix deletes it: turns and votes with its token are refused from then on", async () => {
    const { token, userId, sessionId } = await conversation();
    const order: string[] = [];
    const watched: Limiter = {
      ...limiter,
      forgetConversation: async (id) => {
        order.push(`forget ${id}`);
        await limiter.forgetConversation(id);
      },
    };
    const result = await deleteConversationTraces(token, caller(userId), deps({ limiter: watched, flushTraces: async () => void order.push("flush") }));
    expect(result).toEqual({ ok: true, tracesDeleted: true });
    expect(order).toEqual([`forget ${sessionId}`, "flush"]);
    expect(await limiter.acquireTurn({ userId, tier: "free", address: null, sessionId })).toEqual({ ok: false, gone: true });
    expect(await limiter.acquireWrite({ userId, address: null, sessionId, refuseGone: true })).toEqual({ ok: false, gone: true });
    // A delete with the same token may be repeated (the first may have failed in Phoenix): not refused.
    expect(await deleteConversationTraces(token, caller(userId), deps())).toEqual({ ok: true, tracesDeleted: false });
  });

  it("is budgeted with votes, per user: past it, refused with when to try again, and Phoenix never asked", async () => {
    limiter = createMemoryLimiter(testLimits({ writes: { perUser: { turns: 2, windowSeconds: 3600 }, perAddress: { turns: 100, windowSeconds: 3600 } } }));
    const userId = randomUUID();
    const mine = await Promise.all([1, 2, 3, 4].map(async () => {
      const sessionId = randomUUID();
      phoenix.ingest({ sessionId });
      return sealConversationToken({ sessionId, userId }, SECRETS);
    }));
    const flushes: number[] = [];
    const results = [];
    for (const token of mine) results.push(await deleteConversationTraces(token, caller(userId), deps({ flushTraces: async () => void flushes.push(1) })));
    expect(results.slice(0, 2)).toEqual([{ ok: true, tracesDeleted: true }, { ok: true, tracesDeleted: true }]);
    expect(results[2]).toMatchObject({ ok: false, code: "rate_limit:writes", error: { code: "rate_limit:writes", retryAfterSeconds: expect.any(Number) } });
    expect(sessionDeletes()).toHaveLength(2);
    expect(flushes).toHaveLength(2);
  });
});
