import { describe, expect, it } from "vitest";
import { createExportPass } from "@/lib/tracing/export-pass";
import { resolveMaskingConfig, type MaskingOptions } from "@/lib/tracing/masking";
import { createSecretScrubber } from "@/lib/tracing/secret-scrubber";

const KEY = "sk-proj-Zt4Qw8Er2Ty6Ui0Op3As7Df1Gh5Jk9Lz2Xc6Vb0Nm4Qw8Er";
const PROMPT = '[{"role":"user","parts":[{"type":"text","content":"What is the time?"}]}]';

/** An LLM span as openinference-vercel leaves it: the AI SDK's attributes and their conversions. */
const llmSpan = {
  "openinference.span.kind": "LLM",
  "session.id": "3f2b8c1e-9d4a-4e7b-8a1c-2b3c4d5e6f70",
  "user.id": "u-1",
  metadata: '{"tier":"pro"}',
  "gen_ai.input.messages": PROMPT,
  "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"Noon."}]}]',
  "gen_ai.usage.input_tokens": 12,
  "gen_ai.response.id": "resp-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
  "gen_ai.request.stream": true,
  "llm.token_count.prompt": 12,
  "llm.model_name": "gpt-test",
  "input.value": PROMPT,
  "input.mime_type": "application/json",
  "output.value": '[{"role":"assistant","parts":[{"type":"text","content":"Noon."}]}]',
  "llm.input_messages.0.message.role": "user",
  "llm.input_messages.0.message.content": `What is the time? (my key: ${KEY})`,
  "llm.input_messages.0.message.contents.0.message_content.type": "text",
  "llm.input_messages.0.message.contents.0.message_content.text": `What is the time? (my key: ${KEY})`,
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.contents.0.message_content.type": "text",
  "llm.output_messages.0.message.contents.0.message_content.text": "Noon.",
};

const pass = (masking: MaskingOptions = {}, keepCopies = false) =>
  createExportPass({ masking: resolveMaskingConfig(masking), scrub: createSecretScrubber(), keepCopies });

describe("the export pass (one pass per span)", () => {
  it("drops the copies, keeps the messages Phoenix shows, scrubs text, leaves numbers, booleans and ids alone", () => {
    const out = pass().attributes({ ...llmSpan });
    expect(Object.keys(out).sort()).toEqual(
      [
        "openinference.span.kind",
        "session.id",
        "user.id",
        "metadata",
        "gen_ai.response.id",
        "gen_ai.request.stream",
        "gen_ai.conversation.id",
        "llm.token_count.prompt",
        "llm.model_name",
        "llm.input_messages.0.message.role",
        "llm.input_messages.0.message.content",
        "llm.output_messages.0.message.role",
        "llm.output_messages.0.message.contents.0.message_content.type",
        "llm.output_messages.0.message.contents.0.message_content.text",
      ].sort(),
    );
    expect(out["llm.input_messages.0.message.content"]).toBe("What is the time? (my key: [REDACTED])");
    // Key-shaped, but an id: set by code, exported as it is.
    expect(out["gen_ai.response.id"]).toBe(llmSpan["gen_ai.response.id"]);
    expect(out["gen_ai.request.stream"]).toBe(true);
    expect(out["llm.token_count.prompt"]).toBe(12);
    expect(out["gen_ai.conversation.id"]).toBe(llmSpan["session.id"]);
  });

  it("keepCopies exports everything, still scrubbed", () => {
    const out = pass({}, true).attributes({ ...llmSpan });
    expect(Object.keys(out).length).toBe(Object.keys(llmSpan).length + 1);
    expect(JSON.stringify(out)).not.toContain(KEY);
  });

  it("drops a copy only when what it copies is exported: with the input messages hidden, the LLM span keeps input.value", () => {
    const out = pass({ hideInputMessages: true }).attributes({ ...llmSpan });
    expect(Object.keys(out).filter((key) => key.startsWith("llm.input_messages."))).toEqual([]);
    expect(out["input.value"]).toBe(PROMPT);
    expect(out["gen_ai.input.messages"]).toBeUndefined();
  });

  it("with inputs and outputs hidden, no message text is left anywhere; ids and tokens stay", () => {
    const out = pass({ hideInputs: true, hideOutputs: true }).attributes({ ...llmSpan });
    expect(JSON.stringify(out)).not.toMatch(/What is the time|Noon/);
    expect(out).toMatchObject({ "session.id": llmSpan["session.id"], "llm.token_count.prompt": 12 });
  });

  it("scrubs event attributes and leaves their numbers", () => {
    const out = pass().eventAttributes({ "exception.message": `401: ${KEY}`, "exception.count": 1 });
    expect(out).toEqual({ "exception.message": "401: [REDACTED]", "exception.count": 1 });
  });
});
