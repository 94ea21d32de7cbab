/**
 * The largest Server Action request body the server accepts, in bytes (1 MiB, Next's
 * default, chosen on purpose). One number for three places:
 * - next.config.ts: `experimental.serverActions.bodySizeLimit`;
 * - proxy.ts: a bigger body is refused with 413 before Next decodes it;
 * - the browser: it bounds the history it sends so a request stays below this.
 * A plain constants module (no zod, no server-only): safe to import from client code.
 */
export const MAX_ACTION_BODY_BYTES = 1024 * 1024;

/**
 * The text/plain body of proxy.ts's 413. Next's Server Action client turns a 4xx
 * `text/plain` response into `new Error(<body>)`, so this is exactly the message the
 * browser's action call rejects with.
 */
export const BODY_TOO_LARGE_MESSAGE = `Request too large: a Server Action request may be at most ${MAX_ACTION_BODY_BYTES} bytes.`;

/** True for the error an action call rejects with when proxy.ts refused its body as too large. */
export function isBodyTooLargeError(error: unknown): boolean {
  return error instanceof Error && error.message === BODY_TOO_LARGE_MESSAGE;
}
