import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { APICallError, streamText } from "ai";
import { describe, expect, it } from "vitest";
import { createDemoModel, DEMO_MODEL_ID, estimateTokens } from "@/lib/ai/demo-model";
import { chatTools } from "@/lib/ai/tools";

const model = createDemoModel({ delayMs: 0 });

function options(text: string, extra: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions {
  return { prompt: [{ role: "user", content: [{ type: "text", text }] }], ...extra };
}

async function parts(m: LanguageModelV4, o: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await m.doStream(o);
  const out: LanguageModelV4StreamPart[] = [];
  for await (const part of stream as unknown as AsyncIterable<LanguageModelV4StreamPart>) out.push(part);
  return out;
}

const timeTool = { type: "function" as const, name: "get_current_time", inputSchema: { type: "object" as const } };

describe("the offline demo model", () => {
  it("is a v4 language model", () => {
    expect(model.specificationVersion).toBe("v4");
    expect(model.modelId).toBe(DEMO_MODEL_ID);
  });

  it("streams its answer word by word and reports realistic usage", async () => {
    const out = await parts(model, options("Hello there"));
    const deltas = out.filter((p) => p.type === "text-delta").map((p) => p.delta);
    expect(deltas.length).toBeGreaterThan(10);
    for (const delta of deltas) expect(delta.trim().split(/\s+/).length).toBe(1);
    const finish = out.at(-1);
    expect(finish?.type).toBe("finish");
    if (finish?.type === "finish") {
      expect(finish.finishReason.unified).toBe("stop");
      expect(finish.usage.outputTokens.total).toBe(estimateTokens(deltas.join("")));
      expect(finish.usage.inputTokens.total).toBeGreaterThan(0);
    }
  });

  it("answers deterministically, from the conversation", async () => {
    const a = (await parts(model, options("What is a span?"))).filter((p) => p.type === "text-delta");
    const b = (await parts(model, options("What is a span?"))).filter((p) => p.type === "text-delta");
    expect(a).toEqual(b);
    expect(a.map((p) => (p.type === "text-delta" ? p.delta : "")).join("")).toContain("session.id");
  });

  it("calls the time tool when asked the time and tools are offered", async () => {
    const out = await parts(model, options("what time is it in Paris?", { tools: [timeTool] }));
    const call = out.find((p) => p.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", toolName: "get_current_time", input: JSON.stringify({ timeZone: "Europe/Paris" }) });
    expect(out.at(-1)).toMatchObject({ type: "finish", finishReason: { unified: "tool-calls" } });
  });

  it("answers the time from the tool's result in a full streamText run", async () => {
    const result = streamText({ model, messages: [{ role: "user", content: "What time is it in Tokyo?" }], tools: chatTools, stopWhen: () => false });
    const text = await result.text;
    expect(text).toMatch(/It is \*\*.+\*\* in `Asia\/Tokyo`/);
    expect((await result.steps).length).toBe(2);
  });

  it("stops streaming when aborted", async () => {
    const slow = createDemoModel({ delayMs: 20 });
    const controller = new AbortController();
    const { stream } = await slow.doStream(options("Write a long story about a cat", { abortSignal: controller.signal }));
    const reader = stream.getReader();
    const seen: LanguageModelV4StreamPart[] = [];
    setTimeout(() => controller.abort(new Error("stop")), 120);
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          seen.push(value);
        }
      })(),
    ).rejects.toThrow("stop");
    const words = seen.filter((p) => p.type === "text-delta").length;
    expect(words).toBeGreaterThan(0);
    expect(words).toBeLessThan(100);
  });

  it.each([
    [401, "Incorrect API key"],
    [429, "Rate limit"],
    [504, "timed out"],
  ])("simulates a provider %i when asked", async (status, message) => {
    const error = await Promise.resolve(model.doStream(options(`please simulate a ${status} error`))).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(status);
    expect((error as APICallError).message).toContain(message);
  });
});
