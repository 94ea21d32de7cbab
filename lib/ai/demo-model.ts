import "server-only";
import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4Prompt,
  type LanguageModelV4StreamPart,
  type LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { planReply, replyWithToolResult } from "./demo-replies";

/**
 * A real `LanguageModelV4` that runs in-process: it streams word by word,
 * calls the time tool when asked, reports token usage like a provider would,
 * and honours the abort signal. The app and its traces look real with no key.
 */

export const DEMO_PROVIDER = "demo";
export const DEMO_MODEL_ID = "demo-chat-1";

export function createDemoModel({ delayMs }: { delayMs: number }): LanguageModelV4 {
  return {
    specificationVersion: "v4",
    provider: DEMO_PROVIDER,
    modelId: DEMO_MODEL_ID,
    supportedUrls: {},
    async doGenerate() {
      throw new Error("The demo model only streams; use streamText.");
    },
    async doStream(options: LanguageModelV4CallOptions) {
      return { stream: demoStream(options, delayMs), request: { body: { prompt: options.prompt } } };
    },
  };
}

function demoStream(options: LanguageModelV4CallOptions, delayMs: number): ReadableStream<LanguageModelV4StreamPart> {
  const { prompt, abortSignal } = options;
  const inputTokens = estimateTokens(JSON.stringify(prompt));
  const toolResult = lastToolResult(prompt);
  const plan = toolResult
    ? { kind: "text" as const, text: replyWithToolResult(toolResult) }
    : planReply(userTexts(prompt), (options.tools?.length ?? 0) > 0);

  if (plan.kind === "fail") throw simulatedFailure(plan.status, prompt);

  return new ReadableStream<LanguageModelV4StreamPart>({
    async start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({ type: "response-metadata", id: `demo-${crypto.randomUUID()}`, modelId: DEMO_MODEL_ID, timestamp: new Date() });
      if (plan.kind === "tool") {
        const input = JSON.stringify(plan.input);
        controller.enqueue({ type: "tool-call", toolCallId: `call-${crypto.randomUUID()}`, toolName: plan.toolName, input });
        controller.enqueue({ type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(inputTokens, estimateTokens(input)) });
        controller.close();
        return;
      }
      controller.enqueue({ type: "text-start", id: "text-0" });
      for (const word of plan.text.match(/\S+\s*|\s+/g) ?? []) {
        if (abortSignal?.aborted) return controller.error(abortSignal.reason);
        if (delayMs > 0) await sleep(delayMs, abortSignal);
        if (abortSignal?.aborted) return controller.error(abortSignal.reason);
        controller.enqueue({ type: "text-delta", id: "text-0", delta: word });
      }
      controller.enqueue({ type: "text-end", id: "text-0" });
      controller.enqueue({ type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(inputTokens, estimateTokens(plan.text)) });
      controller.close();
    },
  });
}

function userTexts(prompt: LanguageModelV4Prompt): string[] {
  return prompt
    .filter((message) => message.role === "user")
    .map((message) => message.content.map((part) => (part.type === "text" ? part.text : "")).join(""));
}

/** The result the model is answering, when the last message is the tool's. */
function lastToolResult(prompt: LanguageModelV4Prompt): unknown {
  const last = prompt.at(-1);
  if (last?.role !== "tool") return undefined;
  for (const part of last.content) {
    if (part.type === "tool-result") return "value" in part.output ? part.output.value : part.output;
  }
  return undefined;
}

/** Roughly four characters a token, as with English text on GPT-style tokenizers. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usage(input: number, output: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

const FAILURES = {
  401: "Incorrect API key provided (simulated by the demo model).",
  429: "Rate limit reached for requests (simulated by the demo model).",
  500: "The server had an error while processing your request (simulated by the demo model).",
  504: "Request timed out (simulated by the demo model).",
} as const;

function simulatedFailure(status: keyof typeof FAILURES, prompt: LanguageModelV4Prompt): APICallError {
  return new APICallError({
    message: FAILURES[status],
    url: "demo://chat",
    requestBodyValues: { prompt },
    statusCode: status,
    // Not retryable so the SDK reports it at once instead of backing off.
    isRetryable: false,
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
