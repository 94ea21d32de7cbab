import "server-only";
import { stepCountIs, streamText, toUIMessageStream, type LanguageModel, type ModelMessage, type UIMessageChunk } from "ai";
import { CHAT_INSTRUCTIONS } from "@/lib/ai/instructions";
import { chatTools } from "@/lib/ai/tools";
import type { ChatSession } from "@/lib/session/chat-session";
import { usingAttributes, usingSession } from "@/lib/tracing/context-attributes";
import { traceTurn, type TurnEnding, type TurnSpan } from "@/lib/tracing/turn-span";
import { registerTurn } from "./active-turns";
import { ChatError } from "./chat-error";
import { MODEL_CONTEXT_MESSAGES } from "./limits";
import { chatErrorFromProvider } from "./provider-errors";

/**
 * One chat turn, top to bottom:
 *   session + attributes on the context -> root turn span -> model stream (+ tool)
 *   -> UI chunks to the browser -> the turn span ends with the whole answer.
 * Every span the AI SDK starts inside inherits the context, so all of them carry
 * `session.id`, `user.id` and the tier/region metadata.
 */

export type ChatTurnOptions = {
  turnId: string;
  session: ChatSession;
  /** The user's new words: the turn span's input and the prompt's last message. */
  message: string;
  /** The conversation before it, as model messages (see lib/chat/turn-request.ts). */
  history: ModelMessage[];
  model: LanguageModel;
  /** A turn nobody reads or stops still ends: after this long it is aborted as a timeout. */
  maxDurationMs?: number;
};

export type RunningTurn = {
  traceId: string | null;
  stream: ReadableStream<UIMessageChunk>;
  /** Settles when the turn span has ended, however the turn ended. */
  finished: Promise<TurnEnding>;
};

const MAX_STEPS = 4;
const DEFAULT_MAX_TURN_MS = 5 * 60_000;

export function runChatTurn(request: ChatTurnOptions): RunningTurn {
  const { session } = request;
  return usingSession(session.sessionId, () =>
    usingAttributes({ userId: session.userId, metadata: { tier: session.tier, region: session.region } }, () =>
      traceTurn(request.message, (turn) => streamTurn(turn, request)),
    ),
  );
}

function streamTurn(turn: TurnSpan, request: ChatTurnOptions): RunningTurn {
  const controller = new AbortController();
  // Keyed by user, not conversation: a Stop from the tab that started the turn works whatever other tabs did.
  const unregister = registerTurn(request.turnId, request.session.userId, controller);
  const timeout = setTimeout(
    () => controller.abort(new DOMException("The turn took too long", "TimeoutError")),
    request.maxDurationMs ?? DEFAULT_MAX_TURN_MS,
  );
  let answer = "";
  let failure: unknown;
  let stoppedByReader = false;
  let settle!: (ending: TurnEnding) => void;
  const finished = new Promise<TurnEnding>((resolve) => (settle = resolve));

  const result = streamText({
    model: request.model,
    instructions: CHAT_INSTRUCTIONS,
    messages: toModelMessages(request.history, request.message),
    tools: chatTools,
    stopWhen: stepCountIs(MAX_STEPS),
    abortSignal: controller.signal,
    telemetry: { functionId: "chat" },
    onError: ({ error }) => {
      failure = error;
      console.warn(`[chat] turn ${request.turnId} failed: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  const chunks = toUIMessageStream({
    stream: result.stream,
    onError: (error) => JSON.stringify(chatErrorFromProvider(error).toPayload()),
    // The trace id reaches the browser with the message itself: "View trace" and feedback use it.
    messageMetadata: ({ part }) => (part.type === "start" ? { traceId: turn.traceId } : undefined),
  }).getReader();

  const timedOut = () => {
    const reason: unknown = controller.signal.reason;
    return reason instanceof DOMException && reason.name === "TimeoutError";
  };
  const ending = (): TurnEnding => {
    if (failure === undefined && timedOut()) failure = controller.signal.reason;
    if (failure !== undefined) return { outcome: "failed", output: answer, error: failure };
    if (stoppedByReader || controller.signal.aborted) return { outcome: "stopped", output: answer };
    return { outcome: "completed", output: answer };
  };
  const finish = () => {
    if (turn.ended) return;
    clearTimeout(timeout);
    unregister();
    const end = ending();
    turn.end(end);
    settle(end);
  };

  const stream = new ReadableStream<UIMessageChunk>({
    async pull(output) {
      try {
        const { done, value } = await chunks.read();
        if (done) {
          finish();
          output.close();
          return;
        }
        if (value.type === "text-delta") answer += value.delta;
        // The SDK reports our time limit as an abort; the user should see a timeout, with Retry.
        if (value.type === "abort" && timedOut()) {
          output.enqueue({ type: "error", errorText: JSON.stringify(new ChatError("timeout:model").toPayload()) });
        } else {
          output.enqueue(value);
        }
      } catch (error) {
        failure ??= error;
        finish();
        output.error(error);
      }
    },
    cancel(reason) {
      // The browser stopped reading (Stop, closed tab): stop generating too.
      stoppedByReader = true;
      controller.abort(reason);
      void chunks.cancel(reason).catch(() => undefined);
      finish();
    },
  });

  return { traceId: turn.traceId, stream, finished };
}

function toModelMessages(history: ModelMessage[], message: string): ModelMessage[] {
  return [...history.slice(-MODEL_CONTEXT_MESSAGES), { role: "user", content: message }];
}
