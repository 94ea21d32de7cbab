import "server-only";
import type { PhoenixResult, Written, WriteOptions } from "@/lib/phoenix/rest-client";

/**
 * Writes an annotation so that a later undo cannot be overtaken by it.
 *
 * The trap: `sync=false` queues a vote whose trace Phoenix has not ingested yet and
 * retries it every 10 s. An undo (a DELETE, applied at once) in that window deletes
 * nothing, then the queued vote lands: the vote comes back. A change is safe either
 * way (Phoenix keeps the newest by time received), a delete is not. So: write with
 * `sync=true`; when the trace is not there yet, send our own queued spans (a batch
 * exporter holds them up to 5 s) and try again a few times; only then fall back to
 * Phoenix's queue, which keeps a lone vote safe until the trace arrives.
 */

export type WriteWithWaitOptions = {
  /** Exports this process's queued spans, so the trace reaches Phoenix now. */
  flushTraces?: () => Promise<void>;
  /** Pauses between `sync=true` attempts while the target is not ingested. */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
};

export const DEFAULT_INGEST_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000] as const;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function writeOnceIngested(
  post: (options: WriteOptions) => Promise<PhoenixResult<Written>>,
  { flushTraces, retryDelaysMs = DEFAULT_INGEST_RETRY_DELAYS_MS, sleep = pause }: WriteWithWaitOptions = {},
): Promise<PhoenixResult<Written>> {
  let written = await post({ sync: true });
  if (written.ok || written.failure.kind !== "not_found") return written;
  // A failed export is the exporter's to report; the retries below still run.
  await flushTraces?.().catch(() => undefined);
  for (const delay of retryDelaysMs) {
    await sleep(delay);
    written = await post({ sync: true });
    if (written.ok || written.failure.kind !== "not_found") return written;
  }
  return post({ sync: false });
}
