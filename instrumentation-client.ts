import { config } from "zod/v4/core";

/**
 * Runs in the browser before the app becomes interactive (Next's client instrumentation).
 *
 * zod (in the AI SDK's useChat and in our schemas) probes whether it may compile
 * validators with `new Function("")`. The page's Content-Security-Policy forbids eval,
 * so the probe fails as intended, but the browser still reports a CSP violation on
 * every page load. Telling zod up front not to compile skips the probe; the
 * interpreted validators are plenty fast for chat-sized messages.
 */
config({ jitless: true });
