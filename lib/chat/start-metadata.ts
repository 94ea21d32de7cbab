import type { UIMessageChunk } from "ai";
import type { ChatMessageMetadata } from "./chat-message";

/**
 * Adds metadata to the answer's `start` chunk, for values that exist only once the
 * turn has started (the receipt seals its trace id). Cancelling the result cancels
 * the source, so Stop still reaches the turn.
 */
export function withStartMetadata(
  stream: ReadableStream<UIMessageChunk>,
  extra: Partial<ChatMessageMetadata>,
): ReadableStream<UIMessageChunk> {
  return stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      transform(chunk, output) {
        if (chunk.type !== "start") return output.enqueue(chunk);
        const metadata = (chunk.messageMetadata ?? {}) as ChatMessageMetadata;
        output.enqueue({ ...chunk, messageMetadata: { ...metadata, ...extra } });
      },
    }),
  );
}
