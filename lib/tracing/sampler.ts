import type { Attributes, Context, SpanKind } from "@opentelemetry/api";
import { SamplingDecision, type Sampler, type SamplingResult } from "@opentelemetry/sdk-trace-base";

/**
 * Next.js starts about ten spans of its own per request (`POST /`, `middleware`,
 * `resolve page components`, ...). Only OpenInference spans are exported, so
 * recording Next's spans is work thrown away: this sampler declines them at
 * creation, which makes them free. Everything else is recorded.
 */
export class SkipNextJsSpansSampler implements Sampler {
  shouldSample(_context: Context, _traceId: string, _name: string, _kind: SpanKind, attributes: Attributes): SamplingResult {
    return { decision: attributes["next.span_type"] === undefined ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return "SkipNextJsSpansSampler";
  }
}
