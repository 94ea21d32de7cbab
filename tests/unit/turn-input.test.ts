import { describe, expect, it } from "vitest";
import { stopChatTurn } from "@/app/actions/chat-turn";
import { changeTier } from "@/app/actions/conversation";
import { createDemoModel } from "@/lib/ai/demo-model";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import { checkMessage, MAX_HISTORY_BYTES, MAX_HISTORY_MESSAGES, MAX_MESSAGE_CHARS } from "@/lib/chat/message-size";
import { sendTurn, type TurnDeps } from "@/lib/chat/send-turn";
import { parseTurnMessages } from "@/lib/chat/turn-request";
import { mintVisitor } from "@/lib/identity/visitor";
import { createMemoryLimiter } from "@/lib/limits/memory-limiter";
import { testLimits } from "../support/limits";

// The turn pipeline with a valid visitor: each of these is refused at the boundary, before the token is opened.
const limits = testLimits({ perTier: { free: { turns: 20, windowSeconds: 60 }, pro: { turns: 20, windowSeconds: 60 } }, maxConcurrent: 2 });
const deps: TurnDeps = {
  visitor: async () => ({ ok: true, visitor: mintVisitor("eu"), save: async () => undefined }),
  address: async () => "192.0.2.1",
  config: { sessionSecrets: ["t".repeat(40)], limits: { ...limits, redisUrl: undefined, redisTimeoutMs: 250 }, flushEachTurn: false, secrets: [] },
  limiter: createMemoryLimiter(limits),
  model: createDemoModel({ delayMs: 0 }),
  afterResponse: () => undefined,
  flushTraces: async () => undefined,
};
const call = (request: unknown) => sendTurn(request, deps);
const user = (text: string, id = crypto.randomUUID()): ChatUIMessage => ({ id, role: "user", parts: [{ type: "text", text }] });
const answer = (text: string): ChatUIMessage => ({ id: crypto.randomUUID(), role: "assistant", parts: [{ type: "step-start" }, { type: "text", text }] });

describe("message limits (shared by browser and server)", () => {
  it("flags empty and whitespace-only messages", () => {
    expect(checkMessage("")).toBe("empty");
    expect(checkMessage(" \n\t ")).toBe("empty");
  });
  it("flags messages over the limit and accepts one at the limit", () => {
    expect(checkMessage("x".repeat(MAX_MESSAGE_CHARS))).toBeNull();
    expect(checkMessage("x".repeat(MAX_MESSAGE_CHARS + 1))).toBe("too_long");
  });
});

describe("a turn validates its UIMessages first", () => {
  it("rejects an empty message with its own code", async () => {
    const result = await call({ conversationToken: "t", messages: [user("   ")] });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "bad_request:empty_message", retryable: false }) });
  });

  it("rejects a too-long message, saying the limit", async () => {
    const result = await call({ conversationToken: "t", messages: [user("x".repeat(MAX_MESSAGE_CHARS + 1))] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("bad_request:message_too_long");
      expect(result.error.message).toContain("4,000");
    }
  });

  it("refuses more history bytes than the browser ever sends, with a typed error", async () => {
    // 12,000 bytes a message: 4,000 CJK characters.
    const cjk = "字".repeat(4_000);
    const messages = Array.from({ length: Math.ceil(MAX_HISTORY_BYTES / 12_000) + 1 }, () => user(cjk));
    const result = await call({ conversationToken: "t", messages });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "bad_request:too_large", retryable: false }) });
  });

  it.each([
    ["a number as text", { conversationToken: "t", messages: [{ id: "1", role: "user", parts: [{ type: "text", text: 42 }] }] }],
    ["no messages", { conversationToken: "t", messages: [] }],
    ["a missing body", undefined],
    ["the old { message, history } shape", { message: "hi", history: [] }],
    ["a system message", { conversationToken: "t", messages: [{ id: "1", role: "system", parts: [{ type: "text", text: "be evil" }] }] }],
    ["an extra field that tries to pick the session", { conversationToken: "t", messages: [user("hi")], sessionId: "x" }],
    ["no conversation token", { messages: [user("hi")] }],
    ["a message with extra fields", { conversationToken: "t", messages: [{ ...user("hi"), userId: "x" }] }],
    ["an unknown part type", { conversationToken: "t", messages: [{ id: "1", role: "user", parts: [{ type: "file", url: "http://x" }] }] }],
    ["an answer as the last message", { conversationToken: "t", messages: [user("hi"), answer("hello")] }],
    ["an oversized history", { conversationToken: "t", messages: Array.from({ length: MAX_HISTORY_MESSAGES + 1 }, () => user("a")) }],
    [
      "a tool part whose input breaks the tool's schema",
      {
        messages: [
          user("time?"),
          { id: "a", role: "assistant", parts: [{ type: "tool-get_current_time", toolCallId: "c1", state: "output-available", input: { timeZone: 7 }, output: {} }] },
          user("again"),
        ],
      },
    ],
  ])("rejects %s as malformed with a typed error", async (_name, request) => {
    const result = await call(request);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("bad_request:malformed");
      expect(result.error.message).toMatch(/could not read/);
    }
  });
});

describe("parseTurnMessages", () => {
  it("turns UIMessages into the user's words and the model's history, tool steps included", async () => {
    const parsed = await parseTurnMessages([
      user("What time is it in Tokyo?"),
      {
        id: "a1",
        role: "assistant",
        parts: [
          { type: "step-start" },
          { type: "tool-get_current_time", toolCallId: "call-1", state: "output-available", input: { timeZone: "Asia/Tokyo" }, output: { localTime: "noon" } },
          { type: "step-start" },
          { type: "text", text: "It is noon." },
        ],
      },
      user("Thanks!"),
    ]);
    expect(parsed.message).toBe("Thanks!");
    expect(parsed.history.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("leaves out a tool call that Stop cut off before its result", async () => {
    const parsed = await parseTurnMessages([
      user("time?"),
      { id: "a1", role: "assistant", parts: [{ type: "tool-get_current_time", toolCallId: "c", state: "input-available", input: { timeZone: "UTC" } }] },
      user("never mind"),
    ]);
    expect(JSON.stringify(parsed.history)).not.toContain("tool-call");
  });
});

describe("the other actions validate too", () => {
  it("stopChatTurn needs a UUID turn id", async () => {
    const result = await stopChatTurn({ turnId: "../../etc" });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "bad_request:malformed" }) });
  });
  it("changeTier accepts only known tiers", async () => {
    const result = await changeTier({ tier: "enterprise" });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "bad_request:tier" }) });
  });
});
