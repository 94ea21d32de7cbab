import "server-only";
import { QUEUED_VOTE_SETTLE_MS, type Limiter } from "@/lib/limits/limiter";
import type { PhoenixResult, Written, WriteOptions } from "@/lib/phoenix/rest-client";

/**
 * Writing a vote (or a rating) to Phoenix, and taking it back, with at most one retry
 * and nothing held open while Phoenix ingests a trace.
 *
 * A vote right after an answer often finds its trace not yet in Phoenix (a batch
 * exporter holds spans up to 5 s): `sync=true` answers 404. The one retry is `sync=false`,
 * sent at once: Phoenix queues it and retries it every 10 s until the trace is ingested.
 * The user is answered then; this server's waiting spans are sent after the answer.
 *
 * The trap: an undo (a DELETE, applied at once) that comes while such a vote is still in
 * Phoenix's queue deletes nothing, and the queued vote lands afterwards: the vote comes
 * back. So the limiter remembers when a vote was queued, and an undo within
 * `QUEUED_VOTE_SETTLE_MS` of it deletes once more after the response, once Phoenix's
 * queue has had its retry, unless the user has voted again since.
 */

export type VoteWriter = {
  limiter: Pick<Limiter, "noteQueuedVote" | "undoStillStands">;
  /** Next's `after()`: runs once the response has been sent, keeping a serverless function alive for it. */
  afterResponse: (task: () => Promise<void>) => void;
  /** Exports this process's queued spans, so the trace reaches Phoenix now. */
  flushTraces?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
};

/** Who voted on what: the user and the trace or session (`trace:<id>`, `session:<id>`). */
export type VoteTarget = { userId: string; target: string };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function writeVote(
  post: (options: WriteOptions) => Promise<PhoenixResult<Written>>,
  vote: VoteTarget,
  writer: VoteWriter,
): Promise<PhoenixResult<Written>> {
  const written = await post({ sync: true });
  if (written.ok || written.failure.kind !== "not_found") return written;
  // Noted before it is queued: an undo that follows can never miss it.
  await writer.limiter.noteQueuedVote(vote.userId, vote.target);
  const queued = await post({ sync: false });
  // A failed export is the exporter's to report; the queued vote lands once the trace does.
  if (queued.ok) writer.afterResponse(async () => void (await writer.flushTraces?.().catch(() => undefined)));
  return queued;
}

export async function undoVote(
  remove: () => Promise<PhoenixResult<void>>,
  vote: VoteTarget & { undoId: string; undoneAt: number; queuedAt: number | null },
  writer: VoteWriter,
): Promise<PhoenixResult<void>> {
  const removed = await remove();
  const settledAt = vote.queuedAt === null ? null : vote.queuedAt + QUEUED_VOTE_SETTLE_MS;
  // not_found: the project is not in Phoenix yet; a queued vote may still create it and land.
  const done = removed.ok || removed.failure.kind === "not_found";
  if (done && settledAt !== null && settledAt > vote.undoneAt) {
    const sleep = writer.sleep ?? pause;
    writer.afterResponse(async () => {
      await sleep(settledAt - vote.undoneAt);
      if (await writer.limiter.undoStillStands(vote.userId, vote.target, vote.undoId)) await remove();
    });
  }
  return removed;
}
