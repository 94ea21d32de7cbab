import { z } from "zod";

/**
 * The parts of Phoenix's REST answers the evaluation reads, checked with zod at the
 * boundary (from Phoenix 20.26's `GET /openapi.json`; extra fields are ignored).
 */

const SessionTrace = z.object({ trace_id: z.string(), start_time: z.string() });
const SessionRow = z.object({
  session_id: z.string(),
  start_time: z.string(),
  end_time: z.string(),
  traces: z.array(SessionTrace),
});
export const SessionsPage = z.object({ data: z.array(SessionRow), next_cursor: z.string().nullish() });

const SpanRow = z.object({
  name: z.string(),
  context: z.object({ trace_id: z.string(), span_id: z.string() }),
  parent_id: z.string().nullish(),
  start_time: z.string(),
  status_code: z.string(),
  status_message: z.string().nullish(),
  // Flattened, dotted keys: `input.value`, `metadata.tier`.
  attributes: z.record(z.string(), z.unknown()).nullish(),
});
export const SpansPage = z.object({ data: z.array(SpanRow), next_cursor: z.string().nullish() });

const Result = z.object({ label: z.string().nullish(), score: z.number().nullish(), explanation: z.string().nullish() });
const AnnotationRow = z.object({
  name: z.string(),
  annotator_kind: z.string(),
  identifier: z.string().nullish(),
  result: Result.nullish(),
});
export const TraceAnnotationsPage = z.object({
  data: z.array(AnnotationRow.extend({ trace_id: z.string() })),
  next_cursor: z.string().nullish(),
});
export const SessionAnnotationsPage = z.object({
  data: z.array(AnnotationRow.extend({ session_id: z.string() })),
  next_cursor: z.string().nullish(),
});
export const Written = z.object({ data: z.array(z.object({ id: z.string() })) });

export type PhoenixSessionRow = z.infer<typeof SessionRow>;
export type PhoenixSpan = z.infer<typeof SpanRow>;
export type PhoenixTraceAnnotation = z.infer<typeof TraceAnnotationsPage>["data"][number];
export type PhoenixSessionAnnotation = z.infer<typeof SessionAnnotationsPage>["data"][number];

/** `SessionAnnotationData` in Phoenix's schema. */
export type SessionAnnotationData = {
  session_id: string;
  name: string;
  annotator_kind: "CODE" | "LLM" | "HUMAN";
  result: { label: string | null; score: number | null; explanation: string | null };
  identifier: string;
  metadata: Record<string, unknown>;
};
