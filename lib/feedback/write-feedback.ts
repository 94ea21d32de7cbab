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
 * The trap: the queued vote lands when Phoenix's queue retries, and replaces what the user
 * wrote in between: an undo (a DELETE, applied at once, that deleted nothing) and the vote
 * comes back; a comment or a changed vote (seen with Phoenix 20.26: a comment sent right
 * after a queued thumb was lost). So the limiter remembers when a vote was queued, and a
 * write within `QUEUED_VOTE_SETTLE_MS` of it is made once more after the response, once
 * Phoenix's queue has had its retry, unless the user has written again since.
 */

export type VoteWriter = {
  limiter: Pick<Limiter, "noteQueuedVote" | "writeStillStands">;
  /** Next's `after()`: runs once the response has been sent, keeping a serverless function alive for it. */
  afterResponse: (task: () => Promise<void>) => void;
  /** Exports this process's queued spans, so the trace reaches Phoenix now. */
  flushTraces?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
};

/** Who voted on what: the user and the trace or session (`trace:<id>`, `session:<id>`). */
export type VoteTarget = { userId: string; target: string };

/** This write, as the limiter counted it: its id, the store's time, and when a vote on the target was last queued. */
export type VoteWrite = VoteTarget & { writeId: string; at: number; queuedAt: number | null };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function writeVote(
  post: (options: WriteOptions) => Promise<PhoenixResult<Written>>,
  vote: VoteWrite,
  writer: VoteWriter,
): Promise<PhoenixResult<Written>> {
  let sent = await post({ sync: true });
  if (!sent.ok && sent.failure.kind === "not_found") {
    // Noted before it is queued: a write that follows can never miss it.
    await writer.limiter.noteQueuedVote(vote.userId, vote.target);
    sent = await post({ sync: false });
    // A failed export is the exporter's to report; the queued vote lands once the trace does.
    if (sent.ok) writer.afterResponse(async () => void (await writer.flushTraces?.().catch(() => undefined)));
  }
  if (sent.ok) repeatOnceSettled(vote, writer, () => post({ sync: true }));
  return sent;
}

export async function undoVote(remove: () => Promise<PhoenixResult<void>>, vote: VoteWrite, writer: VoteWriter): Promise<PhoenixResult<void>> {
  const removed = await remove();
  // not_found: the project is not in Phoenix yet; a queued vote may still create it and land.
  if (removed.ok || removed.failure.kind === "not_found") repeatOnceSettled(vote, writer, remove);
  return removed;
}

/**
 * After the response: when a vote on the target was queued less than `QUEUED_VOTE_SETTLE_MS`
 * before this write, waits until Phoenix's queue has retried, then makes this write once more
 * if it is still the user's latest. Best effort: a failure leaves what Phoenix has.
 */
function repeatOnceSettled(vote: VoteWrite, writer: VoteWriter, repeat: () => Promise<unknown>): void {
  const settledAt = vote.queuedAt === null ? null : vote.queuedAt + QUEUED_VOTE_SETTLE_MS;
  if (settledAt === null || settledAt <= vote.at) return;
  const sleep = writer.sleep ?? pause;
  writer.afterResponse(async () => {
    await sleep(settledAt - vote.at);
    if (await writer.limiter.writeStillStands(vote.userId, vote.target, vote.writeId)) await repeat().catch(() => undefined);
  });
}
