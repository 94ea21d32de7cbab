import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { AttributeValue, Attributes } from "@opentelemetry/api";
import { ATTR_GEN_AI_CONVERSATION_ID } from "@opentelemetry/semantic-conventions/incubating";
import { createKeyMasker, type MaskingConfig } from "./masking";
import { copiesOf, type ExportedForms } from "./recorded-once";
import type { SecretScrubber } from "./secret-scrubber";

export type ExportPassOptions = {
  masking: MaskingConfig;
  scrub: SecretScrubber;
  /** Export the copies too (see recorded-once.ts). Default false. */
  keepCopies?: boolean;
};

export type ExportPass = {
  /** A converted span's attributes as they are exported. */
  attributes(attributes: Attributes): Attributes;
  /** Event attributes: scrubbed only (an exception's message and stack can echo a key). */
  eventAttributes(attributes: Attributes): Attributes;
  /** Any other text that leaves (the status message). */
  scrub: SecretScrubber;
};

/**
 * Everything that edits a span's attributes before export, in one pass over them, each
 * attribute looked at once:
 *   copies dropped (recorded-once.ts) -> OPENINFERENCE_HIDE_* masking -> secrets scrubbed,
 * and `gen_ai.conversation.id` added from `session.id`, so backends other than Phoenix
 * group the conversation too. Only strings are scrubbed, and not ids (`*.id`, `*_id`):
 * numbers, booleans and ids cannot hold a key.
 */
export function createExportPass(options: ExportPassOptions): ExportPass {
  const maskKey = createKeyMasker(options.masking);
  const { hideInputs, hideInputMessages, hideOutputs, hideOutputMessages } = options.masking;
  // A copy is dropped only when what it copies is exported: with llm.input_messages masked, input.value stays.
  const exported: ExportedForms = { inputMessages: !hideInputs && !hideInputMessages, outputMessages: !hideOutputs && !hideOutputMessages };
  const keepCopies = options.keepCopies === true;
  const { scrub } = options;

  const scrubValue = (value: AttributeValue): AttributeValue => {
    if (typeof value === "string") return scrub(value);
    if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? scrub(item) : item)) as AttributeValue;
    return value;
  };

  return {
    attributes(attributes) {
      const result: Attributes = {};
      const isCopy = keepCopies ? undefined : copiesOf(attributes, exported);
      for (const key in attributes) {
        let value = attributes[key];
        if (value === undefined) continue;
        if (isCopy?.(key, value)) continue;
        if (maskKey) {
          value = maskKey(key, value);
          if (value === undefined) continue;
        }
        result[key] = isId(key) ? value : scrubValue(value);
      }
      const sessionId = attributes[SemanticConventions.SESSION_ID];
      if (typeof sessionId === "string") result[ATTR_GEN_AI_CONVERSATION_ID] = sessionId;
      return result;
    },
    eventAttributes(attributes) {
      const result: Attributes = {};
      for (const key in attributes) {
        const value = attributes[key];
        if (value !== undefined) result[key] = scrubValue(value);
      }
      return result;
    },
    scrub,
  };
}

/** `session.id`, `user.id`, `gen_ai.response.id`, `tool_call.id`, `...message.tool_call_id`: set by code, never a key. */
function isId(key: string): boolean {
  return key.endsWith(".id") || key.endsWith("_id");
}
