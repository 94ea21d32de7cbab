import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { readUIMessageStream, type UIMessageChunk } from "ai";
import { messagesToSend } from "../../components/chat/server-action-transport";
import { messageText, type ChatUIMessage } from "../../lib/chat/chat-message";
import { flightRows, rowValue, streamChunks, type FlightRow } from "./flight-rows";

/**
 * Calls the chat's Server Actions over HTTP the way the browser does (POST with a
 * `Next-Action` header, React's reply format), so a benchmark exercises the real
 * request path: proxy.ts, the cookie, the conversation token, validation, the turn
 * limiter, the turn, React's streaming of the answer. What it sends is what
 * `useChat` sends through `ServerActionChatTransport`: the same `messagesToSend`.
 */

type Manifest = { node: Record<string, { exportedName: string; filename: string }> };
export type ActionIds = { sendChatTurn: string; startNewConversation: string };

/** A Server Action's id in this build, by its exported name (e.g. `voteOnTurn`). */
export function actionId(name: string, buildDir = ".next"): string {
  const manifest = JSON.parse(readFileSync(`${buildDir}/server/server-reference-manifest.json`, "utf8")) as Manifest;
  const entry = Object.entries(manifest.node).find(([, action]) => action.exportedName === name);
  if (!entry) throw new Error(`no Server Action named ${name} in ${buildDir}: build the app first`);
  return entry[0];
}

export function actionIds(buildDir = ".next"): ActionIds {
  return { sendChatTurn: actionId("sendChatTurn", buildDir), startNewConversation: actionId("startNewConversation", buildDir) };
}

/** `code`: the typed error's code when the server refused or failed the turn (e.g. `rate_limit:turns`). */
export type TurnTiming = { ok: boolean; ms: number; answer: string; error?: string; code?: string };

export type ChatClientOptions = {
  /** Another `fetch` (tests: one bound to a chosen loopback address, to be another client address). */
  fetch?: typeof fetch;
  /** Sent with every request (tests: a forged X-Forwarded-For, to show it changes nothing). */
  headers?: () => Record<string, string>;
};

export class ChatClient {
  private cookie = "";
  private conversationToken = "";
  /** The conversation's Phoenix session id, as the server sealed it into the token. */
  sessionId = "";
  /** The conversation as `useChat` holds it. */
  readonly messages: ChatUIMessage[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly ids: ActionIds,
    private readonly options: ChatClientOptions = {},
  ) {}

  /** The conversation's token, as the browser keeps it (votes and deletes name the conversation with it). */
  get token(): string {
    return this.conversationToken;
  }

  /** Any other Server Action, by id, with this client's cookie: its HTTP status and its return value. */
  async call(id: string, args: unknown[]): Promise<{ status: number; result: unknown }> {
    const response = await this.callAction(id, args);
    const body = new Uint8Array(await response.arrayBuffer());
    this.keepCookie(response);
    return { status: response.status, result: actionResult(flightRows(body)) };
  }

  /** The same browser (cookie, conversation) talking to another instance of the app. */
  at(baseUrl: string): ChatClient {
    const twin = new ChatClient(baseUrl, this.ids, this.options);
    twin.cookie = this.cookie;
    twin.conversationToken = this.conversationToken;
    twin.sessionId = this.sessionId;
    twin.messages.push(...this.messages);
    return twin;
  }

