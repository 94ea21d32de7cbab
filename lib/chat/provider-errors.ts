import "server-only";
import { APICallError, RetryError } from "ai";
import { ChatError } from "./chat-error";

/** What a model/provider failure means for the user: bad key, rate limit, timeout, or down. */
export function chatErrorFromProvider(error: unknown): ChatError {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    if (status === 401 || status === 403) return new ChatError("unauthorized:model", `provider said ${status}`);
    if (status === 429) return new ChatError("rate_limit:model");
    if (status === 408 || status === 504) return new ChatError("timeout:model");
    return new ChatError("unavailable:model", status ? `provider said ${status}` : undefined);
  }
  if (cause instanceof Error && (cause.name === "TimeoutError" || /timed? ?out/i.test(cause.message))) {
    return new ChatError("timeout:model");
  }
  return new ChatError("unavailable:model");
}
