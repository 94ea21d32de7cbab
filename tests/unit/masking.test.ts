import { generateTraceConfig } from "@arizeai/openinference-core";
import { describe, expect, it } from "vitest";
import { createAttributeMasker, isMaskingOn, resolveMaskingConfig } from "@/lib/tracing/masking";

const converted = {
  "openinference.span.kind": "LLM",
  "session.id": "s1",
  "user.id": "u1",
  metadata: '{"tier":"pro"}',
  "input.value": "What is my password?",
  "input.mime_type": "text/plain",
  "output.value": "hunter2",
  "llm.input_messages.0.message.role": "user",
  "llm.input_messages.0.message.content": "What is my password?",
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.content": "hunter2",
  "llm.tools.0.tool.json_schema": "{}",
  "llm.token_count.prompt": 12,
  "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"What is my password?"}]}]',
  "gen_ai.output.messages": '[{"role":"assistant","parts":[{"type":"text","content":"hunter2"}]}]',
  "gen_ai.system_instructions": "be nice",
  "gen_ai.tool.call.arguments": '{"q":"secret"}',
  "gen_ai.tool.call.result": '{"a":"secret"}',
};

const ids = { "session.id": "s1", "user.id": "u1", metadata: '{"tier":"pro"}', "llm.token_count.prompt": 12 };

describe("masking", () => {
  it("is off unless a switch is on", () => {
    expect(isMaskingOn(generateTraceConfig({}))).toBe(false);
    expect(isMaskingOn(generateTraceConfig({ hideOutputs: true }))).toBe(true);
  });

  it("with inputs and outputs hidden, leaves no message text, keeps ids, metadata and tokens", () => {
    const mask = createAttributeMasker(generateTraceConfig({ hideInputs: true, hideOutputs: true }));
    const masked = mask({ ...converted });
    const text = JSON.stringify(masked);
    expect(text).not.toContain("password");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("secret");
    expect(masked["input.value"]).toBe("__REDACTED__");
    expect(masked["output.value"]).toBe("__REDACTED__");
    expect(masked).toMatchObject(ids);
  });

  it("hides only the input text when asked, keeping message structure", () => {
    const mask = createAttributeMasker(generateTraceConfig({ hideInputText: true }));
    const masked = mask({ ...converted });
    expect(masked["llm.input_messages.0.message.content"]).toBe("__REDACTED__");
    expect(masked["llm.input_messages.0.message.role"]).toBe("user");
    expect(masked["gen_ai.input.messages"]).toBeUndefined();
    expect(masked["output.value"]).toBe("hunter2");
  });

  it("takes the switches given, defaults for the rest, and never reads the environment", () => {
    // lib/tracing gets its switches from the app (lib/config.ts parses OPENINFERENCE_HIDE_*).
    process.env.OPENINFERENCE_HIDE_INPUTS = "true";
    try {
      const config = resolveMaskingConfig({ hideOutputs: true, hideInputText: undefined });
      expect(config).toMatchObject({ hideOutputs: true, hideInputs: false, hideInputText: false, base64ImageMaxLength: 32000 });
      const masked = createAttributeMasker(config)({ ...converted });
      expect(masked["output.value"]).toBe("__REDACTED__");
      expect(masked["gen_ai.output.messages"]).toBeUndefined();
      expect(masked["input.value"]).toBe("What is my password?");
      expect(isMaskingOn(resolveMaskingConfig())).toBe(false);
    } finally {
      delete process.env.OPENINFERENCE_HIDE_INPUTS;
    }
  });
});
