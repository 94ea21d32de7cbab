import { generateTraceConfig, OITracer, type TraceConfig, type TraceConfigOptions } from "@arizeai/openinference-core";
import { ROOT_CONTEXT, type Attributes, type Span, type Tracer } from "@opentelemetry/api";

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
  ["gen_ai.tool.definitions", ["hideInputs", "hideLLMTools"]],
  ["gen_ai.tool.call.arguments", ["hideInputs"]],
  ["tool.parameters", ["hideInputs"]],
  ["gen_ai.output.messages", ["hideOutputs", "hideOutputMessages", "hideOutputText"]],
  ["gen_ai.tool.call.result", ["hideOutputs"]],
];

export type AttributeMasker = (attributes: Attributes) => Attributes;

export function createAttributeMasker(config: MaskingConfig): AttributeMasker {
  const rawKeysToDrop = RAW_CONTENT_KEYS.filter(([, switches]) => switches.some((s) => config[s] === true)).map(
    ([key]) => key,
  );
  const applyOpenInferenceRules = openInferenceRules(config);
  return (attributes) => {
    const masked = applyOpenInferenceRules(attributes);
    for (const key of rawKeysToDrop) delete masked[key];
    return masked;
  };
}

/**
 * openinference-core's masking rules run inside its `OITracer` (its `mask()` is not
 * exported). Starting a span on an OITracer whose inner tracer only records what it
 * is given runs exactly those rules over an attribute set, and nothing else.
 */
function openInferenceRules(config: MaskingConfig): AttributeMasker {
  let captured: Attributes = {};
  const recorder = {
    setAttributes(attributes: Attributes) {
      captured = attributes;
      return this;
    },
  } as unknown as Span;
  const recordingTracer = { startSpan: () => recorder } as unknown as Tracer;
  const tracer = new OITracer({ tracer: recordingTracer, traceConfig: config });
  return (attributes) => {
    captured = {};
    tracer.startSpan("mask", { attributes }, ROOT_CONTEXT);
    const result: Attributes = {};
    for (const [key, value] of Object.entries(captured)) if (value !== undefined) result[key] = value;
    return result;
  };
}
