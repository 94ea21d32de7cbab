import { createServer, type IncomingMessage, type Server } from "node:http";
import { freePort } from "../../tests/e2e/support/processes";

/**
 * An OpenAI-compatible Chat Completions server (streaming) that answers like the
 * demo model: the time tool when asked the time, a short Markdown answer otherwise.
 * The app reaches it through `OPENAI_BASE_URL`, so a benchmark can weigh exactly what
 * the model was sent and what it answered: the floor a faithful trace cannot go under.
 *
 * Traffic is counted per API key, so two app servers (tracing on and off) can share it.
 */

type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string };
type ChatRequest = { model: string; messages: ChatMessage[]; tools?: unknown[] };

export type ModelTraffic = {
  calls: number;
  /** UTF-8 bytes of the `messages` sent (instructions, history, the new words; the tool's result in a tool step). */
  sentBytes: number;
  /** UTF-8 bytes of what the model answered: the text, or the tool call's name and arguments. */
  answeredBytes: number;
};

export type FakeModelServer = {
  /** The `OPENAI_BASE_URL` to give the app. */
  baseURL: string;
  /** What the model was sent and answered so far, for the app that uses `apiKey`. */
  traffic(apiKey: string): ModelTraffic;
  stop(): Promise<void>;
};

const CITY_TIME_ZONES: Record<string, string> = {
  tokyo: "Asia/Tokyo",
  paris: "Europe/Paris",
  sydney: "Australia/Sydney",
  london: "Europe/London",
  berlin: "Europe/Berlin",
};

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const traffic = new Map<string, ModelTraffic>();
  const server: Server = createServer(async (request, response) => {
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(request)) as ChatRequest;
    } catch {
      response.writeHead(400).end();
      return;
    }
    const key = (request.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
    const seen = traffic.get(key) ?? { calls: 0, sentBytes: 0, answeredBytes: 0 };
    traffic.set(key, seen);
    const answer = answerFor(body);
    seen.calls++;
    seen.sentBytes += Buffer.byteLength(JSON.stringify(body.messages));
    seen.answeredBytes += Buffer.byteLength(answer.kind === "text" ? answer.text : answer.name + answer.arguments);
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(sse(body.model, answer, Math.ceil(JSON.stringify(body.messages).length / 4)));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    traffic: (apiKey) => ({ ...(traffic.get(apiKey) ?? { calls: 0, sentBytes: 0, answeredBytes: 0 }) }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type Answer = { kind: "text"; text: string } | { kind: "tool"; id: string; name: string; arguments: string };

function answerFor(body: ChatRequest): Answer {
  const last = body.messages.at(-1);
  if (last?.role === "tool") {
    const result = safeJson(typeof last.content === "string" ? last.content : "") as { timeZone?: string; localTime?: string } | undefined;
    return { kind: "text", text: `It is **${result?.localTime ?? "unknown"}** in \`${result?.timeZone ?? "UTC"}\` (I asked the \`get_current_time\` tool).` };
  }
  const question = textOf(last?.content).toLowerCase();
  const turn = body.messages.filter((message) => message.role === "user").length;
  if ((body.tools?.length ?? 0) > 0 && /\btime\b/.test(question)) {
    const city = Object.keys(CITY_TIME_ZONES).find((name) => question.includes(name));
    return { kind: "tool", id: `call_${turn}_${Math.random().toString(36).slice(2, 10)}`, name: "get_current_time", arguments: JSON.stringify({ timeZone: city ? CITY_TIME_ZONES[city] : "UTC" }) };
  }
  return {
    kind: "text",
    text: [
      "Phoenix groups traces into a **session** by the span attribute `session.id`:",
      "",
      "1. Each conversation has a session id, sealed by the server into a token the browser keeps.",
      "2. Each chat turn runs inside `usingSession()` and `usingAttributes()`, so every span of the turn carries `session.id` and `user.id`.",
      "3. Each turn is one trace whose root span holds your words as input and my answer as output.",
      "",
      `This is turn ${turn} of this conversation.`,
    ].join("\n"),
  };
}

/** The Chat Completions stream: the answer word by word (or one tool call), then the finish and the usage. */
function sse(model: string, answer: Answer, promptTokens: number): string {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model };
  const chunk = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const chunks: unknown[] = [chunk({ role: "assistant", content: "" })];
  let completion: string;
  if (answer.kind === "tool") {
    completion = answer.arguments;
    chunks.push(chunk({ tool_calls: [{ index: 0, id: answer.id, type: "function", function: { name: answer.name, arguments: answer.arguments } }] }));
    chunks.push(chunk({}, "tool_calls"));
  } else {
    completion = answer.text;
    for (const word of answer.text.match(/\S+\s*|\s+/g) ?? []) chunks.push(chunk({ content: word }));
    chunks.push(chunk({}, "stop"));
  }
  const completionTokens = Math.ceil(completion.length / 4);
  chunks.push({ ...base, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } });
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === "object" && part && "text" in part ? String(part.text) : "")).join("");
  return "";
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const part of request) body += part;
  return body;
}
