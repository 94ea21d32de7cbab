import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPhoenixClient, type TraceAnnotation } from "@/lib/phoenix/rest-client";
import { startFakePhoenix, type FakePhoenix } from "./support/fake-phoenix";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const PROJECT = "phoenix-session-chat";

let phoenix: FakePhoenix;

beforeAll(async () => {
  phoenix = await startFakePhoenix({ projectName: PROJECT, apiKey: "px-key" });
});
afterAll(() => phoenix.close());
beforeEach(() => {
  phoenix.respondWith(null);
  phoenix.stopAnswering(false);
  phoenix.requests.length = 0;
});

const vote = (label: string, score: number, identifier = "user:u:trace:t"): TraceAnnotation => ({
  trace_id: TRACE,
  name: "user_feedback",
  annotator_kind: "HUMAN",
  result: { label, score, explanation: null },
  identifier,
});

describe("the Phoenix REST client", () => {
  it("posts the annotations as { data } with the API key as a Bearer token, and upserts on the identifier", async () => {
    const client = createPhoenixClient({ baseUrl: `${phoenix.url}/`, apiKey: "px-key" });
    phoenix.ingest({ traceId: TRACE });

    const first = await client.annotateTraces([vote("negative", 0)], { sync: true });
    expect(first).toEqual({ ok: true, value: { queued: false, ids: [expect.any(String)] } });
    const sent = phoenix.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/trace_annotations");
    expect(sent.query.get("sync")).toBe("true");
    expect(sent.headers.authorization).toBe("Bearer px-key");
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.body).toEqual({ data: [vote("negative", 0)] });

    await client.annotateTraces([vote("positive", 1)], { sync: true });
    expect(phoenix.traceAnnotations(TRACE)).toHaveLength(1);
    expect(phoenix.traceAnnotations(TRACE)[0]!.result).toMatchObject({ label: "positive", score: 1 });
  });

  it("queues by default (sync=false): Phoenix answers with no ids", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    const written = await client.annotateTraces([vote("positive", 1, "queued")]);
    expect(written).toEqual({ ok: true, value: { queued: true, ids: [] } });
    expect(phoenix.requests[0]!.query.get("sync")).toBe("false");
  });

  it("says not_found when sync=true meets a trace Phoenix has not ingested", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    const written = await client.annotateTraces([{ ...vote("positive", 1), trace_id: "f".repeat(32) }], { sync: true });
    expect(written.ok).toBe(false);
    if (written.ok) return;
    expect(written.failure).toMatchObject({ kind: "not_found", status: 404 });
    expect(written.failure.detail).toContain("do not exist");
  });

  it("deletes by project, name, identifier and annotator kind, acknowledging the unbounded sweep", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    const trace = "1".repeat(32);
    phoenix.ingest({ traceId: trace });
    const on = (annotation: TraceAnnotation) => ({ ...annotation, trace_id: trace });
    await client.annotateTraces([on(vote("positive", 1, "mine")), on(vote("negative", 0, "someone-else"))], { sync: true });
    phoenix.requests.length = 0;

    const removed = await client.deleteTraceAnnotations({ projectName: PROJECT, name: "user_feedback", identifier: "mine", annotatorKind: "HUMAN" });
    expect(removed).toEqual({ ok: true, value: undefined });
    const sent = phoenix.requests[0]!;
    expect(sent.method).toBe("DELETE");
    expect(sent.path).toBe(`/v1/projects/${PROJECT}/trace_annotations`);
    expect(Object.fromEntries(sent.query)).toEqual({ name: "user_feedback", identifier: "mine", delete_all: "true", annotator_kind: "HUMAN" });
    expect(phoenix.traceAnnotations(trace).map((a) => a.identifier)).toEqual(["someone-else"]);
  });

  it("refuses a delete without an identifier rather than sweep a project", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    const removed = await client.deleteSessionAnnotations({ projectName: PROJECT, name: "user_feedback", identifier: "" });
    expect(removed).toMatchObject({ ok: false, failure: { kind: "rejected" } });
    expect(phoenix.requests).toHaveLength(0);
  });

  it("writes and deletes session annotations", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    phoenix.ingest({ sessionId: "s-1" });
    const annotation = { session_id: "s-1", name: "user_feedback", annotator_kind: "HUMAN" as const, result: { label: "negative", score: 0 }, identifier: "me" };
    expect((await client.annotateSessions([annotation], { sync: true })).ok).toBe(true);
    expect(phoenix.requests[0]!.path).toBe("/v1/session_annotations");
    expect(phoenix.sessionAnnotations("s-1")).toHaveLength(1);
    await client.deleteSessionAnnotations({ projectName: PROJECT, name: "user_feedback", identifier: "me" });
    expect(phoenix.requests[1]!.path).toBe(`/v1/projects/${PROJECT}/session_annotations`);
    expect(phoenix.sessionAnnotations("s-1")).toHaveLength(0);
  });

  it("deletes a session; one Phoenix never had is not a failure", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    phoenix.ingest({ sessionId: "s-del" });
    expect(await client.deleteSession("s-del")).toEqual({ ok: true, value: { deleted: true } });
    expect(phoenix.requests[0]).toMatchObject({ method: "DELETE", path: "/v1/sessions/s-del" });
    expect(await client.deleteSession("s-del")).toEqual({ ok: true, value: { deleted: false } });
  });

  it("types each failure: 401 and 403, another 4xx, 5xx", async () => {
    const noKey = createPhoenixClient({ baseUrl: phoenix.url });
    expect(await noKey.annotateTraces([vote("positive", 1)])).toMatchObject({ ok: false, failure: { kind: "unauthorized", status: 401 } });
    expect(phoenix.requests[0]!.headers.authorization).toBeUndefined();

    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    for (const [status, kind] of [[403, "unauthorized"], [422, "rejected"], [500, "failed"], [503, "failed"]] as const) {
      phoenix.respondWith(status);
      const result = await client.annotateTraces([vote("positive", 1)]);
      expect(result).toMatchObject({ ok: false, failure: { kind, status } });
    }
  });

  it("reads FastAPI's { detail } and plain text into a short detail", async () => {
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key" });
    const result = await client.annotateTraces([{ ...vote("positive", 1), annotator_kind: "ROBOT" as "HUMAN" }]);
    expect(result).toMatchObject({ ok: false, failure: { kind: "rejected", status: 422 } });
    if (!result.ok) expect(result.failure.detail).toContain("annotator_kind");
  });

  it("gives up after its time limit when Phoenix does not answer", async () => {
    phoenix.stopAnswering();
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key", timeoutMs: 200 });
    expect(await client.annotateTraces([vote("positive", 1)])).toMatchObject({ ok: false, failure: { kind: "timeout" } });
  });

  it("caps the calls in flight: one more waits briefly for a slot, then fails as busy without being sent", async () => {
    phoenix.stopAnswering();
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key", timeoutMs: 2_000, maxConcurrent: 2, queueWaitMs: 100 });
    const results = await Promise.all(Array.from({ length: 20 }, () => client.annotateTraces([vote("positive", 1)])));
    // Only two ever reached Phoenix; the rest never left this server.
    expect(phoenix.requests).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.failure.kind === "timeout")).toHaveLength(2);
    const busy = results.filter((r) => !r.ok && r.failure.kind === "busy");
    expect(busy).toHaveLength(18);
    if (!busy[0]!.ok) expect(busy[0]!.failure.detail).toMatch(/2 calls to Phoenix already in flight; not sent/);
  });

  it("hands a freed slot to a waiting call, in order, so a short burst is not refused", async () => {
    phoenix.ingest({ traceId: TRACE });
    const client = createPhoenixClient({ baseUrl: phoenix.url, apiKey: "px-key", maxConcurrent: 1, queueWaitMs: 5_000 });
    const results = await Promise.all(Array.from({ length: 4 }, () => client.annotateTraces([vote("positive", 1)], { sync: true })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(phoenix.requests).toHaveLength(4);
  });

  it("says unreachable when nothing listens", async () => {
    const port = await closedPort();
    const client = createPhoenixClient({ baseUrl: `http://127.0.0.1:${port}` });
    const result = await client.deleteSession("s");
    expect(result).toMatchObject({ ok: false, failure: { kind: "unreachable" } });
    if (!result.ok) expect(result.failure.detail).toContain("ECONNREFUSED");
  });
});

/** A port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
