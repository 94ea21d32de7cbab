import "server-only";
import { BUSY, createConcurrencyCap } from "./concurrency-cap";

/**
 * A small typed client for the few Phoenix REST endpoints the app writes to
 * (annotations, sessions), over plain `fetch`. Why not `@arizeai/phoenix-client`:
 * its newest release here (6.14.2) declares `ai@^6` as a peer and will not install
 * beside `ai@7`; these five calls do not need it. Shapes follow Phoenix's OpenAPI
 * schema (`GET /openapi.json`), checked against Phoenix 20.26.
 *
 * Failures are values, never thrown: Phoenix being down must not crash a caller.
 * Every call goes through one concurrency cap per client; the app has one client
 * (lib/phoenix/app-phoenix-client.ts), so the cap holds for the whole server.
 */

export type AnnotatorKind = "HUMAN" | "LLM" | "CODE";

export type AnnotationResult = { label?: string | null; score?: number | null; explanation?: string | null };

type AnnotationData = {
  name: string;
  annotator_kind: AnnotatorKind;
  result?: AnnotationResult | null;
  /** Upsert key together with name and target: the same identifier updates instead of adding. */
  identifier?: string;
  metadata?: Record<string, unknown> | null;
};

/** `TraceAnnotationData`: `trace_id` is the OpenTelemetry trace id, 32 hex digits. */
export type TraceAnnotation = AnnotationData & { trace_id: string };
/** `SessionAnnotationData`: `session_id` is the `session.id` the spans carry (Phoenix >= 12.0). */
export type SessionAnnotation = AnnotationData & { session_id: string };

/**
 * Phoenix's filter-based DELETE (>= 15.4) takes a project, never a trace or session:
 * without `identifier` it would sweep every annotation of that name in the project.
 * The type requires both, so one call can only remove what its identifier names.
 */
export type AnnotationDeleteFilter = {
  projectName: string;
  name: string;
  identifier: string;
  annotatorKind?: AnnotatorKind;
};

export type PhoenixFailureKind =
  /** connection refused, DNS, TLS: nothing answered */
  | "unreachable"
  | "timeout"
  /** 401 or 403: PHOENIX_API_KEY missing, wrong, or without the rights */
  | "unauthorized"
  /** 404: the trace, session or project is not (yet) in Phoenix */
  | "not_found"
  /** any other 4xx: Phoenix read the request and refused it */
  | "rejected"
  /** 5xx, or an answer that is not what the schema promises */
  | "failed"
  /** not sent: this server already had as many calls to Phoenix in flight as it allows */
  | "busy";

export type PhoenixFailure = { kind: PhoenixFailureKind; status?: number; detail: string };
export type PhoenixResult<T> = { ok: true; value: T } | { ok: false; failure: PhoenixFailure };

export type WriteOptions = {
  /**
   * false (Phoenix's default): queued, retried every 10 s for up to 10 min until the
   * trace/session is ingested. true: written now, `not_found` when it is not there yet.
   */
  sync?: boolean;
};

export type Written = { queued: boolean; ids: string[] };

export type PhoenixClientOptions = {
  /** Phoenix's address, e.g. http://localhost:6006 (`config.phoenix.collectorEndpoint`, already without `/v1/traces`). */
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  /**
   * Calls in flight at most (default 8); one more waits up to `queueWaitMs` (default 1 s)
   * for a slot, then fails as `busy` without being sent. A flood of votes then costs
   * Phoenix a handful of concurrent requests, never hundreds.
   */
  maxConcurrent?: number;
  queueWaitMs?: number;
  fetch?: typeof fetch;
};

export type PhoenixClient = ReturnType<typeof createPhoenixClient>;

const MAX_DETAIL_CHARS = 300;

