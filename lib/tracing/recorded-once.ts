import { OpenInferenceSpanKind, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { AttributeValue, Attributes } from "@opentelemetry/api";

/**
 * Each thing a turn records, exported once. Left alone, a turn exports the conversation
 * several times over: the AI SDK records the prompt as `gen_ai.input.messages` on the agent
 * span and on every LLM span, and openinference-vercel converts each into `input.value`
 * (the same JSON again) and `llm.input_messages.*`, where a one-part message's text is
 * written twice (`message.content` and `message.contents.0.message_content.text`). By the
 * tenth turn that is eight copies of the history per turn, and Phoenix shows one of them.
 *
 * What Phoenix reads, and so what stays:
 * - LLM span: `llm.input_messages` / `llm.output_messages` (its Messages view), `llm.tools`,
 *   model, tokens, invocation parameters;
 * - AGENT and CHAIN spans: `input.value` / `output.value`;
 * - TOOL span: `tool.name`, `input.value` (the arguments), `output.value` (the result);
 * - everything that is not a copy (ids, session, metadata, timings, status, events).
 */

const { LLM, AGENT, TOOL } = OpenInferenceSpanKind;
const INPUT_MESSAGES = `${SemanticConventions.LLM_INPUT_MESSAGES}.`;
const OUTPUT_MESSAGES = `${SemanticConventions.LLM_OUTPUT_MESSAGES}.`;
const FIRST_INPUT_MESSAGE = `${INPUT_MESSAGES}0.${SemanticConventions.MESSAGE_ROLE}`;
const FIRST_OUTPUT_MESSAGE = `${OUTPUT_MESSAGES}0.${SemanticConventions.MESSAGE_ROLE}`;
const FIRST_TOOL_SCHEMA = `${SemanticConventions.LLM_TOOLS}.0.${SemanticConventions.TOOL_JSON_SCHEMA}`;
const CONTENTS = `.${SemanticConventions.MESSAGE_CONTENTS}.`;
const CONTENT_TEXT = SemanticConventions.MESSAGE_CONTENT_TEXT;
const CONTENT_TYPE = SemanticConventions.MESSAGE_CONTENT_TYPE;

/**
 * The AI SDK's small `gen_ai.*` values that openinference-vercel copies under the name
 * Phoenix reads. Dropped only when the copy holds the same value.
 */
const CONVERTED_AS: Readonly<Record<string, string>> = {
  "gen_ai.usage.input_tokens": SemanticConventions.LLM_TOKEN_COUNT_PROMPT,
  "gen_ai.usage.output_tokens": SemanticConventions.LLM_TOKEN_COUNT_COMPLETION,
  "gen_ai.usage.cache_read.input_tokens": SemanticConventions.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ,
  "gen_ai.usage.cache_creation.input_tokens": SemanticConventions.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE,
  "gen_ai.request.model": SemanticConventions.LLM_MODEL_NAME,
  "gen_ai.response.model": SemanticConventions.LLM_MODEL_NAME,
  "gen_ai.provider.name": SemanticConventions.LLM_PROVIDER,
  "gen_ai.agent.name": SemanticConventions.AGENT_NAME,
  "gen_ai.tool.name": SemanticConventions.TOOL_NAME,
  "gen_ai.tool.call.id": SemanticConventions.TOOL_CALL_ID,
};

/** The AI SDK's prompt on its agent span; its first LLM span records the same messages. */
const AGENT_PROMPT_KEYS = ["gen_ai.input.messages", "gen_ai.system_instructions"] as const;

/**
 * Before openinference-vercel converts the span: takes the prompt off an agent span that
 * has a parent (the turn span shows the user's words; the LLM span below shows the
 * messages), so it is neither converted nor exported. A parentless agent span keeps it:
 * there it is the root Phoenix shows as the turn.
 */
export function dropAgentPrompt(attributes: Attributes, hasParent: boolean): void {
  if (!hasParent || attributes["gen_ai.operation.name"] !== "invoke_agent") return;
  for (const key of AGENT_PROMPT_KEYS) delete attributes[key];
}

/** Whether the converted OpenInference forms survive masking (a copy is dropped only when its original is exported). */
export type ExportedForms = { inputMessages: boolean; outputMessages: boolean };

/** Tells, for one attribute of a converted span, whether it holds a copy of something else the span exports. */
export type CopyTest = (key: string, value: AttributeValue) => boolean;

/**
 * After conversion: the copy test for one span. Built once per span and then asked once
 * per attribute in the export pass, so the common case (a key that is no copy) costs a
 * few string comparisons.
 */
export function copiesOf(attributes: Attributes, exported: ExportedForms): CopyTest {
  const kind = attributes[SemanticConventions.OPENINFERENCE_SPAN_KIND];
  const hasInputMessages = attributes[FIRST_INPUT_MESSAGE] !== undefined;
  const hasOutputMessages = attributes[FIRST_OUTPUT_MESSAGE] !== undefined;
  const hasInputValue = attributes[SemanticConventions.INPUT_VALUE] !== undefined;
  const hasOutputValue = attributes[SemanticConventions.OUTPUT_VALUE] !== undefined;
  // On an LLM span, input.value / output.value are the messages as one JSON string.
  const inputValueIsCopy = kind === LLM && exported.inputMessages && hasInputMessages;
  const outputValueIsCopy = kind === LLM && exported.outputMessages && hasOutputMessages;
  return (key, value) => {
    switch (key) {
      // The AI SDK's raw attributes, once openinference-vercel has converted them.
      case "gen_ai.input.messages":
        return hasInputMessages || hasInputValue;
      case "gen_ai.output.messages":
        return hasOutputMessages || hasOutputValue;
      case "gen_ai.system_instructions":
        return hasInputMessages || kind === AGENT;
      case "gen_ai.tool.definitions":
        return attributes[FIRST_TOOL_SCHEMA] !== undefined;
      case "gen_ai.tool.call.arguments":
        return hasInputValue;
      case "gen_ai.tool.call.result":
        return hasOutputValue;
      // openinference-genai keeps the system instructions here too, besides the system message.
      case "metadata.gen_ai.system_instructions":
        return true;
      // openinference-vercel puts the call's arguments here as well as in input.value.
      case SemanticConventions.TOOL_PARAMETERS:
        return kind === TOOL && value === attributes[SemanticConventions.INPUT_VALUE];
      case SemanticConventions.INPUT_VALUE:
      case SemanticConventions.INPUT_MIME_TYPE:
        return inputValueIsCopy;
      case SemanticConventions.OUTPUT_VALUE:
      case SemanticConventions.OUTPUT_MIME_TYPE:
        return outputValueIsCopy;
    }
    if (key.startsWith("gen_ai.")) return isSameAsConverted(key, value, attributes);
    if (!key.startsWith(INPUT_MESSAGES) && !key.startsWith(OUTPUT_MESSAGES)) return false;
    // Phoenix shows an agent span's input.value and output.value; its messages are the LLM spans'.
    if (kind === AGENT) return true;
    return isRedundantPart(key, attributes);
  };
}

function isSameAsConverted(key: string, value: AttributeValue, attributes: Attributes): boolean {
  if (key === "gen_ai.response.finish_reasons") {
    return Array.isArray(value) && value.length === 1 && value[0] === attributes[SemanticConventions.LLM_FINISH_REASON];
  }
  const convertedAs = CONVERTED_AS[key];
  return convertedAs !== undefined && attributes[convertedAs] === value;
}

/**
 * A message part (`...message.contents.M.message_content.{text,type}`) that adds nothing:
 * - the text of a message whose only part it is, which `...message.content` holds too.
 *   Phoenix renders both forms, so such a message showed twice; `content` is the form its
 *   tool-result view and copy button use;
 * - an empty text part (the AI SDK keeps the empty text a streamed answer starts with,
 *   before a tool call).
 */
function isRedundantPart(key: string, attributes: Attributes): boolean {
  const at = key.indexOf(CONTENTS);
  if (at < 0) return false;
  const message = key.slice(0, at);
  const part = key.slice(at + CONTENTS.length);
  const index = part.slice(0, part.indexOf("."));
  if (part !== `${index}.${CONTENT_TEXT}` && part !== `${index}.${CONTENT_TYPE}`) return false;
  const partOf = (i: string | number, field: string) => attributes[`${message}${CONTENTS}${i}.${field}`];
  if (partOf(index, CONTENT_TYPE) !== "text") return false;
  const text = partOf(index, CONTENT_TEXT);
  if (text === "") return true;
  const content = attributes[`${message}.${SemanticConventions.MESSAGE_CONTENT}`];
  return index === "0" && typeof content === "string" && text === content && partOf(1, CONTENT_TYPE) === undefined;
}
