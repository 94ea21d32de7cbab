import "server-only";
import { stepCountIs, streamText, toUIMessageStream, type LanguageModel, type ModelMessage, type UIMessageChunk } from "ai";
import { CHAT_INSTRUCTIONS } from "@/lib/ai/instructions";
import { chatTools } from "@/lib/ai/tools";
import { usingAttributes, usingSession } from "@/lib/tracing/context-attributes";
import { createSecretScrubber, type SecretScrubber } from "@/lib/tracing/secret-scrubber";
import { traceTurn, type TurnEnding, type TurnSpan } from "@/lib/tracing/turn-span";
import { traceUIMessageStream } from "@/lib/tracing/ui-message-stream";
import { registerTurn } from "./active-turns";
import { ChatError } from "./chat-error";
import { MODEL_CONTEXT_MESSAGES } from "./message-size";
import { chatErrorFromProvider } from "./provider-errors";

/**
 * One chat turn, top to bottom:
 *   session + attributes on the context -> root turn span -> model stream (+ tool)
 *   -> UI chunks to the browser -> the turn span ends with the whole answer.
 * Every span the AI SDK starts inside inherits the context, so all of them carry
 * `session.id`, `user.id` and the tier/region metadata.
 */

/** Who is asking (from the cookie) and which conversation (from its token): what every span carries. */
export type TurnAttributes = { sessionId: string; userId: string; tier: string; region: string };

export type ChatTurnOptions = {
  turnId: string;
  attributes: TurnAttributes;
  /** The user's new words: the turn span's input and the prompt's last message. */
  message: string;
  /** The conversation before it, as model messages (see lib/chat/turn-request.ts). */
  history: ModelMessage[];
  model: LanguageModel;
  /** A turn nobody reads or stops still ends: after this long it is aborted as a timeout. */
  maxDurationMs?: number;
  /** Takes secrets out of error text before it is logged (default: key-shaped strings only). */
  scrub?: SecretScrubber;
  /** false when the turn limits could not be checked (Redis down): recorded on the root span. */
  limitChecked?: boolean;
  /** Refusals of this user counted but not traced since their last traced span: recorded on the root span when > 0. */
  refusalsUntraced?: number;
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
  return usingTurnContext(request.attributes, () => traceTurn(request.message, (turn) => streamTurn(turn, request)));
}

/**
 * What every span of a turn carries, answered or refused: the conversation's session
 * id, the user id, and the tier/region metadata. One place decides it.
 */
export function usingTurnContext<T>(turn: TurnAttributes, fn: () => T): T {
  return usingSession(turn.sessionId, () =>
    usingAttributes({ userId: turn.userId, metadata: { tier: turn.tier, region: turn.region } }, fn),
  );
}

/** On the root span: whether the turn limits were checked (false: Redis did not answer, the turn ran unlimited). */
export const LIMIT_CHECKED_ATTRIBUTE = "chat.turn.limit_checked";
/** On a root span: how many of this user's refusals since their last traced span were counted, not traced (lib/chat/refused-turn.ts). */
export const REFUSALS_UNTRACED_ATTRIBUTE = "chat.turn.refusals_untraced";

function streamTurn(turn: TurnSpan, request: ChatTurnOptions): RunningTurn {
  if (request.limitChecked !== undefined) turn.setAttributes({ [LIMIT_CHECKED_ATTRIBUTE]: request.limitChecked });
  if (request.refusalsUntraced) turn.setAttributes({ [REFUSALS_UNTRACED_ATTRIBUTE]: request.refusalsUntraced });
  const controller = new AbortController();
  // Keyed by user, not conversation: a Stop from the tab that started the turn works whatever other tabs did.
  const unregister = registerTurn(request.turnId, request.attributes.userId, controller);
  const scrub = request.scrub ?? createSecretScrubber();
  let failure: unknown;

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
      // Provider errors can echo the API key: the log gets the scrubbed text (the spans are scrubbed at export).
      console.warn(`[chat] turn ${request.turnId} failed: ${scrub(error instanceof Error ? error.message : String(error))}`);
    },
  });
  const chunks = toUIMessageStream({
    stream: result.stream,
    onError: (error) => JSON.stringify(chatErrorFromProvider(error).toPayload()),
    // The trace id reaches the browser with the message itself: "View trace" and feedback use it.
    messageMetadata: ({ part }) => (part.type === "start" ? { traceId: turn.traceId } : undefined),
  });
  const traced = traceUIMessageStream(turn, chunks, {
    abortController: controller,
    timeoutMs: request.maxDurationMs ?? DEFAULT_MAX_TURN_MS,
    failure: () => failure,
    // The SDK reports our time limit as an abort; the user should see a timeout, with Retry.
    timeoutChunk: { type: "error", errorText: JSON.stringify(new ChatError("timeout:model").toPayload()) },
  });
  void traced.finished.then(unregister);
  return { traceId: turn.traceId, stream: traced.stream, finished: traced.finished };
}

function toModelMessages(history: ModelMessage[], message: string): ModelMessage[] {
  return [...history.slice(-MODEL_CONTEXT_MESSAGES), { role: "user", content: message }];
}
