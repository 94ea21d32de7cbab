import { describe, expect, it } from "vitest";
import { CODE_EVALUATORS } from "@/eval/evaluators";
import { failedTurns } from "@/eval/evaluators/failed-turns";
import { feedbackSummary } from "@/eval/evaluators/feedback-summary";
import { refusedTurns } from "@/eval/evaluators/refused-turns";
import { repeatedQuestion, sameQuestion } from "@/eval/evaluators/repeated-question";
import { stoppedTurns } from "@/eval/evaluators/stopped-turns";
import { turnCount } from "@/eval/evaluators/turn-count";
import { REFUSAL, sessionOf } from "../support/eval-sessions";

/** Each code evaluator: a session in, label / score / explanation out. */

const EMPTY = sessionOf([]);

describe("turn_count", () => {
  it("counts every turn and says how each ended", () => {
    const session = sessionOf([
      { input: "Hello!" },
      { input: "What time is it in Tokyo?" },
      { input: "Simulate a 401", outcome: "failed" },
      { input: "Again", outcome: "refused" },
      { input: "Once more", outcome: "refused" },
    ]);
    expect(turnCount.evaluate(session)).toEqual({
      label: "multi_turn",
      score: 5,
      explanation: "5 turns: 2 answered, 1 failed, 2 refused.",
    });
  });

  it("a single turn is labelled so (a user who asked once and left)", () => {
    expect(turnCount.evaluate(sessionOf([{ input: "Hi", outcome: "stopped" }]))).toEqual({
      label: "single_turn",
      score: 1,
      explanation: "1 turn: 1 stopped.",
    });
  });

  it("a session with no root span is empty, score 0", () => {
    expect(turnCount.evaluate(EMPTY)).toMatchObject({ label: "empty", score: 0 });
  });
});

describe("failed_turns", () => {
  it("some: the share as score, each failed turn with the first sentence of its error", () => {
    const session = sessionOf([
      { input: "Hello!" },
      { input: "Simulate a 401 from the provider", outcome: "failed", statusMessage: "Incorrect API key provided. Check it." },
      { input: "Hello?" },
      { input: "And now?" },
    ]);
    expect(failedTurns.evaluate(session)).toEqual({
      label: "some",
      score: 0.25,
      explanation: '1 of 4 turns failed: turn 2 "Simulate a 401 from the provider": Incorrect API key provided.',
    });
  });

  it("none and all", () => {
    expect(failedTurns.evaluate(sessionOf([{ input: "a" }, { input: "b" }]))).toEqual({
      label: "none",
      score: 0,
      explanation: "No turn failed (of 2 turns).",
    });
    expect(failedTurns.evaluate(sessionOf([{ input: "a", outcome: "failed" }]))).toMatchObject({ label: "all", score: 1 });
  });

  it("long inputs are clipped and a long list ends with how many more", () => {
    const long = "x".repeat(200);
    const session = sessionOf(Array.from({ length: 7 }, () => ({ input: long, outcome: "failed" as const })));
    const verdict = failedTurns.evaluate(session) as { explanation: string };
    expect(verdict.explanation).toContain(`turn 1 "${"x".repeat(59)}…"`);
    expect(verdict.explanation).toContain("turn 5");
    expect(verdict.explanation).not.toContain("turn 6");
    expect(verdict.explanation).toMatch(/; and 2 more\.$/);
  });
});

describe("refused_turns", () => {
  it("all refused: label all, score 1, the refusal's first sentence", () => {
    const session = sessionOf([
      { input: "Hello again", outcome: "refused", statusMessage: REFUSAL, output: REFUSAL },
      { input: "One too many", outcome: "refused", statusMessage: REFUSAL, output: REFUSAL },
    ]);
    expect(refusedTurns.evaluate(session)).toEqual({
      label: "all",
      score: 1,
      explanation:
        '2 of 2 turns refused by the turn limits: turn 1 "Hello again": You have used the 3 turns the Free tier allows an hour; ' +
        'turn 2 "One too many": You have used the 3 turns the Free tier allows an hour.',
    });
  });

  it("failed and stopped turns are not refusals", () => {
    const session = sessionOf([{ input: "a", outcome: "failed" }, { input: "b", outcome: "stopped" }]);
    expect(refusedTurns.evaluate(session)).toMatchObject({ label: "none", score: 0 });
  });
});