export function createPhoenixClient({
  baseUrl,
  apiKey,
  timeoutMs = 5_000,
  maxConcurrent = 8,
  queueWaitMs = 1_000,
  fetch: fetchImpl = fetch,
}: PhoenixClientOptions) {
  const root = baseUrl.replace(/\/+$/, "");
  const cap = createConcurrencyCap(maxConcurrent, queueWaitMs);

  async function call(method: string, path: string, body?: unknown): Promise<PhoenixResult<Response>> {
    const sent = await cap.run(() => send(method, path, body));
    if (sent !== BUSY) return sent;
    return failure("busy", `${method} ${path.split("?")[0]}: ${maxConcurrent} calls to Phoenix already in flight; not sent`);
  }

  async function send(method: string, path: string, body?: unknown): Promise<PhoenixResult<Response>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    let response: Response;
    try {
      response = await fetchImpl(`${root}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        return failure("timeout", `no answer from ${root} within ${timeoutMs} ms`);
      }
      return failure("unreachable", `${root}: ${describeCause(error)}`);
    }
    if (response.ok) return { ok: true, value: response };
    const detail = await readDetail(response);
    const status = response.status;
    const kind: PhoenixFailureKind =
      status === 401 || status === 403 ? "unauthorized" : status === 404 ? "not_found" : status < 500 ? "rejected" : "failed";
    return { ok: false, failure: { kind, status, detail: `${method} ${path.split("?")[0]} -> ${status}: ${detail}` } };
  }

  async function write(path: string, data: unknown[], { sync = false }: WriteOptions): Promise<PhoenixResult<Written>> {
    const sent = await call("POST", `${path}?sync=${sync}`, { data });
    if (!sent.ok) return sent;
    // sync=false answers `{ "data": [] }`: queued, no ids yet.
    const parsed = (await sent.value.json().catch(() => null)) as { data?: { id?: unknown }[] } | null;
    if (!parsed || !Array.isArray(parsed.data)) return failure("failed", `${path}: unexpected answer`, sent.value.status);
    return { ok: true, value: { queued: !sync, ids: parsed.data.map((row) => String(row.id)) } };
  }

  async function remove(kind: "trace_annotations" | "session_annotations", filter: AnnotationDeleteFilter) {
    if (!filter.name || !filter.identifier) return failure("rejected", "a delete needs a name and an identifier");
    const query = new URLSearchParams({ name: filter.name, identifier: filter.identifier, delete_all: "true" });
    if (filter.annotatorKind) query.set("annotator_kind", filter.annotatorKind);
    // delete_all=true waives the time window Phoenix otherwise requires; name + identifier still narrow it.
    const sent = await call("DELETE", `/v1/projects/${encodeURIComponent(filter.projectName)}/${kind}?${query}`);
    return sent.ok ? ok(undefined) : sent;
  }

  return {
    baseUrl: root,
    /** POST /v1/trace_annotations: upserts on (name, trace, identifier). */
    annotateTraces: (data: TraceAnnotation[], options: WriteOptions = {}) => write("/v1/trace_annotations", data, options),
    /** DELETE /v1/projects/{project}/trace_annotations (Phoenix >= 15.4). 204 also when nothing matched. */
    deleteTraceAnnotations: (filter: AnnotationDeleteFilter): Promise<PhoenixResult<void>> =>
      remove("trace_annotations", filter),
    /** POST /v1/session_annotations (Phoenix >= 12.0): upserts on (name, session, identifier). */
    annotateSessions: (data: SessionAnnotation[], options: WriteOptions = {}) =>
      write("/v1/session_annotations", data, options),
    /** DELETE /v1/projects/{project}/session_annotations (Phoenix >= 15.4). */
    deleteSessionAnnotations: (filter: AnnotationDeleteFilter): Promise<PhoenixResult<void>> =>
      remove("session_annotations", filter),
    /**
     * DELETE /v1/sessions/{session_id} (Phoenix >= 13.13): the session with all its traces,
     * spans and annotations. A session Phoenix never had (or already deleted) is not a failure.
     */
    async deleteSession(sessionId: string): Promise<PhoenixResult<{ deleted: boolean }>> {
      const sent = await call("DELETE", `/v1/sessions/${encodeURIComponent(sessionId)}`);
      if (sent.ok) return ok({ deleted: true });
      return sent.failure.kind === "not_found" ? ok({ deleted: false }) : sent;
    },
  };
}

function ok<T>(value: T): PhoenixResult<T> {
  return { ok: true, value };
}

function failure(kind: PhoenixFailureKind, detail: string, status?: number): { ok: false; failure: PhoenixFailure } {
  return { ok: false, failure: status === undefined ? { kind, detail } : { kind, status, detail } };
}

/** Phoenix answers errors as text/plain or FastAPI's `{ "detail": ... }`; either way, a short line for the log. */
async function readDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  let detail = text;
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    if (parsed && typeof parsed === "object" && "detail" in parsed) {
      detail = typeof parsed.detail === "string" ? parsed.detail : JSON.stringify(parsed.detail);
    }
  } catch {
    // plain text
  }
  detail = detail.trim() || response.statusText || "no detail";
  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail;
}

/** Node's fetch hides the real reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
}
