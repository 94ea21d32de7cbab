import { readFileSync } from "node:fs";

/**
 * Calls the chat's Server Actions over HTTP the way the browser does (POST with a
 * `Next-Action` header), so a benchmark exercises the real request path:
 * proxy.ts, the cookie, validation, the turn, React's streaming of the answer.
 */

type Manifest = { node: Record<string, { exportedName: string; filename: string }> };

export function actionIds(buildDir = ".next"): { sendChatTurn: string } {
  const manifest = JSON.parse(readFileSync(`${buildDir}/server/server-reference-manifest.json`, "utf8")) as Manifest;
  const find = (name: string) => {
    const entry = Object.entries(manifest.node).find(([, action]) => action.exportedName === name);
    if (!entry) throw new Error(`no Server Action named ${name} in ${buildDir}: build the app first`);
    return entry[0];
  };
  return { sendChatTurn: find("sendChatTurn") };
}

export type TurnTiming = { ok: boolean; ms: number; answer: string; error?: string };

export class ChatClient {
  private cookie = "";
  /** The session id the page showed, as a user would read it off the session panel. */
  sessionId = "";
  readonly history: { role: "user" | "assistant"; content: string }[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly ids: { sendChatTurn: string },
  ) {}

  /** The first visit: proxy.ts mints the session cookie. */
  async open(): Promise<void> {
    const response = await fetch(this.baseUrl, { redirect: "manual" });
    const html = await response.text();
    this.keepCookie(response);
    this.sessionId = html.match(/data-testid="session-id">([0-9a-f-]{36})</)?.[1] ?? "";
    if (!this.cookie || !this.sessionId) throw new Error("the app set no session cookie, or showed no session id");
  }

  /** One chat turn, from request to the last streamed byte. */
  async turn(message: string): Promise<TurnTiming> {
    const started = performance.now();
    try {
      const response = await fetch(this.baseUrl, {
        method: "POST",
        headers: {
          "Next-Action": this.ids.sendChatTurn,
          "Content-Type": "text/plain;charset=UTF-8",
          Accept: "text/x-component",
          Cookie: this.cookie,
        },
        body: JSON.stringify([{ message, history: this.history.slice(-40) }]),
      });
      const body = await response.text();
      const ms = performance.now() - started;
      this.keepCookie(response);
      const ok = response.ok && body.includes('"ok":true') && body.includes('"type":"finish"') && !body.includes('"type":"error"');
      const answer = answerFrom(body);
      if (ok) this.history.push({ role: "user", content: message }, { role: "assistant", content: answer });
      return { ok, ms, answer, error: ok ? undefined : `HTTP ${response.status}: ${body.slice(0, 200)}` };
    } catch (error) {
      return { ok: false, ms: performance.now() - started, answer: "", error: (error as Error).message };
    }
  }

  private keepCookie(response: Response) {
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("chat_session="));
    if (cookie) this.cookie = cookie.split(";")[0]!;
  }
}

/** The answer's text, from the text-delta chunks in React's streamed response. */
function answerFrom(body: string): string {
  let text = "";
  for (const match of body.matchAll(/"type":"text-delta","id":"[^"]*","delta":("(?:[^"\\]|\\.)*")/g)) {
    text += JSON.parse(match[1]!) as string;
  }
  return text;
}