describe("stopped_turns", () => {
  it("counts the turns the user stopped", () => {
    const session = sessionOf([{ input: "Write a long story", outcome: "stopped" }, { input: "Shorter please" }, { input: "Thanks" }]);
    expect(stoppedTurns.evaluate(session)).toEqual({
      label: "some",
      score: 0.333,
      explanation: '1 of 3 turns stopped by the user: turn 1 "Write a long story".',
    });
  });
});

describe("feedback_summary", () => {
  const turns = [{ input: "a" }, { input: "b" }, { input: "c" }];

  it("no votes and no rating: no_feedback, no score", () => {
    expect(feedbackSummary.evaluate(sessionOf(turns))).toEqual({
      label: "no_feedback",
      score: null,
      explanation: "No thumbs on any answer and no rating of the conversation.",
    });
  });

  it("one thumbs down with a comment: negative, score 1, the turn and the comment", () => {
    const session = sessionOf(turns, { votes: [{ turnIndex: 2, vote: "negative", comment: "Too vague" }] });
    expect(feedbackSummary.evaluate(session)).toEqual({
      label: "negative",
      score: 1,
      explanation: '1 of 1 vote thumbs down: 1 answer down (turn 2 "Too vague").',
    });
  });

  it("votes and the rating together: the thumbs-down share over all of them", () => {
    const session = sessionOf(turns, {
      votes: [
        { turnIndex: 1, vote: "positive", comment: null },
        { turnIndex: 3, vote: "negative", comment: null },
      ],
      ratings: [{ turnIndex: null, vote: "negative", comment: "Never answered my question" }],
    });
    expect(feedbackSummary.evaluate(session)).toEqual({
      label: "mixed",
      score: 0.667,
      explanation:
        '2 of 3 votes thumbs down: 1 answer down (turn 3); 1 answer up (turn 1); 1 rating down (the conversation "Never answered my question").',
    });
  });

  it("only thumbs up: positive, score 0", () => {
    const session = sessionOf(turns, { ratings: [{ turnIndex: null, vote: "positive", comment: null }] });
    expect(feedbackSummary.evaluate(session)).toMatchObject({ label: "positive", score: 0 });
  });
});

describe("repeated_question", () => {
  it("the same question again after it was answered: repeated, the share of turns", () => {
    const session = sessionOf([{ input: "How do sessions work in Phoenix?" }, { input: "how do sessions work in phoenix" }]);
    expect(repeatedQuestion.evaluate(session)).toEqual({
      label: "repeated",
      score: 0.5,
      explanation: '1 of 2 turns asked again what was already answered: turn 2 repeats turn 1 "How do sessions work in Phoenix?".',
    });
  });

  it("sending again after a refusal, a failure or a Stop is a retry, not a repeat", () => {
    for (const outcome of ["refused", "failed", "stopped"] as const) {
      const session = sessionOf([{ input: "Tell me a story", outcome }, { input: "Tell me a story" }]);
      expect(repeatedQuestion.evaluate(session), outcome).toMatchObject({ label: "no_repeats", score: 0 });
    }
  });

  it("nearly the same words count; a different question with the same frame does not", () => {
    expect(sameQuestion("How do Phoenix sessions group my traces?", "How do Phoenix sessions group my traces, please?")).toBe(true);
    expect(sameQuestion("What time is it in Tokyo?", "What time is it in Paris?")).toBe(false);
    expect(sameQuestion("Hi", "Hello")).toBe(false);
    expect(sameQuestion("", "")).toBe(false);
    expect(sameQuestion("?!", "...")).toBe(false);
  });

  it("one turn cannot repeat", () => {
    expect(repeatedQuestion.evaluate(sessionOf([{ input: "Hi" }]))).toMatchObject({ label: "no_repeats", score: 0 });
  });
});

describe("every code evaluator", () => {
  it("is CODE, has a unique snake_case name that is not Phoenix's reserved `note` or the users' `user_feedback`", () => {
    const names = CODE_EVALUATORS.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const evaluator of CODE_EVALUATORS) {
      expect(evaluator.annotatorKind).toBe("CODE");
      expect(evaluator.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(["note", "user_feedback"]).not.toContain(evaluator.name);
    }
  });

  it("an empty session: turn_count says so, the others have nothing to say", () => {
    for (const evaluator of CODE_EVALUATORS) {
      const verdict = evaluator.evaluate(EMPTY);
      if (evaluator.name === "turn_count") expect(verdict).toMatchObject({ label: "empty" });
      else if (evaluator.name === "feedback_summary") expect(verdict).toMatchObject({ label: "no_feedback" });
      else expect(verdict, evaluator.name).toBeNull();
    }
  });
});
