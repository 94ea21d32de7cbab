import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { streamText, type ModelMessage } from "ai";
import { beforeAll, describe, expect, it } from "vitest";
import { createDemoModel, DEMO_MODEL_ID } from "@/lib/ai/demo-model";
import { usingSession } from "@/lib/tracing/context-attributes";
import { flushTraces } from "@/lib/tracing/flush";
import { resolveMaskingConfig } from "@/lib/tracing/masking";
import { attr, installInMemoryTracing, readAll, rootsOf, spansOfTrace, startTurn } from "./support/traced-turns";

/**
 * Each thing a turn records is exported once (lib/tracing/recorded-once.ts): the history
 * on each LLM span's messages, and nowhere else; what Phoenix shows stays.
 */

let exporter: ReturnType<typeof installInMemoryTracing>;

beforeAll(() => {
  exporter = installInMemoryTracing(resolveMaskingConfig());
});

const REMEMBERED = "My name is Ada and I like long walks by the sea.";
const ANSWERED = "Nice to meet you, Ada. Walks by the sea sound lovely.";
/** A conversation so far with an earlier tool call in it, as the app sends it to the model. */
const HISTORY: ModelMessage[] = [
  { role: "user", content: "What time is it in Paris?" },
  { role: "assistant", content: [{ type: "tool-call", toolCallId: "call-paris", toolName: "get_current_time", input: { timeZone: "Europe/Paris" } }] },
  {
    role: "tool",
    content: [
      {
        type: "tool-result",
        toolCallId: "call-paris",
        toolName: "get_current_time",
        output: { type: "json", value: { timeZone: "Europe/Paris", localTime: "Monday, 10:00 AM" } },
      },
    ],
  },
  { role: "assistant", content: [{ type: "text", text: "It is **Monday, 10:00 AM** in `Europe/Paris`." }] },
  { role: "user", content: REMEMBERED },
  { role: "assistant", content: ANSWERED },
];

const strings = (span: ReadableSpan) => Object.entries(span.attributes).filter((e): e is [string, string] => typeof e[1] === "string");
/** How many times `text` occurs in all of a span's attribute values together. */
const occurrences = (span: ReadableSpan, text: string) => strings(span).reduce((n, [, value]) => n + value.split(text).length - 1, 0);
const byKind = (spans: ReadableSpan[], kind: string) => spans.filter((span) => attr(span, "openinference.span.kind") === kind);

async function toolTurnWithHistory() {
  const turn = startTurn("What time is it in Tokyo?", { history: HISTORY });
  await readAll(turn.stream);
  expect((await turn.finished).outcome).toBe("completed");
  return spansOfTrace(exporter, turn.traceId);
}

