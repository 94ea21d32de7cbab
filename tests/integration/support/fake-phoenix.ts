import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { decodeTraceRequest, type ReceivedSpan } from "../../support/otlp-protobuf";

/**
 * A local HTTP server speaking the Phoenix REST endpoints the app calls, with the
 * behaviour checked against Phoenix 20.26 (see lib/phoenix/rest-client.ts):
 * - POST /v1/{trace,session}_annotations: 422 on a bad body; `sync=true` 404s (text/plain)
 *   while the target is not ingested, else upserts on (name, target, identifier);
 *   `sync=false` answers `{ data: [] }` and queues: a queued write lands once its target
 *   is ingested (when Phoenix's queue retries, every 10 s: `ingest(..., { queueRetries:
 *   false })` then `retryQueue()`), over whatever is there, a newer write too (seen with
 *   Phoenix 20.26: a comment sent right after a queued thumb was lost).
 * - DELETE /v1/projects/{project}/{trace,session}_annotations: needs `delete_all=true`
 *   (or both time bounds), 404 for an unknown project, filters name/identifier/annotator_kind.
 * - DELETE /v1/sessions/{id}: 204, or 404 for an unknown session.
 * - POST /v1/traces (OTLP protobuf, gzip or not): the spans are kept, and their traces and
 *   sessions count as ingested from then on, as Phoenix's would (an app can point
 *   PHOENIX_COLLECTOR_ENDPOINT here and be seen whole). Not recorded in `requests`.
 * Plus switches for failures: a fixed status for every request, or no answer at all.
 */

export type StoredAnnotation = {
  target: string;
  name: string;
  annotator_kind: string;
  result: { label?: string | null; score?: number | null; explanation?: string | null } | null;
  identifier: string;
  metadata: Record<string, unknown>;
  receivedAt: number;
};

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
};

type Kind = "trace" | "session";

export type FakePhoenix = Awaited<ReturnType<typeof startFakePhoenix>>;

