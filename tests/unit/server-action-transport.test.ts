import { Chat } from "@ai-sdk/react";
import type { UIMessageChunk } from "ai";
import { describe, expect, it, vi } from "vitest";
import { chatErrorPayload } from "@/lib/chat/chat-error";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import { jsonBytes, MAX_HISTORY_BYTES, MODEL_CONTEXT_MESSAGES } from "@/lib/chat/message-size";
import type { TurnRequest, TurnResult } from "@/lib/chat/turn-protocol";
import { chatErrorFrom } from "@/components/chat/chat-errors";
import { ChatRequestError, messagesToSend, ServerActionChatTransport } from "@/components/chat/server-action-transport";

/**
 * The transport under the AI SDK's real `Chat` (what `useChat` drives), with the
 * Server Action replaced by a function that returns what the action returns.
 */

const user = (text: string): ChatUIMessage => ({ id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] });
const assistant = (text: string, outcome?: "failed"): ChatUIMessage => ({
  id: crypto.randomUUID(),
  role: "assistant",
  parts: [{ type: "text", text }],
  metadata: { traceId: "t".repeat(32), outcome },
});

/** A turn's stream that sends `words` and then waits until cancelled (or ends, when `end`). */
function answerStream(words: string[], opts: { end?: boolean; onCancel?: () => void } = {}): ReadableStream<UIMessageChunk> {
  const chunks: UIMessageChunk[] = [
    { type: "start", messageMetadata: { traceId: "a".repeat(32) } },
    { type: "text-start", id: "t" },
    ...words.map((delta): UIMessageChunk => ({ type: "text-delta", id: "t", delta })),
  ];
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) return controller.enqueue(next);
      if (opts.end) {
        controller.enqueue({ type: "text-end", id: "t" });
        controller.enqueue({ type: "finish" });
        controller.close();
      }
      return new Promise(() => undefined); // a model still generating
    },
    cancel: () => opts.onCancel?.(),
  });
}

function chatWith(send: (request: TurnRequest) => Promise<TurnResult>, stop = vi.fn(async () => ({ ok: true }))) {
  const request = () => ({ conversationToken: "sealed-token" });
  const chat = new Chat<ChatUIMessage>({ transport: new ServerActionChatTransport({ send, stop, request }) });
  return { chat, stop };
}

