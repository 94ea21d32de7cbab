import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local server speaking OpenAI's Chat Completions (non-streaming), as vLLM, Ollama
 * or LiteLLM do, for the eval's LLM judge: it answers every request with the JSON the
 * test's `answer` returns for the conversation it was sent, and records what it got.
 * `status` other than 200 makes it fail every request like the real API does.
 */

export type JudgeRequest = {
  path: string;
  authorization: string | undefined;
  model: string;
  /** The messages' text, system first. */
  messages: { role: string; content: string }[];
  /** `response_format` as sent: the schema the AI SDK asks the model to follow. */
  responseFormat: unknown;
};

export type FakeJudgeAnswer = { goal: string; verdict: "met" | "partially_met" | "not_met"; explanation: string };

export type FakeOpenAIJudge = {
  /** e.g. http://127.0.0.1:PORT/v1 (OPENAI_BASE_URL) */
  baseURL: string;
  requests: JudgeRequest[];
  status: number;
  close(): Promise<void>;
};

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const part of request) body += part;
  return body;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? "").join("");
  return "";
}

export async function startFakeOpenAIJudge(answer: (conversation: string) => FakeJudgeAnswer): Promise<FakeOpenAIJudge> {
  const state = { status: 200 };
  const requests: JudgeRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as { model: string; messages: { role: string; content: unknown }[]; response_format?: unknown };
    const messages = body.messages.map((m) => ({ role: m.role, content: textOf(m.content) }));
    requests.push({
      path: request.url ?? "",
      authorization: request.headers.authorization,
      model: body.model,
      messages,
      responseFormat: body.response_format,
    });
    if (state.status !== 200) {
      response.writeHead(state.status, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: `fake failure ${state.status}`, type: "server_error" } }));
      return;
    }
    const conversation = messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: JSON.stringify(answer(conversation)) }, finish_reason: "stop" }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
