import { describe, expect, it } from "vitest";
import { compareTiers, describeRefusal, describeVisitorRefusal, refusalError, writeRefusalError } from "@/lib/limits/describe-refusal";
import type { TurnRefusal } from "@/lib/limits/limiter";

const perTier = { free: { turns: 20, windowSeconds: 3600 }, pro: { turns: 200, windowSeconds: 3600 } };
const traced = { trace: true, refusalsUntraced: 0 };
const budgetRefusal: TurnRefusal = { reason: "budget", limit: 20, windowSeconds: 3600, retryAfterSeconds: 700, tier: "free", ...traced };

describe("describing a refused turn to the user", () => {
  it("says why, when to send again, and what each tier allows", () => {
    expect(describeRefusal(budgetRefusal, perTier)).toBe(
      "You have used the 20 turns the Free tier allows an hour. You can send again in 12 minutes. " +
        "Free allows 20 turns an hour; Pro allows 200.",
    );
  });

  it("puts the user's own tier first", () => {
    const pro = { ...budgetRefusal, tier: "pro" as const, limit: 200, retryAfterSeconds: 42 };
    expect(describeRefusal(pro, perTier)).toBe(
      "You have used the 200 turns the Pro tier allows an hour. You can send again in 42 seconds. " +
        "Pro allows 200 turns an hour; Free allows 20.",
    );
  });

  it("rounds the wait up and names other windows plainly", () => {
    const daily = { free: { turns: 1, windowSeconds: 86_400 }, pro: { turns: 1_000, windowSeconds: 7_200 } };
    const refusal: TurnRefusal = { reason: "budget", limit: 1, windowSeconds: 86_400, retryAfterSeconds: 3_601, tier: "free", ...traced };
    expect(describeRefusal(refusal, daily)).toBe(
      "You have used the 1 turn the Free tier allows a day. You can send again in 1 hour 1 minute. " +
        "Free allows 1 turn a day; Pro allows 1,000 turns every 2 hours.",
    );
    expect(compareTiers("free", { free: { turns: 5, windowSeconds: 90 }, pro: { turns: 9, windowSeconds: 90 } })).toBe(
      "Free allows 5 turns every 90 seconds; Pro allows 9.",
    );
  });

  it("explains the concurrency cap as waiting for a running answer, not as a tier matter", () => {
    const refusal: TurnRefusal = { reason: "concurrency", limit: 2, windowSeconds: 3600, retryAfterSeconds: 1, tier: "free", ...traced };
    expect(describeRefusal(refusal, perTier)).toBe(
      "You already have 2 answers being written, the most one user can have at once. Wait for one to finish, or stop it, then send again.",
    );
  });

  it("becomes a typed, non-retryable chat error carrying the wait", () => {
    expect(refusalError(budgetRefusal, perTier).toPayload()).toEqual({
      code: "rate_limit:turns",
      message: describeRefusal(budgetRefusal, perTier),
      retryable: false,
      retryAfterSeconds: 700,
    });
    const concurrent = refusalError({ ...budgetRefusal, reason: "concurrency", limit: 2, retryAfterSeconds: 1 }, perTier);
    expect(concurrent.toPayload()).toMatchObject({ code: "rate_limit:concurrent", retryable: false, retryAfterSeconds: 1 });
  });

  it("says a network's and everyone's budget as such, not as the user's tier", () => {
    const address: TurnRefusal = { ...budgetRefusal, reason: "address", limit: 200, retryAfterSeconds: 90 };
    expect(describeRefusal(address, perTier)).toBe(
      "Too many turns came from your network: 200 turns an hour is the most one address may send, for everyone behind it together. " +
        "You can send again in 2 minutes.",
    );
    const global: TurnRefusal = { ...budgetRefusal, reason: "global", limit: 1_000, retryAfterSeconds: 1_800 };
    expect(describeRefusal(global, perTier)).toBe(
      "This chat has answered the 1,000 turns its operator allows an hour, for all its users together. You can send again in 30 minutes.",
    );
    expect(refusalError(address, perTier).toPayload()).toMatchObject({ code: "rate_limit:address", retryable: false, retryAfterSeconds: 90 });
    expect(refusalError(global, perTier).toPayload()).toMatchObject({ code: "rate_limit:global", retryable: false, retryAfterSeconds: 1_800 });
  });

  it("says when votes, ratings and deletions can be sent again, and when a new visitor can come back", () => {
    expect(writeRefusalError({ reason: "user", limit: 60, windowSeconds: 3600, retryAfterSeconds: 61 }).toPayload()).toEqual({
      code: "rate_limit:writes",
      message: "Not saved: 60 votes, ratings or deletions an hour are the most one user may send. Try again in 2 minutes.",
      retryable: true,
      retryAfterSeconds: 61,
    });
    expect(describeVisitorRefusal({ ok: false, limit: 20, windowSeconds: 3600, retryAfterSeconds: 300, firstInWindow: true })).toBe(
      "20 new visitors an hour may start a chat from one network, and that many came from yours. Come back in 5 minutes, " +
        "or open the chat in the browser you used before: it still knows you.",
    );
  });
});
