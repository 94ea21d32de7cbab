import { trace } from "@opentelemetry/api";

type Flushable = { forceFlush?: () => Promise<void>; getDelegate?: () => unknown };

/**
 * Exports what is queued now. On Vercel a function may be frozen as soon as the
 * response ends, so each turn flushes its spans from `after()`, which Vercel
 * keeps alive through `waitUntil`. Export failures are logged by the pipeline.
 */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as Flushable;
  const delegate = (provider.getDelegate?.() ?? provider) as Flushable;
  try {
    await delegate.forceFlush?.();
  } catch {
    // Logged once by LogFailuresOnceExporter; a flush must never fail a turn.
  }
}
