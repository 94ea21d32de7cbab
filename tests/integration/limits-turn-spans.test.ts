import { beforeAll, describe, expect, it } from "vitest";
import type { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { ChatError } from "@/lib/chat/chat-error";
import { clipGraphemes } from "@/lib/chat/message-size";
import { RATE_LIMITED, recordRefusedTurn, REFUSED_INPUT_MAX_CHARS } from "@/lib/chat/refused-turn";
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
    const traceId = recordRefusedTurn(session, "One more question", refusal, {
      reason: "budget",
      limit: 20,
      windowSeconds: 3600,
      retryAfterSeconds: 700,
      tier: "free",
      trace: true,
      refusalsUntraced: 7,
    });
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
    expect(attr(root!, "chat.turn.refusal.reason")).toBe("budget");
    expect(attr(root!, "chat.turn.refusal.retry_after_seconds")).toBe(700);
    expect(attr(root!, "chat.turn.refusals_untraced")).toBe(7);
    // Short words are kept as they are, line breaks included; no length attribute.
    expect(attr(root!, "chat.turn.input_length")).toBeUndefined();
  });

  it("clips long words by graphemes, never splitting an emoji, and keeps their length", async () => {
    const family = "👨‍👩‍👧‍👦";
    for (const offset of [0, 1, 2, 3]) {
      const words = `${"a".repeat(offset)}${family.repeat(400)}`;
      expect(clipGraphemes(words, REFUSED_INPUT_MAX_CHARS)).toBe(`${"a".repeat(offset)}${family.repeat(REFUSED_INPUT_MAX_CHARS - 1 - offset)}…`);
    }
    // Exactly at the limit in graphemes (far over it in UTF-16 units): not clipped.
    expect(clipGraphemes(family.repeat(REFUSED_INPUT_MAX_CHARS), REFUSED_INPUT_MAX_CHARS)).toBe(family.repeat(REFUSED_INPUT_MAX_CHARS));
    expect(clipGraphemes("line one\nline two", 300)).toBe("line one\nline two");
  });
});

describe("a turn the limits could not check (Redis down)", () => {
  it.each([false, true])("records limit_checked=%s on the root span", async (checked) => {
    const session = newSession();
    const turn = runChatTurn({
      turnId: crypto.randomUUID(),
      attributes: session,
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