  /**
   * The first visit (proxy.ts mints the session cookie), then "New conversation":
   * the server seals a conversation token for the cookie's user. (The page seals one
   * too, but inside its RSC payload; the action's answer is the stable way to get it.)
   */
  async open(): Promise<void> {
    const page = await this.fetch(this.baseUrl, { redirect: "manual", headers: this.options.headers?.() });
    await page.arrayBuffer();
    this.keepCookie(page);
    if (!this.cookie) throw new Error(`the app set no session cookie (HTTP ${page.status})`);
    const response = await this.callAction(this.ids.startNewConversation, []);
    const body = new Uint8Array(await response.arrayBuffer());
    this.keepCookie(response);
    const result = actionResult(flightRows(body)) as { ok?: boolean; conversation?: { sessionId: string; token: string } } | undefined;
    if (!response.ok || !result?.ok || !result.conversation) {
      throw new Error(`startNewConversation failed: HTTP ${response.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
    }
    this.sessionId = result.conversation.sessionId;
    this.conversationToken = result.conversation.token;
  }

  /** One chat turn, from request to the last streamed byte. */
  async turn(text: string): Promise<TurnTiming> {
    const user: ChatUIMessage = { id: randomUUID(), role: "user", parts: [{ type: "text", text }] };
    const request = { conversationToken: this.conversationToken, messages: messagesToSend([...this.messages, user]) };
    const started = performance.now();
    let body: Uint8Array;
    let response: Response;
    try {
      response = await this.callAction(this.ids.sendChatTurn, [request]);
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return { ok: false, ms: performance.now() - started, answer: "", error: (error as Error).message };
    }
    const ms = performance.now() - started;
    this.keepCookie(response);
    const outcome = await readTurn(body);
    if (!response.ok || "error" in outcome) {
      const why = "error" in outcome ? outcome.error : "";
      return { ok: false, ms, answer: "", error: `HTTP ${response.status}: ${why}`, code: "code" in outcome ? outcome.code : undefined };
    }
    this.messages.push(user, outcome.message);
    if (outcome.conversationToken) this.conversationToken = outcome.conversationToken;
    return { ok: true, ms, answer: messageText(outcome.message) };
  }

  private callAction(id: string, args: unknown[]): Promise<Response> {
    return this.fetch(this.baseUrl, {
      method: "POST",
      headers: {
        ...this.options.headers?.(),
        "Next-Action": id,
        "Content-Type": "text/plain;charset=UTF-8",
        Accept: "text/x-component",
        Cookie: this.cookie,
      },
      body: JSON.stringify(args),
    });
  }

  private get fetch(): typeof fetch {
    return this.options.fetch ?? fetch;
  }

  private keepCookie(response: Response) {
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("chat_session="));
    if (cookie) this.cookie = cookie.split(";")[0]!;
  }
}

/** The action's return value: row 0 names the row that holds it ("$@1"). */
function actionResult(rows: FlightRow[]): unknown {
  const envelope = rowValue(rows, "0") as { a?: string } | undefined;
  return envelope?.a?.startsWith("$@") ? rowValue(rows, envelope.a.slice(2)) : undefined;
}

type TurnOutcome = { message: ChatUIMessage; conversationToken?: string } | { error: string; code?: string };

/**
 * A finished turn: `{ ok: true }`, its stream closed, a `finish` chunk and no `error`
 * chunk. The answer is assembled by the AI SDK itself (`readUIMessageStream`, as
 * `useChat` does), so the next turn's history carries the same parts as the browser's.
 */
async function readTurn(body: Uint8Array): Promise<TurnOutcome> {
  const rows = flightRows(body);
  const result = actionResult(rows) as
    | { ok: true; stream: string; conversationToken?: string }
    | { ok: false; error: { code: string; message: string } }
    | undefined;
  if (!result) return { error: `no action result: ${new TextDecoder().decode(body).slice(0, 200)}` };
  if (!result.ok) return { error: `${result.error.code}: ${result.error.message}`, code: result.error.code };
  const { chunks, ended } = streamChunks(rows, result.stream.slice(1));
  const types = chunks.map((chunk) => (chunk as { type: string }).type);
  if (ended !== "closed" || !types.includes("finish") || types.includes("error")) {
    return { error: `stream ${ended}, chunks: ${types.join(" ")}` };
  }
  let message: ChatUIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk as UIMessageChunk);
      controller.close();
    },
  });
  for await (const snapshot of readUIMessageStream<ChatUIMessage>({ stream, terminateOnError: true })) message = snapshot;
  if (!message) return { error: "the stream carried no message" };
  return {
    message: { ...message, id: randomUUID(), metadata: { ...message.metadata, outcome: "completed" } },
    conversationToken: result.conversationToken,
  };
}
