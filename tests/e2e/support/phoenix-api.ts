/**
 * Reads what Phoenix recorded, through its GraphQL API: the same data its
 * Sessions view shows. Ingestion is asynchronous, so callers poll.
 */

export type PhoenixSpan = {
  name: string;
  spanKind: string;
  spanId: string;
  parentId: string | null;
  statusCode: string;
  attributes: Record<string, unknown>;
};

export type PhoenixTrace = { traceId: string; rootSpan: PhoenixSpan | null; spans: PhoenixSpan[] };

export type PhoenixSession = {
  numTraces: number;
  userId: string | null;
  firstInput: string | null;
  lastOutput: string | null;
  tokenTotal: number;
  traces: PhoenixTrace[];
};

const SPAN_FIELDS = "name spanKind spanId parentId statusCode attributes";
const SESSION_QUERY = `query ($id: String!) {
  getProjectSessionById(sessionId: $id) {
    numTraces userId firstInput { value } lastOutput { value } tokenUsage { total }
    traces(first: 100) { edges { node {
      traceId
      rootSpan { ${SPAN_FIELDS} }
      spans(first: 200) { edges { node { ${SPAN_FIELDS} } } }
    } } }
  }
}`;

type RawSpan = Omit<PhoenixSpan, "attributes"> & { attributes: string };
type RawSession = {
  numTraces: number;
  userId: string | null;
  firstInput: { value: string } | null;
  lastOutput: { value: string } | null;
  tokenUsage: { total: number };
  traces: { edges: { node: { traceId: string; rootSpan: RawSpan | null; spans: { edges: { node: RawSpan }[] } } }[] };
};

export async function fetchSession(phoenixUrl: string, sessionId: string): Promise<PhoenixSession | null> {
  const response = await fetch(`${phoenixUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: SESSION_QUERY, variables: { id: sessionId } }),
  });
  if (!response.ok) throw new Error(`Phoenix GraphQL answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { data?: { getProjectSessionById: RawSession | null }; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`Phoenix GraphQL errors: ${JSON.stringify(body.errors)}`);
  const raw = body.data?.getProjectSessionById;
  if (!raw) return null;
  return {
    numTraces: raw.numTraces,
    userId: raw.userId,
    firstInput: raw.firstInput?.value ?? null,
    lastOutput: raw.lastOutput?.value ?? null,
    tokenTotal: raw.tokenUsage.total,
    traces: raw.traces.edges.map(({ node }) => ({
      traceId: node.traceId,
      rootSpan: node.rootSpan ? parseSpan(node.rootSpan) : null,
      spans: node.spans.edges.map((edge) => parseSpan(edge.node)),
    })),
  };
}

/** Polls until every trace has its root span and `ready(session)` holds; fails with the last thing Phoenix said. */
export async function waitForSession(
  phoenixUrl: string,
  sessionId: string,
  ready: (session: PhoenixSession) => boolean,
  timeoutMs = 30_000,
): Promise<PhoenixSession> {
  const deadline = Date.now() + timeoutMs;
  let last: PhoenixSession | null = null;
  while (Date.now() < deadline) {
    last = await fetchSession(phoenixUrl, sessionId);
    // A trace's spans can arrive in two exports: until its root span is in, a trace is not ready to read.
    if (last && last.traces.every((trace) => trace.rootSpan !== null) && ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `Phoenix session ${sessionId} not ready after ${timeoutMs / 1000}s; last seen: ${last ? `${last.numTraces} traces` : "no session"}`,
  );
}

/** Reads a dotted attribute (`session.id`) from Phoenix's nested attribute object. */
export function attribute(span: PhoenixSpan, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], span.attributes);
}

export function allSpans(session: PhoenixSession): PhoenixSpan[] {
  return session.traces.flatMap((t) => t.spans);
}

function parseSpan(raw: RawSpan): PhoenixSpan {
  return { ...raw, attributes: JSON.parse(raw.attributes) as Record<string, unknown> };
}
