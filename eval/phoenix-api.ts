import { z } from "zod";
import {
  SessionAnnotationsPage,
  SessionsPage,
  SpansPage,
  TraceAnnotationsPage,
  Written,
  type PhoenixSessionRow,
  type SessionAnnotationData,
} from "./phoenix-schemas";

export type {
  PhoenixSessionAnnotation,
  PhoenixSessionRow,
  PhoenixSpan,
  PhoenixTraceAnnotation,
  SessionAnnotationData,
} from "./phoenix-schemas";

/**
 * The Phoenix REST routes the evaluation reads and writes, over plain `fetch`, each
 * answer checked with zod. Shapes from Phoenix 20.26's `GET /openapi.json`.
 * (The app's lib/phoenix/rest-client.ts is server-only and covers writes only.)
 *
 * Unlike the app's client, failures throw: a CLI that cannot read Phoenix has
 * nothing to do but say why and stop.
 */

export type PhoenixErrorKind = "unreachable" | "timeout" | "unauthorized" | "not_found" | "rejected" | "failed";

export class PhoenixError extends Error {
  override name = "PhoenixError";
  constructor(
    readonly kind: PhoenixErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | string[] | undefined>;

export type PhoenixApi = ReturnType<typeof createPhoenixApi>;

// Phoenix reads list filters as repeated parameters; 100 trace ids keep a URL near 5 KB.
const IDS_PER_REQUEST = 100;

export function createPhoenixApi(options: { baseUrl: string; apiKey?: string; timeoutMs?: number }) {
  const { baseUrl, apiKey, timeoutMs = 30_000 } = options;
  const project = (name: string) => `/v1/projects/${encodeURIComponent(name)}`;

  async function request<T>(schema: z.ZodType<T>, method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const url = new URL(`${baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(one));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new PhoenixError("timeout", `Phoenix at ${baseUrl} did not answer within ${timeoutMs / 1000} s`);
      }
      // Node's fetch hides the real reason (ECONNREFUSED, ENOTFOUND) in `cause`.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PhoenixError("unreachable", `cannot reach Phoenix at ${baseUrl} (${cause?.code ?? cause?.message ?? String(error)})`);
    }
    const text = await response.text();
    if (!response.ok) {
      const status = response.status;
      const kind: PhoenixErrorKind =
        status === 401 || status === 403 ? "unauthorized" : status === 404 ? "not_found" : status < 500 ? "rejected" : "failed";
      throw new PhoenixError(kind, `${method} ${path} -> ${status}: ${detailOf(text)}`, status);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PhoenixError("failed", `${method} ${path}: the answer is not JSON (is ${baseUrl} Phoenix?)`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new PhoenixError("failed", `${method} ${path}: unexpected answer (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  }

  /** Follows `next_cursor` until there is none (or the caller stops reading). */
  async function* pages<Row>(
    fetchPage: (cursor: string | undefined) => Promise<{ data: Row[]; next_cursor?: string | null }>,
  ): AsyncGenerator<Row> {
    let cursor: string | undefined;
    do {
      const page = await fetchPage(cursor);
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  async function collect<Row>(ids: string[], fetchAll: (chunk: string[]) => AsyncGenerator<Row>): Promise<Row[]> {
    const rows: Row[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
      for await (const row of fetchAll(ids.slice(i, i + IDS_PER_REQUEST))) rows.push(row);
    }
    return rows;
  }

  return {
    baseUrl,
    /** GET /v1/projects/{name}: throws `not_found` when there is no such project. */
    getProject: (name: string) => request(z.object({ data: z.object({ id: z.string(), name: z.string() }) }), "GET", project(name)),

    async listProjectNames(): Promise<string[]> {
      const page = await request(z.object({ data: z.array(z.object({ name: z.string() })) }), "GET", "/v1/projects", { limit: 100 });
      return page.data.map((p) => p.name);
    },

    /**
     * GET /v1/projects/{name}/sessions, newest first (by when Phoenix first saw them),
     * with a session filter expression (`end_time >= '...'`, `session_id == "..."`).
     */
    async *listSessions(projectName: string, filter: string | undefined, pageSize = 100): AsyncGenerator<PhoenixSessionRow> {
      yield* pages((cursor) =>
        request(SessionsPage, "GET", `${project(projectName)}/sessions`, { order: "desc", limit: pageSize, cursor, filter }),
      );
    },

    /** The root spans (`parent_id=null`) of these traces: one per turn, as Phoenix's Sessions view shows them. */
    rootSpans: (projectName: string, traceIds: string[]) =>
      collect(traceIds, (chunk) =>
        pages((cursor) =>
          request(SpansPage, "GET", `${project(projectName)}/spans`, { trace_id: chunk, parent_id: "null", limit: 1000, cursor }),
        ),
      ),

    traceAnnotations: (projectName: string, traceIds: string[], names: string[]) =>
      collect(traceIds, (chunk) =>
        pages((cursor) =>
          request(TraceAnnotationsPage, "GET", `${project(projectName)}/trace_annotations`, {
            trace_ids: chunk,
            include_annotation_names: names,
            limit: 1000,
            cursor,
          }),
        ),
      ),

    sessionAnnotations: (projectName: string, sessionIds: string[], names?: string[]) =>
      collect(sessionIds, (chunk) =>
        pages((cursor) =>
          request(SessionAnnotationsPage, "GET", `${project(projectName)}/session_annotations`, {
            session_ids: chunk,
            include_annotation_names: names,
            limit: 1000,
            cursor,
          }),
        ),
      ),

    /**
     * POST /v1/session_annotations?sync=true: written now, in one transaction, or not
     * at all (404 when a session is missing). Upserts on (name, session, identifier).
     */
    async annotateSessions(data: SessionAnnotationData[]): Promise<string[]> {
      if (data.length === 0) return [];
      const written = await request(Written, "POST", "/v1/session_annotations", { sync: "true" }, { data });
      return written.data.map((row) => row.id);
    },
  };
}

/** Phoenix answers errors as text/plain or FastAPI's `{ "detail": ... }`; either way, one short line. */
function detailOf(text: string): string {
  let detail = text;
  try {
    const parsed = JSON.parse(text) as { detail?: unknown };
    if (parsed && typeof parsed === "object" && "detail" in parsed) {
      detail = typeof parsed.detail === "string" ? parsed.detail : JSON.stringify(parsed.detail);
    }
  } catch {
    // plain text
  }
  detail = detail.trim() || "no detail";
  return detail.length > 300 ? `${detail.slice(0, 300)}…` : detail;
}
