/**
 * Reads votes back from Phoenix through its GraphQL API, as its Sessions view sees
 * them: `Trace.traceAnnotations` for a vote on a turn, `ProjectSession.sessionAnnotations`
 * for a rating of the conversation. Annotations queued by Phoenix land asynchronously:
 * callers poll with `waitForAnnotations`.
 */

export type PhoenixAnnotation = {
  name: string;
  label: string | null;
  score: number | null;
  annotatorKind: string;
  explanation: string | null;
  identifier: string;
};

const FIELDS = "name label score annotatorKind explanation identifier";

async function graphql<T>(phoenixUrl: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${phoenixUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok) throw new Error(`Phoenix GraphQL answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`Phoenix GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** The trace's annotations named `name` (default `user_feedback`); null when Phoenix has no such trace yet. */
export async function fetchTraceAnnotations(
  phoenixUrl: string,
  traceId: string,
  name = "user_feedback",
): Promise<PhoenixAnnotation[] | null> {
  const data = await graphql<{ getTraceByOtelId: { traceAnnotations: PhoenixAnnotation[] } | null }>(
    phoenixUrl,
    `query ($traceId: String!) { getTraceByOtelId(traceId: $traceId) { traceAnnotations { ${FIELDS} } } }`,
    { traceId },
  );
  return data.getTraceByOtelId?.traceAnnotations.filter((a) => a.name === name) ?? null;
}

/** The session's annotations named `name`; null when Phoenix has no such session yet. */
export async function fetchSessionAnnotations(
  phoenixUrl: string,
  sessionId: string,
  name = "user_feedback",
): Promise<PhoenixAnnotation[] | null> {
  const data = await graphql<{ getProjectSessionById: { sessionAnnotations: PhoenixAnnotation[] } | null }>(
    phoenixUrl,
    `query ($sessionId: String!) { getProjectSessionById(sessionId: $sessionId) { sessionAnnotations { ${FIELDS} } } }`,
    { sessionId },
  );
  return data.getProjectSessionById?.sessionAnnotations.filter((a) => a.name === name) ?? null;
}

/** Polls `read` until `ready` holds; fails with the last thing Phoenix said. */
export async function waitForAnnotations(
  read: () => Promise<PhoenixAnnotation[] | null>,
  ready: (annotations: PhoenixAnnotation[]) => boolean,
  timeoutMs = 30_000,
): Promise<PhoenixAnnotation[]> {
  const deadline = Date.now() + timeoutMs;
  let last: PhoenixAnnotation[] | null = null;
  while (Date.now() < deadline) {
    last = await read();
    if (last && ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Phoenix annotations never got ready; last seen: ${JSON.stringify(last)}`);
}