describe("ServerActionChatTransport under the AI SDK's Chat", () => {
  it("streams the action's chunks into an assistant message with the trace id as metadata", async () => {
    const { chat } = chatWith(async () => ({ ok: true, turnId: crypto.randomUUID(), stream: answerStream(["Hello ", "there"], { end: true }) }));
    await chat.sendMessage({ text: "hi" });
    const answer = chat.messages.at(-1)!;
    expect(answer.role).toBe("assistant");
    expect(answer.parts.filter((p) => p.type === "text").map((p) => (p.type === "text" ? p.text : ""))).toEqual(["Hello there"]);
    expect(answer.metadata?.traceId).toBe("a".repeat(32));
    expect(chat.status).toBe("ready");
  });

  it("Stop cancels the stream and asks the server to stop that turn", async () => {
    const turnId = crypto.randomUUID();
    const cancelled = vi.fn();
    const { chat, stop } = chatWith(async () => ({ ok: true, turnId, stream: answerStream(["Once ", "upon "], { onCancel: cancelled }) }));
    const sending = chat.sendMessage({ text: "a long story" });
    await vi.waitFor(() => expect(chat.status).toBe("streaming"));
    await chat.stop();
    await sending;
    expect(stop).toHaveBeenCalledWith({ turnId });
    expect(cancelled).toHaveBeenCalled();
    expect(chat.status).toBe("ready");
  });

  it("a Stop pressed before the action answered still reaches the server", async () => {
    const turnId = crypto.randomUUID();
    let answer!: (result: TurnResult) => void;
    const { chat, stop } = chatWith(() => new Promise((resolve) => (answer = resolve)));
    const sending = chat.sendMessage({ text: "hi" });
    await vi.waitFor(() => expect(chat.status).toBe("submitted"));
    const stopping = chat.stop();
    answer({ ok: true, turnId, stream: answerStream(["x"]) });
    await Promise.all([sending, stopping]);
    await vi.waitFor(() => expect(stop).toHaveBeenCalledWith({ turnId }));
  });

  it("a typed failure from the action becomes useChat's error, with its payload", async () => {
    const payload = chatErrorPayload("bad_request:message_too_long");
    const { chat } = chatWith(async () => ({ ok: false, error: payload }));
    await chat.sendMessage({ text: "x" });
    expect(chat.status).toBe("error");
    expect(chat.error).toBeInstanceOf(ChatRequestError);
    expect(chatErrorFrom(chat.error)).toEqual(payload);
  });

  it("an error chunk mid-stream carries our payload as its text", async () => {
    const payload = chatErrorPayload("rate_limit:model");
    const stream = new ReadableStream<UIMessageChunk>({
      start(c) {
        c.enqueue({ type: "start" });
        c.enqueue({ type: "error", errorText: JSON.stringify(payload) });
        c.close();
      },
    });
    const { chat } = chatWith(async () => ({ ok: true, turnId: crypto.randomUUID(), stream }));
    await chat.sendMessage({ text: "x" });
    expect(chatErrorFrom(chat.error)).toEqual(payload);
  });

  it("regenerate (Retry) sends the same question again, without the failed answer", async () => {
    const sent: TurnRequest[] = [];
    let calls = 0;
    const { chat } = chatWith(async (request) => {
      sent.push(request);
      calls++;
      if (calls === 1) return { ok: false, error: chatErrorPayload("unavailable:model") };
      return { ok: true, turnId: crypto.randomUUID(), stream: answerStream(["ok"], { end: true }) };
    });
    await chat.sendMessage({ text: "question" });
    await chat.regenerate();
    expect(sent).toHaveLength(2);
    expect(sent.every((request) => request.conversationToken === "sealed-token")).toBe(true);
    expect(sent[1]!.messages.map((m) => m.role)).toEqual(["user"]);
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("says there is no stream to reconnect to", async () => {
    const transport = new ServerActionChatTransport({ send: vi.fn(), stop: vi.fn(), request: () => ({ conversationToken: "t" }) });
    expect(await transport.reconnectToStream()).toBeNull();
  });
});

describe("messagesToSend: the history a turn carries", () => {
  it("a 1.2 MB conversation of CJK questions and long answers is trimmed under the byte budget, newest kept", () => {
    const messages: ChatUIMessage[] = [];
    for (let i = 0; i < 20; i++) messages.push(user(`${i}:${"字".repeat(3_990)}`), assistant("答".repeat(16_000)));
    messages.push(user("the new question"));
    expect(jsonBytes(messages)).toBeGreaterThan(1_200_000);
    const sent = messagesToSend(messages);
    expect(jsonBytes(sent)).toBeLessThanOrEqual(MAX_HISTORY_BYTES);
    expect(sent.at(-1)).toMatchObject({ role: "user", parts: [{ type: "text", text: "the new question" }] });
    expect(sent[0]!.role).toBe("user");
    expect(sent.length).toBeGreaterThan(2);
  });

  it("sends no metadata, no failed answers and at most the model's context", () => {
    const messages: ChatUIMessage[] = [];
    for (let i = 0; i < 60; i++) messages.push(user(`q${i}`), assistant(`a${i}`));
    messages.push(user("oops"), assistant("partial", "failed"), user("again"));
    const sent = messagesToSend(messages);
    expect(sent.length).toBeLessThanOrEqual(MODEL_CONTEXT_MESSAGES + 1);
    expect(sent.some((m) => "metadata" in m)).toBe(false);
    expect(JSON.stringify(sent)).not.toContain("partial");
  });
});
