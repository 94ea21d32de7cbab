import type { SecretScrubber } from "@/lib/tracing/secret-scrubber";

/**
 * One log line for an unexpected error, secrets taken out. `console.error(prefix, error)`
 * would print the error object as Node formats it (message, stack, `cause`, extra fields
 * such as a request's headers) past any scrubber: a provider error that echoes the API key
 * would land in the server log verbatim.
 */
export function errorLine(prefix: string, error: unknown, scrub: SecretScrubber): string {
  return `${prefix}: ${scrub(describe(error))}`;
}

function describe(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return typeof error === "string" ? error : safeJson(error);
  const text = error.stack ?? `${error.name}: ${error.message}`;
  // The cause often holds the real reason (ECONNREFUSED under a fetch failure); three levels are plenty.
  return error.cause !== undefined && depth < 3 ? `${text}\n  caused by ${describe(error.cause, depth + 1)}` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
