import "server-only";
import { convertToModelMessages, safeValidateUIMessages, type ModelMessage } from "ai";
import { z } from "zod";
import { chatTools } from "@/lib/ai/tools";
import { ChatError } from "./chat-error";
import { messageText, type ChatUIMessage } from "./chat-message";
import { checkMessage, jsonBytes, MAX_ANSWER_CHARS, MAX_HISTORY_BYTES, MAX_HISTORY_MESSAGES, MODEL_CONTEXT_MESSAGES } from "./message-size";

/**
 * The boundary of a chat turn: what the browser sends (`UIMessage[]`, the last one
 * the user's new message) is checked here, with our limits first (zod) and then the
 * AI SDK's own UI-message validation (tool inputs and outputs against the tools'
 * schemas). Metadata from the browser is dropped: nothing it says is trusted.
 */

// Strict where the browser has no reason to send more (a `userId` on a message is an attempt, not a mistake);
// tool parts may carry the SDK's own extra fields, which are dropped.
const TextPart = z.object({ type: z.literal("text"), text: z.string().max(MAX_ANSWER_CHARS) }).strict();
const StepStartPart = z.object({ type: z.literal("step-start") }).strict();
const ToolPart = z.object({
  type: z.literal("tool-get_current_time"),
  toolCallId: z.string().min(1).max(200),
  state: z.enum(["input-streaming", "input-available", "output-available", "output-error"]),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  errorText: z.string().max(MAX_ANSWER_CHARS).optional(),
});

const MessageSchema = z
  .object({
    id: z.string().min(1).max(200),
    role: z.enum(["user", "assistant"]),
    parts: z.array(z.discriminatedUnion("type", [TextPart, StepStartPart, ToolPart])).max(64),
  })
  .strict();

export const TurnMessagesSchema = z.array(MessageSchema).min(1).max(MAX_HISTORY_MESSAGES);

export type ParsedTurn = {
  /** The user's new words: the turn span's input. */
  message: string;
  /** Everything before it, as the model sees it (the most recent turns only). */
  history: ModelMessage[];
};

/** Parses the turn's messages or throws the `ChatError` the user should see. */
export async function parseTurnMessages(raw: unknown): Promise<ParsedTurn> {
  // Bytes first: the browser trims its history to fit, so more than this is a bug or an attack.
  if (jsonBytes(raw ?? null) > MAX_HISTORY_BYTES) throw new ChatError("bad_request:too_large");
  const parsed = TurnMessagesSchema.safeParse(raw);
  if (!parsed.success) throw new ChatError("bad_request:malformed", z.prettifyError(parsed.error).split("\n")[0]);

  const last = parsed.data.at(-1)!;
  if (last.role !== "user") throw new ChatError("bad_request:malformed", "the last message must be the user's");
  const message = messageText(last as ChatUIMessage);
  const problem = checkMessage(message);
  if (problem === "empty") throw new ChatError("bad_request:empty_message");
  if (problem === "too_long") throw new ChatError("bad_request:message_too_long");

  const validated = await safeValidateUIMessages<ChatUIMessage>({ messages: parsed.data, tools: chatTools });
  if (!validated.success) throw new ChatError("bad_request:malformed", validated.error.message.split("\n")[0]);
  const earlier = validated.data.slice(0, -1).slice(-MODEL_CONTEXT_MESSAGES);
  // A tool call cut off by Stop has no result; the model must not see half of it.
  const history = await convertToModelMessages(earlier, { tools: chatTools, ignoreIncompleteToolCalls: true });
  return { message, history };
}
