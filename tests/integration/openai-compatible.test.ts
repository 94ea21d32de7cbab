import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveMaskingConfig } from "@/lib/tracing/masking";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chatModel } from "@/lib/ai/model";
import { parseConfig } from "@/lib/config";
import { answerText, attr, installInMemoryTracing, newSession, readAll, rootsOf, spansOfTrace } from "./support/traced-turns";
import { runChatTurn } from "@/lib/chat/run-turn";

/**
 * The OpenAI path, against a local server that speaks the Chat Completions
 * streaming protocol (as vLLM, Ollama or LiteLLM do): OPENAI_BASE_URL wiring,
 * the key, the history, token usage on the LLM span, and real HTTP errors.
 */

type Seen = { path: string; authorization: string | undefined; body: { model: string; messages: { role: string; content: unknown }[] } };
let reply: "ok" | 401 | 429 = "ok";
const seen: Seen[] = [];
let server: Server;
let baseURL = "";
let exporter: ReturnType<typeof installInMemoryTracing>;

function sse(chunks: unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + "data: [DONE]\n\n";
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const part of request) body += part;
  return body;
}

beforeAll(async () => {
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  exporter = installInMemoryTracing(resolveMaskingConfig());
  server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as Seen["body"];
    seen.push({ path: request.url ?? "", authorization: request.headers.authorization, body });
    if (reply !== "ok") {
      response.writeHead(reply, { "content-type": "application/json", "retry-after-ms": "1" });
      response.end(JSON.stringify({ error: { message: reply === 401 ? "Incorrect API key provided" : "Rate limit reached", type: "error" } }));
      return;
    }
    const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: body.model };
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(
      sse([
        { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
        ...["Hello", " from", " a", " compatible", " server."].map((content) => ({
          ...base,
          choices: [{ index: 0, delta: { content }, finish_reason: null }],
        })),
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
        { ...base, choices: [], usage: { prompt_tokens: 42, completion_tokens: 5, total_tokens: 47 } },
      ]),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function turn(message: string) {
  const config = parseConfig({ SESSION_SECRET: "s".repeat(32), OPENAI_API_KEY: "sk-local", OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "local-model" });
  const session = newSession();
  const history = [
    { role: "user" as const, content: "Earlier question" },
    { role: "assistant" as const, content: "Earlier answer" },
  ];
  return { session, running: runChatTurn({ turnId: crypto.randomUUID(), attributes: session, message, history, model: chatModel(config.model) }) };
}

describe("an OpenAI-compatible server via OPENAI_BASE_URL", () => {
  it("streams the answer, sends the key, the model and the history", async () => {
    reply = "ok";
    const { session, running } = turn("Hi there");
    const answer = answerText(await readAll(running.stream));
    expect(answer).toBe("Hello from a compatible server.");

    const request = seen.at(-1)!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.authorization).toBe("Bearer sk-local");
    expect(request.body.model).toBe("local-model");
    const contents = request.body.messages.map((m) => `${m.role}:${JSON.stringify(m.content)}`).join("\n");
    expect(contents).toContain("Earlier question");
    expect(contents).toContain("Earlier answer");
    expect(contents).toContain("Hi there");

    const spans = await spansOfTrace(exporter, running.traceId);
    const llm = spans.find((span) => attr(span, "openinference.span.kind") === "LLM")!;
    expect(attr(llm, "llm.model_name")).toBe("local-model");
    expect(attr(llm, "llm.token_count.prompt")).toBe(42);
    expect(attr(llm, "llm.token_count.completion")).toBe(5);
    expect(attr(llm, "session.id")).toBe(session.sessionId);
    expect(attr(rootsOf(spans)[0]!, "output.value")).toBe(answer);
  });

  it.each([
    [401, "unauthorized:model", /rejected the API key/],
    [429, "rate_limit:model", /rate limiting us \(429\)/],
  ] as const)("maps a real HTTP %i to a clear, retryable error and an ERROR root span", async (status, code, message) => {
    reply = status;
    const { running } = turn("Hi again");
    const chunks = await readAll(running.stream);
    const error = chunks.find((chunk) => chunk.type === "error");
    const payload = error?.type === "error" ? (JSON.parse(error.errorText) as { code: string; message: string; retryable: boolean }) : null;
    expect(payload).toMatchObject({ code, retryable: true });
    expect(payload?.message).toMatch(message);
    expect((await running.finished).outcome).toBe("failed");
    const root = rootsOf(await spansOfTrace(exporter, running.traceId))[0]!;
    expect(root.status.code).toBe(2);
  });
});
