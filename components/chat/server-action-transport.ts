import type { ChatTransport, UIMessageChunk } from "ai";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import { jsonBytes, MAX_ANSWER_CHARS, MAX_HISTORY_BYTES, MODEL_CONTEXT_MESSAGES } from "@/lib/chat/message-size";
import type { TurnRequest, TurnResult } from "@/lib/chat/turn-protocol";

/**
 * `useChat` over a Server Action: the AI SDK's recipe is an HTTP route, ours is the
 * action itself. `sendMessages` calls the action, which returns the turn's
 * `ReadableStream<UIMessageChunk>`; `useChat`'s Stop aborts `abortSignal`, which
 * cancels the stream and tells the server to stop generating; `regenerate()` is Retry.
 */

export type TurnAction = (request: TurnRequest) => Promise<TurnResult>;
export type StopAction = (request: { turnId: string }) => Promise<unknown>;

/** A typed failure the action returned (bad input, and later limits): `useChat`'s `error`. */
export class ChatRequestError extends Error {
  override name = "ChatRequestError";
  constructor(readonly payload: ChatErrorPayload) {
    super(payload.message);
  }
}

export class ServerActionChatTransport implements ChatTransport<ChatUIMessage> {
  constructor(
    private readonly actions: {
      send: TurnAction;
      stop: StopAction;
      /** The rest of the request (the conversation token), read at send time. */
      request: () => Omit<TurnRequest, "messages">;
    },
  ) {}

  async sendMessages({ messages, abortSignal }: Parameters<ChatTransport<ChatUIMessage>["sendMessages"]>[0]) {
    const result = await this.actions.send({ ...this.actions.request(), messages: messagesToSend(messages) });
    if (!result.ok) throw new ChatRequestError(result.error);
    return stopOnAbort(result.stream, abortSignal, () => this.actions.stop({ turnId: result.turnId }));
  }

  /**
   * A Server Action's stream lives exactly as long as its request, and the server
   * keeps no copy: there is never a stream to reconnect to, so this says so.
   */
  async reconnectToStream(): Promise<ReadableStream<UIMessageChunk> | null> {
    return null;
  }
}

/**
 * Passes the turn's chunks through; when `useChat` stops (or stops reading), the
 * server is told to stop generating. Best effort: the turn's time limit is the backstop.
 */
function stopOnAbort(
  source: ReadableStream<UIMessageChunk>,
  signal: AbortSignal | undefined,
  stopOnServer: () => Promise<unknown>,
): ReadableStream<UIMessageChunk> {
  const reader = source.getReader();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void reader.cancel().catch(() => undefined);
    void stopOnServer().catch(() => undefined);
  };
  // Stop was pressed while the action was still starting.
  if (signal?.aborted) stop();
  signal?.addEventListener("abort", stop, { once: true });
  return new ReadableStream<UIMessageChunk>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        signal?.removeEventListener("abort", stop);
        controller.close();
      } else {
        controller.enqueue(value);
      }
    },
    cancel: stop,
  });
}

const SENDABLE_PART = /^(text|step-start|tool-.+)$/;

/**
 * What the server gets: the new message and the most recent history that fits
 * in `MAX_HISTORY_BYTES` (bytes, not characters: CJK text is three bytes a
 * character). Never a failed answer, never our metadata, never part types the
 * server does not take. A long conversation therefore never turns into a
 * request the server (or Next's body limit) refuses.
 */
export function messagesToSend(messages: ChatUIMessage[]): ChatUIMessage[] {
  const sendable = messages
    .filter((m) => m.role === "user" || (m.metadata?.outcome !== "failed" && m.parts.some((p) => SENDABLE_PART.test(p.type))))
    .map(
      (m): ChatUIMessage => ({
        id: m.id,
        role: m.role,
        parts: m.parts
          .filter((p) => SENDABLE_PART.test(p.type))
          .map((p) => (p.type === "text" ? { type: "text", text: p.text.slice(0, MAX_ANSWER_CHARS) } : p)),
      }),
    );
  const chosen: ChatUIMessage[] = [];
  let bytes = 2;
  for (let i = sendable.length - 1; i >= 0 && chosen.length <= MODEL_CONTEXT_MESSAGES; i--) {
    const size = jsonBytes(sendable[i]) + 1;
    // The newest message always goes: the server says so clearly if it alone is too much.
    if (chosen.length > 0 && bytes + size > MAX_HISTORY_BYTES) break;
    chosen.unshift(sendable[i]!);
    bytes += size;
  }
  // The model's history starts with a user message, not with half an exchange.
  while (chosen.length > 1 && chosen[0]!.role !== "user") chosen.shift();
  return chosen;
}
