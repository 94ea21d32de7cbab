import { spawn } from "node:child_process";

/**
 * `npm run eval` as a person runs it (a child process, its exit code and output), and
 * what it wrote, read back over Phoenix's REST API: the session annotations and the
 * sessions and spans of a project.
 */

export type EvalRun = { code: number | null; stdout: string; stderr: string };

/** Settings that must not leak in from the shell or a developer's .env.local: empty means unset. */
const NO_JUDGE = { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", OPENAI_MODEL: "", EVAL_MODEL: "", EVAL_PROJECT_NAME: "", PHOENIX_API_KEY: "" };

export function runEval(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<EvalRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "eval", "--", ...args], {
      env: { ...process.env, ...NO_JUDGE, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`npm run eval ${args.join(" ")} did not finish in ${timeoutMs / 1000}s\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export type StoredSessionAnnotation = {
  session_id: string;
  name: string;
  annotator_kind: string;
  identifier: string;
  result: { label: string | null; score: number | null; explanation: string | null } | null;
  metadata: Record<string, unknown> | null;
};

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} -> ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every session annotation of these sessions (GET /v1/projects/{p}/session_annotations). */
export async function sessionAnnotations(phoenixUrl: string, projectName: string, sessionIds: string[]): Promise<StoredSessionAnnotation[]> {
  const query = new URLSearchParams({ limit: "1000" });
  for (const id of sessionIds) query.append("session_ids", id);
  const body = await getJson<{ data: StoredSessionAnnotation[] }>(
    `${phoenixUrl}/v1/projects/${encodeURIComponent(projectName)}/session_annotations?${query}`,
  );
  return body.data;
}

/** How many sessions a project has (0 for a project Phoenix does not know). */
export async function sessionCount(phoenixUrl: string, projectName: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "100" });
    if (cursor) query.set("cursor", cursor);
    const response = await fetch(`${phoenixUrl}/v1/projects/${encodeURIComponent(projectName)}/sessions?${query}`);
    if (response.status === 404) return 0;
    if (!response.ok) throw new Error(`sessions of ${projectName}: ${response.status}`);
    const body = (await response.json()) as { data: unknown[]; next_cursor: string | null };
    count += body.data.length;
    cursor = body.next_cursor;
  } while (cursor);
  return count;
}

export type StoredSpan = { name: string; parent_id: string | null; span_kind: string; attributes: Record<string, unknown> };

/** A project's spans (none yet when Phoenix has not created the project). */
export async function projectSpans(phoenixUrl: string, projectName: string): Promise<StoredSpan[]> {
  const response = await fetch(`${phoenixUrl}/v1/projects/${encodeURIComponent(projectName)}/spans?limit=1000`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`spans of ${projectName}: ${response.status}`);
  return ((await response.json()) as { data: StoredSpan[] }).data;
}