export async function startFakePhoenix(options: { projectName?: string; apiKey?: string } = {}) {
  const projectName = options.projectName ?? "phoenix-session-chat";
  const ingested = { trace: new Set<string>(), session: new Set<string>() };
  const annotations = { trace: [] as StoredAnnotation[], session: [] as StoredAnnotation[] };
  const queue: { kind: Kind; annotation: StoredAnnotation }[] = [];
  const requests: RecordedRequest[] = [];
  const spans: (ReceivedSpan & { receivedAt: number })[] = [];
  let forcedStatus: number | null = null;
  let silent = false;
  let clock = 0;
  const hanging = new Set<ServerResponse>();

  const key = (a: StoredAnnotation) => `${a.name}\n${a.target}\n${a.identifier}`;

  function upsert(kind: Kind, annotation: StoredAnnotation): void {
    const list = annotations[kind];
    const existing = list.findIndex((a) => key(a) === key(annotation));
    if (existing === -1) list.push(annotation);
    else list[existing] = annotation;
  }

  /** What Phoenix's queue does once a target exists (it retries every 10 s). */
  function settleQueue(): void {
    for (let i = 0; i < queue.length; ) {
      const item = queue[i]!;
      if (ingested[item.kind].has(item.annotation.target)) {
        upsert(item.kind, item.annotation);
        queue.splice(i, 1);
      } else i++;
    }
  }

  function validate(kind: Kind, body: unknown): StoredAnnotation[] | string {
    const data = (body as { data?: unknown })?.data;
    if (!Array.isArray(data)) return "body.data: Field required";
    const out: StoredAnnotation[] = [];
    for (const [i, row] of data.entries()) {
      const r = row as Record<string, unknown>;
      const target = r[`${kind}_id`];
      if (typeof target !== "string") return `body.data.${i}.${kind}_id: Field required`;
      if (typeof r.name !== "string") return `body.data.${i}.name: Field required`;
      if (!["LLM", "CODE", "HUMAN"].includes(r.annotator_kind as string)) {
        return `body.data.${i}.annotator_kind: Input should be 'LLM', 'CODE' or 'HUMAN'`;
      }
      const result = (r.result ?? null) as StoredAnnotation["result"];
      if (result !== null && (typeof result !== "object" || Array.isArray(result))) return `body.data.${i}.result: invalid`;
      if (result?.score != null && typeof result.score !== "number") return `body.data.${i}.result.score: invalid`;
      out.push({
        target,
        name: r.name,
        annotator_kind: r.annotator_kind as string,
        result,
        identifier: typeof r.identifier === "string" ? r.identifier : "",
        metadata: (r.metadata as Record<string, unknown>) ?? {},
        receivedAt: ++clock,
      });
    }
    return out;
  }

  function annotate(kind: Kind, request: RecordedRequest, response: ServerResponse): void {
    const rows = validate(kind, request.body);
    if (typeof rows === "string") return json(response, 422, { detail: [{ msg: rows }] });
    if (rows.some((row) => row.name === "note")) return text(response, 400, "The name 'note' is reserved");
    if (request.query.get("sync") === "true") {
      const missing = rows.map((row) => row.target).filter((target) => !ingested[kind].has(target));
      if (missing.length > 0) {
        return text(response, 404, `${kind === "trace" ? "Traces" : "Sessions"} with IDs ${missing.join(", ")} do not exist.`);
      }
      rows.forEach((row) => upsert(kind, row));
      return json(response, 200, { data: rows.map((row) => ({ id: Buffer.from(`${kind}:${row.receivedAt}`).toString("base64") })) });
    }
    rows.forEach((annotation) => queue.push({ kind, annotation }));
    settleQueue();
    json(response, 200, { data: [] });
  }

  function deleteAnnotations(kind: Kind, project: string, query: URLSearchParams, response: ServerResponse): void {
    const bounded = query.has("start_time") && query.has("end_time");
    if (query.get("delete_all") !== "true" && !bounded) {
      return text(response, 422, "Delete is unbounded. Set delete_all=true to acknowledge, or supply both start_time and end_time to bound the time range.");
    }
    if (project !== projectName) return text(response, 404, `Project with name ${project} not found`);
    const name = query.get("name");
    const identifier = query.get("identifier");
    const annotatorKind = query.get("annotator_kind");
    if (name === "" || identifier === "") return text(response, 422, "name and identifier must be non-empty");
    annotations[kind] = annotations[kind].filter(
      (a) =>
        !(
          (name === null || a.name === name) &&
          (identifier === null || a.identifier === identifier) &&
          (annotatorKind === null || a.annotator_kind === annotatorKind)
        ),
    );
    response.writeHead(204).end();
  }

  function route(request: RecordedRequest, response: ServerResponse): void {
    const { method, path } = request;
    if (method === "POST" && path === "/v1/trace_annotations") return annotate("trace", request, response);
    if (method === "POST" && path === "/v1/session_annotations") return annotate("session", request, response);
    const annotationsPath = /^\/v1\/projects\/([^/]+)\/(trace|session)_annotations$/.exec(path);
    if (method === "DELETE" && annotationsPath) {
      return deleteAnnotations(annotationsPath[2] as Kind, decodeURIComponent(annotationsPath[1]!), request.query, response);
    }
    const sessionPath = /^\/v1\/sessions\/([^/]+)$/.exec(path);
    if (method === "DELETE" && sessionPath) {
      const id = decodeURIComponent(sessionPath[1]!);
      if (!ingested.session.delete(id)) return text(response, 404, "Not Found");
      annotations.session = annotations.session.filter((a) => a.target !== id);
      return void response.writeHead(204).end();
    }
    json(response, 404, { detail: "Not Found" });
  }

  function receiveSpans(body: Buffer, incoming: IncomingMessage, response: ServerResponse): void {
    const bytes = incoming.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
    const receivedAt = Date.now();
    for (const span of decodeTraceRequest(bytes)) {
      spans.push({ ...span, receivedAt });
      ingested.trace.add(span.traceId);
      const sessionId = span.attributes["session.id"];
      if (typeof sessionId === "string") ingested.session.add(sessionId);
    }
    settleQueue();
    response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
  }

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://fake");
      if (incoming.method === "POST" && url.pathname === "/v1/traces" && forcedStatus === null && !silent) {
        return receiveSpans(Buffer.concat(chunks), incoming, response);
      }
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // kept as text
      }
      const request = { method: incoming.method ?? "GET", path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
      requests.push(request);
      if (silent) return void hanging.add(response);
      if (forcedStatus !== null) return text(response, forcedStatus, `forced ${forcedStatus}`);
      if (options.apiKey && incoming.headers.authorization !== `Bearer ${options.apiKey}`) {
        return text(response, 401, "Invalid token");
      }
      route(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    /** Every span received over OTLP, in arrival order. */
    spans: () => [...spans],
    /** A trace (and its session) has reached Phoenix; queued writes for it land now, or at `retryQueue()`. */
    ingest(target: { traceId?: string; sessionId?: string }, { queueRetries = true } = {}): void {
      if (target.traceId) ingested.trace.add(target.traceId);
      if (target.sessionId) ingested.session.add(target.sessionId);
      if (queueRetries) settleQueue();
    },
    /** Phoenix's queue retries: the queued writes whose target is ingested land. */
    retryQueue: () => settleQueue(),
    traceAnnotations: (traceId: string) => annotations.trace.filter((a) => a.target === traceId),
    sessionAnnotations: (sessionId: string) => annotations.session.filter((a) => a.target === sessionId),
    queued: () => queue.length,
    /** Every request answers this status from now on (null: normal again). */
    respondWith(status: number | null): void {
      forcedStatus = status;
    },
    /** Every request waits for an answer that never comes (false: normal again). */
    stopAnswering(on = true): void {
      silent = on;
      if (!on) for (const response of hanging) response.destroy();
    },
    close(): Promise<void> {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "text/plain" }).end(body);
}
