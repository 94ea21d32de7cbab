import type { UIMessageChunk } from "ai";
import type { TurnEnding, TurnSpan } from "./turn-span";

/**
 * Ends a turn span when the AI SDK UI message stream it traces ends: the hard part
 * of tracing a *streamed* answer. The span must outlive the function that started
 * it (the stream is still being read after the Server Action or route returned),
 * and it must end exactly once, however the stream ends:
 *
 *   completed   the source stream finished
 *   stopped     the reader cancelled (Stop button, closed tab): generation is aborted too
 *   failed      the source errored, or `failure()` reports the provider's error
 *               (streamText reports it through `onError` while the UI stream ends normally)
 *   failed      after `timeoutMs` the turn is aborted with a `TimeoutError`
 *
 * The output is the whole answer (the text of every step, joined), and the span is
 * never ended before the source stream has ended, so its output is never cut short.
 */

export type TraceUIMessageStreamOptions<CHUNK extends UIMessageChunk = UIMessageChunk> = {
  /** The controller whose signal the model call got (`streamText({ abortSignal })`): Stop and the timeout abort it. */
  abortController: AbortController;
  /** After this long the turn is aborted with a `DOMException` named `TimeoutError` and ends `failed`. Default: no limit. */
  timeoutMs?: number;
  /**
   * Returns the turn's real error, if any: e.g. the one streamText's `onError` saw. The UI
   * stream itself ends normally after an error chunk, so without this a failed turn
   * would look completed.
   */
  failure?: () => unknown;
  /** Sent instead of the SDK's `abort` chunk when the turn timed out, so the reader sees a timeout, not a Stop. */
  timeoutChunk?: CHUNK;
};

export type TracedUIMessageStream<CHUNK extends UIMessageChunk = UIMessageChunk> = {
  /** The source's chunks, for the browser. Cancelling it stops the turn. */
  stream: ReadableStream<CHUNK>;
  /** Settles (never rejects) once the turn span has ended, with how it ended. */
  finished: Promise<TurnEnding>;
};

/** The reason `timeoutMs` aborts with: `reason.name === "TimeoutError"`. */
export function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === "TimeoutError";
}

export function traceUIMessageStream<CHUNK extends UIMessageChunk = UIMessageChunk>(
  turn: TurnSpan,
  source: ReadableStream<CHUNK>,
  options: TraceUIMessageStreamOptions<CHUNK>,
): TracedUIMessageStream<CHUNK> {
  const { abortController: controller } = options;
  const reader = source.getReader();
  const timeout =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new DOMException("The turn took too long", "TimeoutError")), options.timeoutMs);
  let answer = "";
  let streamError: unknown;
  let stoppedByReader = false;
  let settle!: (ending: TurnEnding) => void;
  const finished = new Promise<TurnEnding>((resolve) => (settle = resolve));

  const timedOut = () => isTimeout(controller.signal.reason);
  const ending = (): TurnEnding => {
    const error = options.failure?.() ?? streamError ?? (timedOut() ? controller.signal.reason : undefined);
    if (error !== undefined) return { outcome: "failed", output: answer, error };
    if (stoppedByReader || controller.signal.aborted) return { outcome: "stopped", output: answer };
    return { outcome: "completed", output: answer };
  };
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timeout);
    const end = ending();
    turn.end(end);
    settle(end);
  };

  const stream = new ReadableStream<CHUNK>({
    async pull(output) {
      try {
        const next = await reader.read();
        if (next.done) {
          finish();
          output.close();
          return;
        }
        const chunk = next.value;
        if (chunk.type === "text-delta") answer += chunk.delta;
        // The SDK reports our time limit as an abort; the reader should see a timeout.
        output.enqueue(chunk.type === "abort" && timedOut() && options.timeoutChunk ? options.timeoutChunk : chunk);
      } catch (error) {
        streamError ??= error;
        finish();
        output.error(error);
      }
    },
    cancel(reason) {
      // The reader went away (Stop, closed tab): stop generating too.
      stoppedByReader = true;
      controller.abort(reason);
      void reader.cancel(reason).catch(() => undefined);
      finish();
    },
  });

  return { stream, finished };
}
