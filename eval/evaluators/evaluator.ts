import type { SessionRecord } from "../session-record";

/**
 * An evaluator reads one session and returns a verdict, written to Phoenix as a
 * session annotation named `name`. `null` means "nothing to say about this session"
 * (e.g. it has no turns): nothing is written, and the summary counts it as skipped.
 */

export type Verdict = {
  /** A small fixed set per evaluator, so Phoenix can filter and count by it. */
  label: string;
  /** A number that means something on its own (a share, a count), or null when none does. */
  score: number | null;
  /** What a person reads in Phoenix: the counts and the turns behind the verdict. */
  explanation: string;
};

export type Evaluator = {
  /** The annotation's name in Phoenix (snake_case; `note` is reserved, `user_feedback` is the users'). */
  name: string;
  /** CODE: computed from the record alone, offline. LLM: a model's judgement. */
  annotatorKind: "CODE" | "LLM";
  evaluate(session: SessionRecord): Verdict | null | Promise<Verdict | null>;
  /** Added to each annotation's metadata (e.g. the judge's model). */
  metadata?: Record<string, unknown>;
};

/** A user's words, short enough for one line of an explanation. */
export function quote(words: string, max = 60): string {
  const oneLine = words.replace(/\s+/g, " ").trim();
  return `"${oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine}"`;
}

/** "1 turn", "3 turns". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Shares are rounded to 3 places: Phoenix shows them as they are. */
export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

/** At most `max` items, then "and N more". */
export function listSome(items: string[], max = 5): string {
  if (items.length <= max) return items.join("; ");
  return `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}
