import type { Feedback, SessionRecord, Turn } from "@/eval/session-record";

/** A session as the evaluators see it, from the few fields a test cares about. */
export function sessionOf(
  turns: (Partial<Turn> & Pick<Turn, "input">)[],
  feedback: { votes?: Feedback[]; ratings?: Feedback[] } = {},
): SessionRecord {
  return {
    sessionId: "session-1",
    startTime: "2026-07-01T10:00:00.000Z",
    endTime: "2026-07-01T10:30:00.000Z",
    turns: turns.map((turn, i) => ({
      index: i + 1,
      traceId: `trace-${i + 1}`,
      startTime: `2026-07-01T10:${String(i).padStart(2, "0")}:00.000Z`,
      output: `Answer ${i + 1}`,
      outcome: "completed",
      statusMessage: null,
      userId: "user-1",
      attributes: {},
      ...turn,
    })),
    votes: feedback.votes ?? [],
    ratings: feedback.ratings ?? [],
  };
}

export const REFUSAL =
  "You have used the 3 turns the Free tier allows an hour. You can send again in 1 hour. Free allows 3 turns an hour; Pro allows 200.";