describe("each thing a turn records is exported once", () => {
  it("the history is on each LLM span's messages once, and on no other span", async () => {
    const spans = await toolTurnWithHistory();
    const llms = byKind(spans, "LLM");
    expect(llms).toHaveLength(2);
    for (const llm of llms) {
      for (const said of [REMEMBERED, ANSWERED, "What time is it in Tokyo?"]) expect(occurrences(llm, said), said).toBe(1);
      // The one place it is: the message's `content` (its `contents` copy is gone).
      const [key] = strings(llm).find(([, value]) => value === REMEMBERED)!;
      expect(key).toMatch(/^llm\.input_messages\.\d+\.message\.content$/);
    }
    for (const span of spans.filter((s) => !llms.includes(s))) {
      expect(occurrences(span, REMEMBERED), span.name).toBe(0);
      expect(occurrences(span, ANSWERED), span.name).toBe(0);
    }
  });

  it("no span exports a text twice: no string of 20+ characters sits inside another attribute of its span", async () => {
    const spans = await toolTurnWithHistory();
    // Ids are references, not texts (`gen_ai.conversation.id` names the session for non-Phoenix backends on purpose).
    const isId = (key: string) => /(\.id|_id)$/.test(key);
    for (const span of spans) {
      const values = strings(span).filter(([key, value]) => value.length >= 20 && !isId(key));
      for (const [key, value] of values) {
        const holders = values.filter(([other, text]) => other !== key && text.includes(value)).map(([other]) => other);
        expect(holders, `${span.name}: ${key}`).toEqual([]);
      }
    }
  });

  it("no raw gen_ai.* prompt or response, no LLM input.value, no agent prompt, no copied tool parameters", async () => {
    const spans = await toolTurnWithHistory();
    const copies = [
      "gen_ai.input.messages",
      "gen_ai.output.messages",
      "gen_ai.system_instructions",
      "gen_ai.tool.definitions",
      "gen_ai.tool.call.arguments",
      "gen_ai.tool.call.result",
      "metadata.gen_ai.system_instructions",
      "tool.parameters",
    ];
    for (const span of spans) for (const key of copies) expect(attr(span, key), `${span.name}: ${key}`).toBeUndefined();
    for (const llm of byKind(spans, "LLM")) {
      expect(attr(llm, "input.value")).toBeUndefined();
      expect(attr(llm, "output.value")).toBeUndefined();
    }
    const agent = byKind(spans, "AGENT")[0]!;
    expect(attr(agent, "input.value")).toBeUndefined();
    expect(Object.keys(agent.attributes).filter((key) => key.startsWith("llm.input_messages."))).toEqual([]);
  });

  it("keeps what Phoenix shows: the messages with roles and tool calls, tools, tokens, the tool's call, the agent's output", async () => {
    const spans = await toolTurnWithHistory();
    const [first, second] = byKind(spans, "LLM");
    const roles = (span: ReadableSpan) =>
      Object.entries(span.attributes)
        .filter(([key]) => /^llm\.input_messages\.\d+\.message\.role$/.test(key))
        .sort(([a], [b]) => Number(a.split(".")[2]) - Number(b.split(".")[2]))
        .map(([, role]) => role);
    expect(roles(first!)).toEqual(["system", "user", "assistant", "tool", "assistant", "user", "assistant", "user"]);
    expect(roles(second!)).toEqual([...roles(first!), "assistant", "tool"]);
    expect(attr(first!, "llm.input_messages.0.message.contents.0.message_content.text")).toMatch(/concise, friendly assistant/);
    expect(attr(first!, "llm.input_messages.2.message.tool_calls.0.tool_call.function.name")).toBe("get_current_time");
    expect(attr(first!, "llm.input_messages.3.message.content")).toContain("Monday, 10:00 AM");
    expect(attr(first!, "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments")).toContain("Asia/Tokyo");
    expect(attr(second!, "llm.output_messages.0.message.contents.0.message_content.text")).toMatch(/Asia\/Tokyo/);
    for (const llm of [first!, second!]) {
      expect(attr(llm, "llm.model_name")).toBe(DEMO_MODEL_ID);
      expect(attr(llm, "llm.token_count.total")).toBeGreaterThan(0);
      expect(String(attr(llm, "llm.tools.0.tool.json_schema"))).toContain("get_current_time");
    }
    const tool = byKind(spans, "TOOL")[0]!;
    expect(attr(tool, "tool.name")).toBe("get_current_time");
    expect(attr(tool, "input.value")).toBe('{"timeZone":"Asia/Tokyo"}');
    expect(String(attr(tool, "output.value"))).toContain("localTime");
    const agent = byKind(spans, "AGENT")[0]!;
    expect(String(attr(agent, "output.value"))).toContain("Asia/Tokyo");
    expect(attr(rootsOf(spans)[0]!, "input.value")).toBe("What time is it in Tokyo?");
  });

  it("an agent span that is the trace's root (no turn span around it) keeps its prompt: it is what Phoenix shows as the turn", async () => {
    const result = usingSession("agent-as-root", () =>
      streamText({ model: createDemoModel({ delayMs: 0 }), messages: [...HISTORY, { role: "user", content: "Hello!" }] }),
    );
    await result.consumeStream();
    await flushTraces();
    const spans = exporter.getFinishedSpans().filter((span) => attr(span, "session.id") === "agent-as-root");
    const agent = byKind(spans, "AGENT")[0];
    expect(agent, "the agent span").toBeDefined();
    expect(rootsOf(spans)).toEqual([agent]);
    expect(String(attr(agent!, "input.value"))).toContain(REMEMBERED);
  });
});
