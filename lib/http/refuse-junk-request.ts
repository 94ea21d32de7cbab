import { BODY_TOO_LARGE_MESSAGE, MAX_ACTION_BODY_BYTES } from "./body-limit";
import { isKnownActionId } from "./known-action-ids";
import { isPlainActionReply } from "./plain-action-reply";

/**
 * Requests this app never makes, refused in proxy.ts before Next decodes them. Left
 * to Next, each gives a 500 (or worse, a 200 page render for PUT/DELETE) and four to
 * six lines of stack trace, so anyone could flood the log. The legitimate traffic is
 * narrow: GET/HEAD for pages, and POST for Server Actions, whose arguments React
 * encodes as one JSON array in a `text/plain` body (this app's actions take no files).
 *
 * Not catchable here: TRACE, TRACK and CONNECT. Next builds a WHATWG `Request` for the
 * proxy, and Node's fetch refuses those methods, so Next would answer 500 before proxy.ts
 * runs: lib/http/refuse-forbidden-methods.ts answers TRACE and TRACK at the Node server.
 */

export const ALLOWED_METHODS = "GET, HEAD, POST";

/** Next's client throws UnrecognizedActionError on a response with this header. */
const ACTION_NOT_FOUND = "x-nextjs-action-not-found";

/** Next 16's action ids are 42 hex characters (Next itself only checks the length). */
const ACTION_ID = /^[0-9a-f]{42}$/;

/** The answer to a junk request, or null when the request may go on to Next. */
export async function refuseJunkRequest(request: Request): Promise<Response | null> {
  const method = request.method.toUpperCase();
  if (method === "GET" || method === "HEAD") return null;
  if (method !== "POST") return refuse(405, `${method} is not allowed here.`, { Allow: ALLOWED_METHODS });

  const actionId = request.headers.get("next-action");
  if (actionId === null) return refuse(400, "POST is for this app's Server Actions only.");
  if (!ACTION_ID.test(actionId)) {
    return refuse(400, "Invalid Server Action request.", { [ACTION_NOT_FOUND]: "1" });
  }
  if (isKnownActionId(actionId) === false) {
    // Usually a tab opened before a deploy. Next's own answer (409 and this header), without its stack trace.
    return refuse(409, "Server Action unavailable.", { [ACTION_NOT_FOUND]: "1" });
  }

  const origin = request.headers.get("origin");
  const host = expectedHost(request.headers);
  if (origin !== null && !sameHost(origin, host)) {
    console.warn(`[http] refused a cross-origin Server Action: origin ${clip(origin)}, host ${clip(host ?? "(none)")}`);
    return refuse(403, "Cross-origin Server Action requests are refused.");
  }

  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("text/plain")) {
    return refuse(415, "Server Actions here take JSON arguments sent as text/plain.");
  }

  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > MAX_ACTION_BODY_BYTES) return refuse(413, BODY_TOO_LARGE_MESSAGE);
  // No length declared (chunked): count while reading, never holding more than the limit.
  const body = await readAtMost(request, MAX_ACTION_BODY_BYTES);
  if (body === "too large") return refuse(413, BODY_TOO_LARGE_MESSAGE);
  if (!isPlainActionReply(body)) return refuse(400, "The request body is not a Server Action call.");
  return null;
}

/**
 * The host Next checks an action's Origin against: the first `X-Forwarded-Host`, else
 * `Host`. Same rule as Next's own CSRF check, so this never refuses what Next accepts.
 * (An app that sets `serverActions.allowedOrigins` must teach this check the same list.)
 */
function expectedHost(headers: Headers): string | undefined {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || headers.get("host") || undefined;
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === "null") return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

async function readAtMost(request: Request, limit: number): Promise<string | "too large"> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return "too large";
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function refuse(status: number, message: string, headers: Record<string, string> = {}): Response {
  // Exactly `text/plain`: Next's action client shows such a 4xx body as the error message.
  return new Response(message, { status, headers: { "content-type": "text/plain", ...headers } });
}

/** Untrusted header values reach the log short and on one line. */
function clip(value: string): string {
  const flat = value.replace(/[\r\n\t]/g, " ");
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}
