import { APICallError } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createDemoModel } from "@/lib/ai/demo-model";
import type { ChatUIMessage } from "@/lib/chat/chat-message";
import { REFUSED_INPUT_MAX_CHARS } from "@/lib/chat/refused-turn";
import { REFUSALS_UNTRACED_ATTRIBUTE } from "@/lib/chat/run-turn";
import { sendTurn, type TurnDeps } from "@/lib/chat/send-turn";
import { startConversation } from "@/lib/conversation/conversation-token";
import { mintVisitor, type Visitor } from "@/lib/identity/visitor";
import type { ActionVisitor } from "@/lib/identity/visitor-cookie";
import type { Limiter } from "@/lib/limits/limiter";
import { createMemoryLimiter } from "@/lib/limits/memory-limiter";
import { flushTraces } from "@/lib/tracing/flush";
import { TURN_OUTCOME_ATTRIBUTE } from "@/lib/tracing/turn-span";
import { testLimits } from "../support/limits";
import { attr, installInMemoryTracing, readAll, rootsOf, spansOfTrace } from "./support/traced-turns";

/**
 * The whole turn pipeline (lib/chat/send-turn.ts) without a browser or Next: a real
 * cookie identity, sealed token, limiter, demo model and the production span pipeline.
 */

const SECRETS = ["s".repeat(40)];
const API_KEY = "sk-proj-SendTurnTestKey0123456789abcdef";
let exporter: ReturnType<typeof installInMemoryTracing>;

beforeAll(() => {
  exporter = installInMemoryTracing({}, { secretsToScrub: [API_KEY] });
});

const LIMITS = testLimits({ perTier: { free: { turns: 2, windowSeconds: 60 }, pro: { turns: 10, windowSeconds: 60 } }, maxConcurrent: 2 });

const userMessage = (text: string): ChatUIMessage => ({ id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] });

function harness(overrides: Partial<TurnDeps> = {}, identity: Visitor = mintVisitor("eu")) {
  const log = { error: vi.fn(), warn: vi.fn() };
  const afterResponse: (() => Promise<void>)[] = [];
  const deps: TurnDeps = {
    visitor: async (): Promise<ActionVisitor> => ({ ok: true, visitor: identity, save: async () => undefined }),
    address: async () => "192.0.2.10",
    config: { sessionSecrets: SECRETS, limits: { ...LIMITS, redisUrl: undefined, redisTimeoutMs: 250 }, flushEachTurn: false, secrets: [API_KEY] },
    limiter: createMemoryLimiter(LIMITS),
    model: createDemoModel({ delayMs: 0 }),
    afterResponse: (task) => void afterResponse.push(task),
    flushTraces,
    log,
    ...overrides,
  };
  return { deps, log, afterResponse, identity };
}

async function send(deps: TurnDeps, identity: Visitor, text = "What time is it in Tokyo?", token?: string) {
  const conversation = token ? { token, sessionId: "" } : await startConversation(identity.userId, SECRETS);
  const result = await sendTurn({ conversationToken: conversation.token, messages: [userMessage(text)] }, deps);
  return { result, conversation };
}

