import { FEEDBACK_ANNOTATION_NAME } from "../lib/feedback/feedback-annotations";
import { PhoenixError, type PhoenixApi, type PhoenixSessionRow } from "./phoenix-api";
import { toSessionRecord, type SessionRecord } from "./session-record";

/**
 * Which sessions to evaluate, and each one read in full: the sessions list, then per
 * session its turns (root spans) and its `user_feedback` votes and ratings.
 */

export type SessionSelection = { since?: Date; limit?: number; sessionId?: string };

/** A problem that stops the whole run before anything is written. */
export class EvalFatalError extends Error {
  override name = "EvalFatalError";
}

/** Checks the project exists, so a typo is one clear sentence and not an empty run. */
export async function checkProject(api: PhoenixApi, projectName: string): Promise<void> {
  try {
    await api.getProject(projectName);
  } catch (error) {
    if (!(error instanceof PhoenixError)) throw error;
    if (error.kind === "not_found") {
      const names = await api.listProjectNames().catch(() => []);
      const known = names.length ? ` Its projects: ${names.map((n) => `"${n}"`).join(", ")}.` : "";
      throw new EvalFatalError(`Phoenix at ${api.baseUrl} has no project "${projectName}" (PHOENIX_PROJECT_NAME).${known}`);
    }
    throw new EvalFatalError(fatalMessage(error));
  }
}

/** What to tell a person for a Phoenix failure, and which variable to look at. */
export function fatalMessage(error: PhoenixError): string {
  switch (error.kind) {
    case "unreachable":
    case "timeout":
      return `${capitalize(error.message)}. Is it running? Check PHOENIX_COLLECTOR_ENDPOINT (start one with \`npm run phoenix\`).`;
    case "unauthorized":
      return `Phoenix refused the request (${error.status}): check PHOENIX_API_KEY. ${error.message}`;
    default:
      return `Phoenix failed: ${error.message}`;
  }
}

/**
 * The sessions to evaluate, newest first. `since` keeps sessions with a turn at or
 * after it (Phoenix's session filter on `end_time`), so a conversation that started
 * last week and went on today is evaluated again, whole.
 */
export async function selectSessions(api: PhoenixApi, projectName: string, selection: SessionSelection): Promise<PhoenixSessionRow[]> {
  const conditions: string[] = [];
  // The filter language is Python's: a JSON string is a valid string literal there.
  if (selection.sessionId) conditions.push(`session_id == ${JSON.stringify(selection.sessionId)}`);
  if (selection.since) conditions.push(`end_time >= '${selection.since.toISOString()}'`);
  const filter = conditions.length ? conditions.join(" and ") : undefined;

  const selected: PhoenixSessionRow[] = [];
  try {
    // Each row lists the session's traces: ask for no more than --limit needs.
    for await (const session of api.listSessions(projectName, filter, Math.min(selection.limit ?? 100, 100))) {
      selected.push(session);
      if (selection.limit && selected.length >= selection.limit) break;
    }
  } catch (error) {
    if (error instanceof PhoenixError) throw new EvalFatalError(fatalMessage(error));
    throw error;
  }
  if (selection.sessionId && selected.length === 0) {
    const when = selection.since ? ` active since ${selection.since.toISOString()}` : "";
    throw new EvalFatalError(`Project "${projectName}" has no session "${selection.sessionId}"${when}.`);
  }
  return selected;
}

export async function readSession(api: PhoenixApi, projectName: string, session: PhoenixSessionRow): Promise<SessionRecord> {
  const traceIds = session.traces.map((t) => t.trace_id);
  const [rootSpans, votes, ratings] = await Promise.all([
    api.rootSpans(projectName, traceIds),
    api.traceAnnotations(projectName, traceIds, [FEEDBACK_ANNOTATION_NAME]),
    api.sessionAnnotations(projectName, [session.session_id], [FEEDBACK_ANNOTATION_NAME]),
  ]);
  return toSessionRecord(session, rootSpans, votes, ratings);
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
