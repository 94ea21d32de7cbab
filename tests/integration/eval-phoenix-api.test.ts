import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPhoenixApi, PhoenixError } from "@/eval/phoenix-api";
import { checkProject, EvalFatalError, selectSessions } from "@/eval/read-sessions";
import { freePort } from "../e2e/support/processes";

/**
 * The eval's Phoenix client over real HTTP, against a local server that answers as
 * the test says: the requests it sends (auth, repeated list parameters, cursors,
 * filters) and each kind of failure, as the person running the command reads it.
 * (The e2e test runs it against a real Phoenix.)
 */

type Seen = { method: string; path: string; query: URLSearchParams; authorization: string | undefined };
let answer: (seen: Seen, res: ServerResponse) => void;
const seen: Seen[] = [];
let server: Server;
let baseUrl = "";

const json = (res: ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const request = { method: req.method ?? "", path: url.pathname, query: url.searchParams, authorization: req.headers.authorization };
    seen.push(request);
    req.resume();
    answer(request, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

const session = (id: string) => ({ id: `g-${id}`, session_id: id, project_id: "p", start_time: "2026-07-01T10:00:00+00:00", end_time: "2026-07-01T10:01:00+00:00", traces: [] });

describe("requests", () => {
  it("sends the API key, repeats list parameters, asks for 100 trace ids at a time and follows cursors", async () => {
    answer = ({ query }, res) => {
      const ids = query.getAll("trace_id");
      // The first chunk comes back in two pages.
      if (ids[0] === "t0" && !query.get("cursor")) return json(res, { data: [span(ids[0])], next_cursor: "page-2" });
      json(res, { data: ids.slice(query.get("cursor") ? 1 : 0).map(span), next_cursor: null });
    };
    const api = createPhoenixApi({ baseUrl, apiKey: "px-key" });
    const ids = Array.from({ length: 250 }, (_, i) => `t${i}`);
    const spans = await api.rootSpans("my chat", ids);

    expect(spans.map((s) => s.context.trace_id)).toEqual(ids);
    expect(seen.map((s) => [s.path, s.query.getAll("trace_id").length, s.query.get("cursor")])).toEqual([
      ["/v1/projects/my%20chat/spans", 100, null],
      ["/v1/projects/my%20chat/spans", 100, "page-2"],
      ["/v1/projects/my%20chat/spans", 100, null],
      ["/v1/projects/my%20chat/spans", 50, null],
    ]);
    expect(seen.every((s) => s.authorization === "Bearer px-key" && s.query.get("parent_id") === "null")).toBe(true);
  });

  it("selects sessions with Phoenix's filter language, newest first, and stops at --limit", async () => {
    answer = ({ query }, res) =>
      query.get("cursor") ? json(res, { data: [session("c"), session("d")], next_cursor: null }) : json(res, { data: [session("a"), session("b")], next_cursor: "next" });
    const api = createPhoenixApi({ baseUrl });
    const since = new Date("2026-07-01T00:00:00Z");
    const rows = await selectSessions(api, "chat", { since, limit: 3, sessionId: 'it\'s "odd"' });
    expect(rows.map((r) => r.session_id)).toEqual(["a", "b", "c"]);
    expect(seen[0]!.query.get("order")).toBe("desc");
    expect(seen[0]!.query.get("limit")).toBe("3");
    expect(seen[0]!.query.get("filter")).toBe(`session_id == "it's \\"odd\\"" and end_time >= '2026-07-01T00:00:00.000Z'`);
    expect(seen[0]!.authorization).toBeUndefined();
  });

  it("a session id that matches nothing stops the run with its name", async () => {
    answer = (_, res) => json(res, { data: [], next_cursor: null });
    await expect(selectSessions(createPhoenixApi({ baseUrl }), "chat", { sessionId: "nope" })).rejects.toThrow(
      new EvalFatalError('Project "chat" has no session "nope".'),
    );
  });
});

describe("failures", () => {
  const kindOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(PhoenixError);
    return { kind: (error as PhoenixError).kind, message: (error as PhoenixError).message };
  };

  it("each HTTP answer maps to a kind, with Phoenix's own words", async () => {
    const api = createPhoenixApi({ baseUrl });
    answer = (_, res) => res.writeHead(404, { "content-type": "text/plain" }).end("Project with name x not found");
    expect(await kindOf(api.getProject("x"))).toEqual({ kind: "not_found", message: "GET /v1/projects/x -> 404: Project with name x not found" });
    answer = (_, res) => json(res, { detail: "Invalid token" }, 401);
    expect(await kindOf(api.getProject("x"))).toEqual({ kind: "unauthorized", message: "GET /v1/projects/x -> 401: Invalid token" });
    answer = (_, res) => res.writeHead(503).end("");
    expect((await kindOf(api.getProject("x"))).kind).toBe("failed");
    answer = (_, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>not phoenix</html>");
    expect((await kindOf(api.getProject("x"))).message).toMatch(/the answer is not JSON \(is http:\/\/127\.0\.0\.1:\d+ Phoenix\?\)/);
    answer = (_, res) => json(res, { data: { name: "x" } });
    expect((await kindOf(api.getProject("x"))).message).toMatch(/unexpected answer/);
  });

  it("nothing listening: unreachable, and the run's message says what to check", async () => {
    const api = createPhoenixApi({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const error = await checkProject(api, "chat").then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(EvalFatalError);
    expect((error as Error).message).toMatch(
      /^Cannot reach Phoenix at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Is it running\? Check PHOENIX_COLLECTOR_ENDPOINT/,
    );
  });

  it("an unknown project: one sentence naming it and the projects there are", async () => {
    answer = ({ path }, res) =>
      path === "/v1/projects"
        ? json(res, { data: [{ name: "default", id: "1" }, { name: "phoenix-session-chat", id: "2" }], next_cursor: null })
        : res.writeHead(404).end("Project with name typo not found");
    const error = await checkProject(createPhoenixApi({ baseUrl }), "typo").then(() => null, (e: unknown) => e);
    expect((error as Error).message).toBe(
      `Phoenix at ${baseUrl} has no project "typo" (PHOENIX_PROJECT_NAME). Its projects: "default", "phoenix-session-chat".`,
    );
  });

  it("a wrong API key says to check PHOENIX_API_KEY", async () => {
    answer = (_, res) => json(res, { detail: "Invalid token" }, 401);
    await expect(checkProject(createPhoenixApi({ baseUrl, apiKey: "wrong" }), "chat")).rejects.toThrow(/check PHOENIX_API_KEY/);
  });
});

function span(traceId: string) {
  return {
    id: `g-${traceId}`,
    name: "chat.turn",
    context: { trace_id: traceId, span_id: "1" },
    span_kind: "CHAIN",
    parent_id: null,
    start_time: "2026-07-01T10:00:00+00:00",
    end_time: "2026-07-01T10:00:01+00:00",
    status_code: "OK",
    status_message: "",
    attributes: {},
    events: [],
  };
}
