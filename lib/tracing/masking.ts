import { generateTraceConfig, OITracer, type TraceConfig, type TraceConfigOptions } from "@arizeai/openinference-core";
import { ROOT_CONTEXT, type AttributeValue, type Attributes, type Span, type Tracer } from "@opentelemetry/api";

/**
 * OpenInference's masking switches (`hideInputs`, `hideOutputs`, ..., the same as the
 * `OPENINFERENCE_HIDE_*` variables) for every span, the AI SDK's included.
 * openinference-vercel applies no masking, so we mask after it has converted a span,
 * right before export. This folder never reads the environment: the app parses the
 * variables and passes the switches in.
 */

export type MaskingConfig = TraceConfig;
/** Any subset of the switches; the rest keep OpenInference's defaults (everything shown). */
export type MaskingOptions = TraceConfigOptions;

/** The full config from the switches given, OpenInference's defaults for the rest, and no environment. */
export function resolveMaskingConfig(options: MaskingOptions = {}): MaskingConfig {
  // Called with no argument, generateTraceConfig returns the defaults without reading the
  // environment; with an object it would fill the gaps from OPENINFERENCE_HIDE_*.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...generateTraceConfig(), ...given };
}

export function isMaskingOn(config: MaskingConfig): boolean {
  return Object.entries(config).some(([key, value]) => key.startsWith("hide") && value === true);
}

/**
 * The raw AI SDK (`gen_ai.*`) attributes that carry message content. OpenInference's
 * rules only know its own keys (`input.value`, `llm.input_messages.*`, ...), so these
 * are ours. Each is dropped when any of its switches is on.
 */
const RAW_CONTENT_KEYS: ReadonlyArray<[key: string, switches: ReadonlyArray<keyof MaskingConfig>]> = [
  ["gen_ai.input.messages", ["hideInputs", "hideInputMessages", "hideInputText"]],
  ["gen_ai.system_instructions", ["hideInputs", "hideInputMessages", "hideInputText", "hidePrompts"]],
  // openinference-genai's copy of the system instructions.
  ["metadata.gen_ai.system_instructions", ["hideInputs", "hideInputMessages", "hideInputText", "hidePrompts"]],
  ["gen_ai.tool.definitions", ["hideInputs", "hideLLMTools"]],
  ["gen_ai.tool.call.arguments", ["hideInputs"]],
  ["tool.parameters", ["hideInputs"]],
  ["gen_ai.output.messages", ["hideOutputs", "hideOutputMessages", "hideOutputText"]],
  ["gen_ai.tool.call.result", ["hideOutputs"]],
];

export type AttributeMasker = (attributes: Attributes) => Attributes;
/** One attribute masked: its new value, or `undefined` when it must not be exported. */
export type KeyMasker = (key: string, value: AttributeValue) => AttributeValue | undefined;

/** The masking of a whole attribute set, for callers that have one; the export pass masks key by key. */
export function createAttributeMasker(config: MaskingConfig): AttributeMasker {
  const maskKey = createKeyMasker(config);
  return (attributes) => {
    const masked: Attributes = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined) continue;
      const kept = maskKey ? maskKey(key, value) : value;
      if (kept !== undefined) masked[key] = kept;
    }
    return masked;
  };
}

/**
 * OpenInference's rules for one attribute, plus our raw `gen_ai.*` keys; `undefined` when
 * no switch is on, so the export pass skips masking altogether.
 *
 * openinference-core's `mask()` is not exported; it runs inside its `OITracer`. One span
 * started once on an OITracer whose inner tracer only records what it is given applies
 * exactly those rules to each `setAttribute`, and nothing else.
 */
export function createKeyMasker(config: MaskingConfig): KeyMasker | undefined {
  if (!isMaskingOn(config)) return undefined;
  const rawKeysToDrop = new Set(
    RAW_CONTENT_KEYS.filter(([, switches]) => switches.some((s) => config[s] === true)).map(([key]) => key),
  );
  let captured: AttributeValue | undefined;
  const recorder = {
    setAttribute(_key: string, value: AttributeValue) {
      captured = value;
      return this;
    },
    setAttributes() {
      return this;
    },
  } as unknown as Span;
  const recordingTracer = { startSpan: () => recorder } as unknown as Tracer;
  const span = new OITracer({ tracer: recordingTracer, traceConfig: config }).startSpan("mask", {}, ROOT_CONTEXT);
  return (key, value) => {
    if (rawKeysToDrop.has(key)) return undefined;
    captured = undefined;
    span.setAttribute(key, value);
    return captured;
  };
}
