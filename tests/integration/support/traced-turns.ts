import type { UIMessageChunk } from "ai";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createDemoModel } from "@/lib/ai/demo-model";
import { runChatTurn, type ChatTurnOptions, type RunningTurn, type TurnAttributes } from "@/lib/chat/run-turn";
import { mintVisitor, type Visitor } from "@/lib/identity/visitor";
import { flushTraces } from "@/lib/tracing/flush";
import type { MaskingOptions } from "@/lib/tracing/masking";
import { installTracing } from "@/lib/tracing/register";

/** Installs the production tracing setup (registerOTel + our chain) with an in-memory exporter. */
export function installInMemoryTracing(
  masking: MaskingOptions = {},
  options: { secretsToScrub?: string[]; keepCopies?: boolean } = {},
): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  installTracing({ exporter, projectName: "integration-tests", masking, ...options });
  return exporter;
}

/** The cookie's identity plus a conversation's session id: what a turn runs with. */
export function newSession(overrides: Partial<Visitor & TurnAttributes> = {}): Visitor & TurnAttributes {
  return { ...mintVisitor("eu-central"), sessionId: crypto.randomUUID(), ...overrides };
}

export function startTurn(
  message: string,
  options: { session?: TurnAttributes; history?: ChatTurnOptions["history"]; delayMs?: number; maxDurationMs?: number } = {},
): RunningTurn & { session: TurnAttributes; turnId: string } {
  const session = options.session ?? newSession();
  const turnId = crypto.randomUUID();
  const turn = runChatTurn({
    turnId,
    attributes: session,
    message,
    history: options.history ?? [],
    model: createDemoModel({ delayMs: options.delayMs ?? 0 }),
    maxDurationMs: options.maxDurationMs,
  });
  return { ...turn, session, turnId };
}

export async function readAll(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

export function answerText(chunks: UIMessageChunk[]): string {
  return chunks.map((chunk) => (chunk.type === "text-delta" ? chunk.delta : "")).join("");
}

/** Flushes the real pipeline and returns the spans of one trace. */
export async function spansOfTrace(exporter: InMemorySpanExporter, traceId: string | null): Promise<ReadableSpan[]> {
  if (!traceId) throw new Error("the turn has no trace id: tracing is not installed");
  await flushTraces();
  return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
}

export const attr = (span: ReadableSpan, key: string) => span.attributes[key];

export function rootsOf(spans: ReadableSpan[]): ReadableSpan[] {
  return spans.filter((span) => !span.parentSpanContext?.spanId);
}
