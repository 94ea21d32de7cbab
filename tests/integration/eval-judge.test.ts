import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJudgeTracing } from "@/eval/judge-tracing";
import { createGoalJudge, judgeModel, transcript } from "@/eval/llm-judge";
import { startFakeOpenAIJudge, type FakeOpenAIJudge } from "../support/fake-openai-judge";
import { startFakeOtlpCollector, type FakeOtlpCollector } from "../support/fake-otlp-collector";
import { REFUSAL, sessionOf } from "../support/eval-sessions";

/**
 * The LLM judge over HTTP: a local OpenAI-compatible server (Chat Completions, as
 * OPENAI_BASE_URL selects) answers, the AI SDK checks the answer against the schema,
 * and the judge's spans go over OTLP to a local collector as they would to Phoenix.
 */

let openai: FakeOpenAIJudge;
let collector: FakeOtlpCollector;

beforeAll(async () => {
  openai = await startFakeOpenAIJudge((conversation) =>
    conversation.includes("refused by the app's usage limits")
      ? { goal: "To learn how Phoenix groups turns.", verdict: "partially_met", explanation: "Turn 1 answered; turn 2 was refused." }
      : { goal: "To say hello.", verdict: "met", explanation: "Turn 1 greeted back." },
  );
  collector = await startFakeOtlpCollector();
});

afterAll(async () => {
  await openai?.close();
  await collector?.stop();
});

const CONVERSATION = sessionOf([
  { input: "How do sessions work in Phoenix?", output: "By session.id on every span." },
  { input: "And users?", outcome: "refused", output: REFUSAL, statusMessage: REFUSAL },
]);

describe("the goal_met judge", () => {
  it("sends the transcript with the schema and turns the checked answer into label, score and explanation", async () => {
    const judge = createGoalJudge({ model: judgeModel({ apiKey: "sk-local", baseURL: openai.baseURL, modelId: "judge-model" }) });
    expect(judge).toMatchObject({ name: "goal_met", annotatorKind: "LLM", metadata: { model: "judge-model" } });
    const before = openai.requests.length;
    const verdict = await judge.evaluate(CONVERSATION);
    expect(verdict).toEqual({
      label: "partially_met",
      score: 0.5,
      explanation: "Goal: To learn how Phoenix groups turns. Turn 1 answered; turn 2 was refused.",
    });

    const [request] = openai.requests.slice(before);
    expect(request).toMatchObject({ path: "/v1/chat/completions", authorization: "Bearer sk-local", model: "judge-model" });
    expect(request!.messages[0]).toMatchObject({ role: "system" });
    expect(request!.messages[1]!.content).toBe(`<conversation>\n${transcript(CONVERSATION)}\n</conversation>`);
    expect(request!.responseFormat).toMatchObject({
      type: "json_schema",
      json_schema: { name: "goal_verdict", schema: { required: ["goal", "verdict", "explanation"] } },
    });
  });

  it("an empty session is not sent to the model", async () => {
    const judge = createGoalJudge({ model: judgeModel({ apiKey: "k", baseURL: openai.baseURL, modelId: "m" }) });
    const before = openai.requests.length;
    expect(await judge.evaluate(sessionOf([]))).toBeNull();
    expect(openai.requests.length).toBe(before);
  });

  it("a provider error rejects, with the provider's message (the run lists it and writes the rest)", async () => {
    openai.status = 401;
    try {
      const judge = createGoalJudge({ model: judgeModel({ apiKey: "bad", baseURL: openai.baseURL, modelId: "m" }) });
      await expect(judge.evaluate(CONVERSATION)).rejects.toThrow("fake failure 401");
    } finally {
      openai.status = 200;
    }
  });

  it("its calls are traced to the evals project, with the judged session in metadata and no session.id", async () => {
    const tracing = createJudgeTracing({ baseUrl: collector.url, projectName: "chat-evals", secretsToScrub: ["sk-secret-judge-key"] });
    const judge = createGoalJudge({
      model: judgeModel({ apiKey: "sk-secret-judge-key", baseURL: openai.baseURL, modelId: "judge-model" }),
      tracing,
    });
    await judge.evaluate({ ...CONVERSATION, sessionId: "judged-session-1" });
    await tracing.shutdown();

    const spans = collector.spans();
    expect(collector.errors()).toEqual([]);
    expect(spans.length).toBeGreaterThanOrEqual(2);
    for (const span of spans) {
      expect(span.resource["openinference.project.name"], span.name).toBe("chat-evals");
      expect(span.attributes["session.id"], span.name).toBeUndefined();
      expect(JSON.stringify(span.attributes), span.name).not.toContain("sk-secret-judge-key");
    }
    const root = spans.find((span) => span.parentSpanId === undefined)!;
    expect(root.name).toBe("invoke_agent session_goal_judge");
    expect(JSON.parse(String(root.attributes.metadata))).toMatchObject({ evaluator: "goal_met", evaluated_session_id: "judged-session-1" });
    const llm = spans.find((span) => span.attributes["openinference.span.kind"] === "LLM");
    expect(llm?.attributes["llm.model_name"]).toBe("judge-model");
    expect(tracing.exportProblem).toBeNull();
  });
});

describe("transcript", () => {
  it("says how each turn ended; a refusal is the app speaking", () => {
    expect(transcript(CONVERSATION)).toBe(
      "Turn 1 (answered)\nUser: How do sessions work in Phoenix?\nAssistant: By session.id on every span.\n\n" +
        `Turn 2 (refused by the app's usage limits; the user was shown the message below)\nUser: And users?\nApp: ${REFUSAL}`,
    );
  });

  it("a failed turn with no answer says so; long messages and long conversations are cut, keeping start and end", () => {
    const long = sessionOf([
      { input: "x".repeat(2_500), outcome: "failed", output: "" },
      ...Array.from({ length: 44 }, (_, i) => ({ input: `Question ${i + 2}` })),
    ]);
    const text = transcript(long);
    expect(text).toContain(`User: ${"x".repeat(2_000)} [... 500 more characters]\nAssistant: (nothing)`);
    expect(text).toContain("Question 10\n");
    expect(text).not.toContain("Question 11\n");
    expect(text).toContain("[... 5 turns left out ...]");
    expect(text).toContain("Turn 16 (answered)");
    expect(text).toContain("Question 45\n");
  });
});
