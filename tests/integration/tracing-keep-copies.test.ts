import { beforeAll, describe, expect, it } from "vitest";
import { resolveMaskingConfig } from "@/lib/tracing/masking";
import { attr, installInMemoryTracing, readAll, spansOfTrace, startTurn } from "./support/traced-turns";

// Tracing is installed once per process; this file runs in its own, with `keepCopies: true`.
let exporter: ReturnType<typeof installInMemoryTracing>;

beforeAll(() => {
  exporter = installInMemoryTracing(resolveMaskingConfig(), { keepCopies: true, secretsToScrub: ["kept-copies-secret-0001"] });
});

describe("keepCopies: true (for a backend that reads the OpenTelemetry GenAI attributes)", () => {
  it("exports the AI SDK's raw gen_ai.* prompt and response, and the agent's prompt, still scrubbed", async () => {
    const history = [
      { role: "user" as const, content: "My key is kept-copies-secret-0001, remember it." },
      { role: "assistant" as const, content: "I will not repeat it." },
    ];
    const turn = startTurn("What time is it in Tokyo?", { history });
    await readAll(turn.stream);
    const spans = await spansOfTrace(exporter, turn.traceId);
    const kind = (k: string) => spans.filter((span) => attr(span, "openinference.span.kind") === k);
    for (const span of [...kind("LLM"), ...kind("AGENT")]) {
      expect(String(attr(span, "gen_ai.input.messages")), span.name).toContain("What time is it in Tokyo?");
      expect(String(attr(span, "input.value")), span.name).toContain("What time is it in Tokyo?");
    }
    expect(attr(kind("TOOL")[0]!, "gen_ai.tool.call.result")).toBeDefined();
    for (const span of spans) expect(JSON.stringify(span.attributes), span.name).not.toContain("kept-copies-secret-0001");
  });
});