describe("a turn through the whole pipeline", () => {
  it("answers in its conversation's session, with the trace id and a receipt in the first chunk", async () => {
    const { deps, identity } = harness();
    const { result, conversation } = await send(deps, identity);
    if (!result.ok) throw new Error(result.error.message);
    const chunks = await readAll(result.stream);
    const start = chunks.find((chunk) => chunk.type === "start") as { messageMetadata?: { traceId?: string; receipt?: string } };
    expect(start.messageMetadata?.receipt).toEqual(expect.any(String));
    const [root] = rootsOf(await spansOfTrace(exporter, start.messageMetadata!.traceId!));
    expect(attr(root!, "session.id")).toBe(conversation.sessionId);
    expect(attr(root!, "user.id")).toBe(identity.userId);
    expect(attr(root!, TURN_OUTCOME_ATTRIBUTE)).toBe("completed");
  });

  it("counts every turn against the limiter: past the tier's budget the turn is refused and traced as rate_limited", async () => {
    const { deps, identity } = harness();
    const acquire = vi.spyOn(deps.limiter, "acquireTurn");
    for (let i = 0; i < 2; i++) {
      const { result } = await send(deps, identity);
      if (!result.ok) throw new Error(result.error.message);
      await readAll(result.stream);
    }
    const { result, conversation } = await send(deps, identity, "One more?");
    expect(acquire).toHaveBeenCalledTimes(3);
    expect(result).toMatchObject({ ok: false, error: { code: "rate_limit:turns", retryAfterSeconds: expect.any(Number) } });
    await flushTraces();
    const refused = exporter.getFinishedSpans().filter((span) => attr(span, "session.id") === conversation.sessionId);
    expect(refused.map((span) => attr(span, TURN_OUTCOME_ATTRIBUTE))).toEqual(["rate_limited"]);
  });

  it("refuses a caller without a valid cookie before anything is parsed, counted or traced", async () => {
    for (const code of ["unauthorized:no_cookie", "unauthorized:session"] as const) {
      const { deps, identity } = harness({ visitor: async () => ({ ok: false, code }) });
      const acquire = vi.spyOn(deps.limiter, "acquireTurn");
      const before = exporter.getFinishedSpans().length;
      const { result } = await send(deps, identity);
      expect(result).toMatchObject({ ok: false, error: { code, retryable: false } });
      expect(acquire).not.toHaveBeenCalled();
      await flushTraces();
      expect(exporter.getFinishedSpans()).toHaveLength(before);
    }
  });

  it("refuses another user's conversation token: nothing counted, nothing traced", async () => {
    const { deps, identity } = harness();
    const acquire = vi.spyOn(deps.limiter, "acquireTurn");
    const foreign = await startConversation(crypto.randomUUID(), SECRETS);
    const { result } = await send(deps, identity, "Hello", foreign.token);
    expect(result).toMatchObject({ ok: false, error: { code: "forbidden:conversation" } });
    expect(acquire).not.toHaveBeenCalled();
  });

  it("refuses malformed input with a typed error and counts nothing", async () => {
    const { deps, identity } = harness();
    const acquire = vi.spyOn(deps.limiter, "acquireTurn");
    const { token } = await startConversation(identity.userId, SECRETS);
    for (const request of [null, { conversationToken: token }, { conversationToken: token, messages: [], extra: 1 }]) {
      expect(await sendTurn(request, deps)).toMatchObject({ ok: false, error: { code: "bad_request:malformed" } });
    }
    expect(await sendTurn({ conversationToken: token, messages: [userMessage("  ")] }, deps)).toMatchObject({
      ok: false,
      error: { code: "bad_request:empty_message" },
    });
    expect(acquire).not.toHaveBeenCalled();
  });

  it("flushes each turn's spans after the response when told to (serverless), once the turn has ended", async () => {
    const { deps, identity, afterResponse } = harness();
    const flush = vi.fn(async () => undefined);
    const serverless = { ...deps, config: { ...deps.config, flushEachTurn: true }, flushTraces: flush };
    const { result } = await send(serverless, identity);
    if (!result.ok) throw new Error(result.error.message);
    expect(afterResponse).toHaveLength(1);
    const flushed = afterResponse[0]!();
    await readAll(result.stream);
    await flushed;
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it("frees the turn's concurrency slot when it ends, and only then", async () => {
    const { deps, identity } = harness({ model: createDemoModel({ delayMs: 5 }) }, { ...mintVisitor("eu"), tier: "pro" });
    const story = "Write a long story about a lighthouse keeper";
    const running = [await send(deps, identity, story), await send(deps, identity, story)].map(({ result }) => result);
    expect((await send(deps, identity, "A third at once?")).result).toMatchObject({ ok: false, error: { code: "rate_limit:concurrent" } });
    const [first] = running;
    if (!first?.ok) throw new Error("the first turn should run");
    await first.stream.cancel();
    await vi.waitFor(async () => expect((await send(deps, identity, "Now?")).result.ok).toBe(true));
    for (const result of running) if (result.ok) await result.stream.cancel().catch(() => undefined);
  });
});

describe("refusals cost almost nothing: a flood is one span, and Phoenix still learns how often", () => {
  const spansOf = async (userId: string) => {
    await flushTraces();
    return exporter.getFinishedSpans().filter((span) => attr(span, "user.id") === userId);
  };

  it("traces the first refusal (input clipped, which limit, when), counts the rest, and the next answered turn carries the count", async () => {
    const identity = { ...mintVisitor("eu"), tier: "pro" as const };
    const { deps } = harness({ limiter: createMemoryLimiter({ ...LIMITS, maxConcurrent: 1 }), model: createDemoModel({ delayMs: 5 }) }, identity);
    const running = (await send(deps, identity, "Write a long story about a lighthouse keeper")).result;
    if (!running.ok) throw new Error(running.error.message);

    const words = `${"Why is the sky blue? ".repeat(190)}👨‍👩‍👧‍👦`.slice(0, 4_000);
    const flood = await Promise.all(Array.from({ length: 50 }, () => send(deps, identity, words)));
    for (const { result } of flood) expect(result).toMatchObject({ ok: false, error: { code: "rate_limit:concurrent" } });

    const refused = (await spansOf(identity.userId)).filter((span) => attr(span, TURN_OUTCOME_ATTRIBUTE) === "rate_limited");
    expect(refused).toHaveLength(1);
    const [span] = refused;
    const input = String(attr(span!, "input.value"));
    expect([...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(input)].length).toBe(REFUSED_INPUT_MAX_CHARS);
    expect(input.endsWith("…")).toBe(true);
    expect(words.startsWith(input.slice(0, -1))).toBe(true);
    expect(attr(span!, "chat.turn.input_length")).toBe(4_000);
    expect(attr(span!, "chat.turn.refusal.reason")).toBe("concurrency");
    expect(attr(span!, "chat.turn.refusal.retry_after_seconds")).toBe(1);
    expect(attr(span!, REFUSALS_UNTRACED_ATTRIBUTE)).toBe(0);

    await running.stream.cancel();
    let answered: Awaited<ReturnType<typeof send>>["result"] | undefined;
    await vi.waitFor(async () => {
      answered = (await send(deps, identity, "Now?")).result;
      expect(answered.ok).toBe(true);
    });
    if (!answered?.ok) throw new Error("no answered turn");
    await readAll(answered.stream);
    const roots = (await spansOf(identity.userId)).filter((s) => attr(s, "input.value") === "Now?");
    // The 49 untraced ones, plus any "Now?" refused (uncounted on a span) while the slot was freeing.
    expect(Number(attr(roots.find((s) => attr(s, TURN_OUTCOME_ATTRIBUTE) === "completed")!, REFUSALS_UNTRACED_ATTRIBUTE))).toBeGreaterThanOrEqual(49);
  });

  it("refuses past the address's and the global budget with their own codes, traced like any refusal", async () => {
    const limiter = createMemoryLimiter({ ...LIMITS, perAddress: { turns: 1, windowSeconds: 60 }, global: { turns: 2, windowSeconds: 3600 } });
    const first = harness({ limiter });
    const { result } = await send(first.deps, first.identity);
    if (result.ok) await readAll(result.stream);
    const neighbour = harness({ limiter });
    expect((await send(neighbour.deps, neighbour.identity)).result).toMatchObject({
      ok: false,
      error: { code: "rate_limit:address", message: expect.stringContaining("from your network"), retryAfterSeconds: expect.any(Number) },
    });
    const elsewhere = harness({ limiter, address: async () => "198.51.100.1" });
    const answered = (await send(elsewhere.deps, elsewhere.identity)).result;
    if (answered.ok) await readAll(answered.stream);
    const late = harness({ limiter, address: async () => "198.51.100.2" });
    expect((await send(late.deps, late.identity)).result).toMatchObject({ ok: false, error: { code: "rate_limit:global" } });
    const [span] = (await spansOf(late.identity.userId)).filter((s) => attr(s, TURN_OUTCOME_ATTRIBUTE) === "rate_limited");
    expect(attr(span!, "chat.turn.refusal.reason")).toBe("global");
  });

  it("refuses a deleted conversation's token: nothing traced under its session id, nothing counted", async () => {
    const { deps, identity } = harness();
    const limiter = deps.limiter as Limiter;
    const conversation = await startConversation(identity.userId, SECRETS);
    await limiter.forgetConversation(conversation.sessionId);
    for (let i = 0; i < 3; i++) {
      expect((await send(deps, identity, "Bring it back", conversation.token)).result).toMatchObject({
        ok: false,
        error: { code: "gone:conversation", retryable: false },
      });
    }
    await flushTraces();
    expect(exporter.getFinishedSpans().filter((span) => attr(span, "session.id") === conversation.sessionId)).toEqual([]);
    // The budget (2) is untouched: two turns in another conversation still run.
    for (let i = 0; i < 2; i++) expect((await send(deps, identity)).result.ok).toBe(true);
  });
});

describe("failures never print a secret", () => {
  it("logs a turn that could not start scrubbed, and answers internal:server", async () => {
    const broken: Pick<Limiter, "acquireTurn"> = {
      acquireTurn: async () => {
        throw new Error(`connect failed with Authorization: Bearer ${API_KEY}`, { cause: new Error(`key ${API_KEY}`) });
      },
    };
    const { deps, identity, log } = harness({ limiter: broken });
    const { result } = await send(deps, identity);
    expect(result).toMatchObject({ ok: false, error: { code: "internal:server" } });
    expect(log.error).toHaveBeenCalledTimes(1);
    const line = String(log.error.mock.calls[0]![0]);
    expect(line).toContain("[chat] turn could not start");
    expect(line).toContain("[REDACTED]");
    expect(line).not.toContain(API_KEY);
  });

  it("logs a provider failure mid-turn scrubbed", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const model = new MockLanguageModelV4({
      doStream: async () => {
        throw new APICallError({ message: `Incorrect API key provided: ${API_KEY}`, url: "https://x", requestBodyValues: {}, statusCode: 401, isRetryable: false });
      },
    });
    const { deps, identity } = harness({ model });
    const { result } = await send(deps, identity);
    if (!result.ok) throw new Error(result.error.message);
    await readAll(result.stream);
    const lines = warn.mock.calls.map((call) => String(call[0])).filter((line) => line.startsWith("[chat] turn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(API_KEY);
    warn.mockRestore();
  });
});
