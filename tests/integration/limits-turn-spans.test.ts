import { beforeAll, describe, expect, it } from "vitest";
import type { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { ChatError } from "@/lib/chat/chat-error";
import { RATE_LIMITED, recordRefusedTurn } from "@/lib/chat/refused-turn";
import { runChatTurn, LIMIT_CHECKED_ATTRIBUTE } from "@/lib/chat/run-turn";
import { createDemoModel } from "@/lib/ai/demo-model";
import { TURN_OUTCOME_ATTRIBUTE } from "@/lib/tracing/turn-span";
import { attr, installInMemoryTracing, newSession, readAll, rootsOf, spansOfTrace } from "./support/traced-turns";

/** How the turn limits show in the traces: a refused turn, and a turn the limits could not check. */

let exporter: InMemorySpanExporter;
beforeAll(() => {
  exporter = installInMemoryTracing();
});

describe("a turn the limits refused", () => {
  it("is one root span in its conversation's session: the user's words in, ERROR, outcome rate_limited, no model call", async () => {
    const session = newSession();
    const refusal = new ChatError("rate_limit:turns", undefined, { message: "You have used the 20 turns the Free tier allows an hour." });
    const traceId = recordRefusedTurn(session, "One more question", refusal);
    const spans = await spansOfTrace(exporter, traceId);
    expect(spans).toHaveLength(1);
    const [root] = rootsOf(spans);
    expect(attr(root!, "input.value")).toBe("One more question");
    expect(attr(root!, "output.value")).toBe(refusal.message);
    expect(attr(root!, TURN_OUTCOME_ATTRIBUTE)).toBe(RATE_LIMITED);
    expect(attr(root!, "session.id")).toBe(session.sessionId);
    expect(attr(root!, "user.id")).toBe(session.userId);
    expect(JSON.parse(String(attr(root!, "metadata")))).toMatchObject({ tier: session.tier, region: session.region });
    expect(root!.status.code).toBe(2);
  });
});

describe("a turn the limits could not check (Redis down)", () => {
  it.each([false, true])("records limit_checked=%s on the root span", async (checked) => {
    const session = newSession();
    const turn = runChatTurn({
      turnId: crypto.randomUUID(),
      session,
      message: "Hello!",
      history: [],
      model: createDemoModel({ delayMs: 0 }),
      limitChecked: checked,
    });
    await readAll(turn.stream);
    const [root] = rootsOf(await spansOfTrace(exporter, turn.traceId));
    expect(attr(root!, LIMIT_CHECKED_ATTRIBUTE)).toBe(checked);
    expect(attr(root!, TURN_OUTCOME_ATTRIBUTE)).toBe("completed");
  });
});
