import { ChatError, type ChatErrorCode } from "@/lib/chat/chat-error";
import type { Tier } from "@/lib/identity/visitor";
import type { TurnBudget, TurnRefusal, VisitorResult, WriteResult } from "./limiter";

/**
 * A refused turn, in the words a user reads: why, when they can send again, and
 * what the other tier allows. For example:
 *
 *   "You have used the 20 turns the Free tier allows an hour. You can send again
 *    in 12 minutes. Free allows 20 turns an hour; Pro allows 200."
 */
export function describeRefusal(refusal: TurnRefusal, perTier: Record<Tier, TurnBudget>): string {
  const when = `You can send again in ${duration(refusal.retryAfterSeconds)}.`;
  switch (refusal.reason) {
    case "concurrency": {
      const running = refusal.limit === 1 ? "an answer" : `${refusal.limit} answers`;
      return (
        `You already have ${running} being written, the most one user can have at once. ` +
        "Wait for one to finish, or stop it, then send again."
      );
    }
    case "address":
      return (
        `Too many turns came from your network: ${turns(refusal.limit)} ${per(refusal.windowSeconds)} is the most ` +
        `one address may send, for everyone behind it together. ${when}`
      );
    case "global":
      return (
        `This chat has answered the ${turns(refusal.limit)} its operator allows ${per(refusal.windowSeconds)}, ` +
        `for all its users together. ${when}`
      );
    case "budget":
      return (
        `You have used the ${turns(refusal.limit)} the ${capitalize(refusal.tier)} tier allows ${per(refusal.windowSeconds)}. ` +
        `${when} ${compareTiers(refusal.tier, perTier)}`
      );
  }
}

const REFUSAL_CODES = {
  budget: "rate_limit:turns",
  concurrency: "rate_limit:concurrent",
  address: "rate_limit:address",
  global: "rate_limit:global",
} as const satisfies Record<TurnRefusal["reason"], ChatErrorCode>;

/** The refusal as the typed error the chat UI shows (no Retry button: retrying now would be refused again). */
export function refusalError(refusal: TurnRefusal, perTier: Record<Tier, TurnBudget>): ChatError {
  return new ChatError(REFUSAL_CODES[refusal.reason], undefined, {
    message: describeRefusal(refusal, perTier),
    retryAfterSeconds: refusal.retryAfterSeconds,
  });
}

/** A vote, rating or delete over its budget: "You have sent 60 votes, ratings or deletions an hour..." */
export function writeRefusalError(refusal: Extract<WriteResult, { refusal: unknown }>["refusal"]): ChatError {
  const who = refusal.reason === "user" ? "one user" : "one network (everyone behind its address together)";
  const message =
    `Not saved: ${refusal.limit.toLocaleString("en-US")} votes, ratings or deletions ${per(refusal.windowSeconds)} ` +
    `are the most ${who} may send. Try again in ${duration(refusal.retryAfterSeconds)}.`;
  return new ChatError("rate_limit:writes", undefined, { message, retryAfterSeconds: refusal.retryAfterSeconds });
}

/** The page a new visitor over the address's budget sees (proxy.ts answers it with 429). */
export function describeVisitorRefusal(refusal: Extract<VisitorResult, { ok: false }>): string {
  return (
    `${refusal.limit.toLocaleString("en-US")} new visitors ${per(refusal.windowSeconds)} may start a chat from one network, ` +
    `and that many came from yours. Come back in ${duration(refusal.retryAfterSeconds)}, ` +
    "or open the chat in the browser you used before: it still knows you."
  );
}

/** "Free allows 20 turns an hour; Pro allows 200." The user's own tier first. */
export function compareTiers(current: Tier, perTier: Record<Tier, TurnBudget>): string {
  const tiers = (Object.keys(perTier) as Tier[]).sort((a, b) => Number(b === current) - Number(a === current));
  const first = perTier[tiers[0]!];
  const parts = tiers.map((tier, index) => {
    const budget = perTier[tier];
    // Say the window once when every tier shares it: "...; Pro allows 200."
    const sameWindow = index > 0 && budget.windowSeconds === first.windowSeconds;
    const amount = sameWindow ? String(budget.turns) : `${turns(budget.turns)} ${per(budget.windowSeconds)}`;
    return `${capitalize(tier)} allows ${amount}`;
  });
  return `${parts.join("; ")}.`;
}

function turns(n: number): string {
  return n === 1 ? "1 turn" : `${n.toLocaleString("en-US")} turns`;
}

/** A window as "an hour", "a day", "every 2 hours", "every 90 seconds". */
function per(seconds: number): string {
  const units: [number, string, string][] = [
    [86_400, "a day", "days"],
    [3_600, "an hour", "hours"],
    [60, "a minute", "minutes"],
    [1, "a second", "seconds"],
  ];
  for (const [size, one, many] of units) {
    if (seconds % size !== 0) continue;
    const count = seconds / size;
    return count === 1 ? one : `every ${count.toLocaleString("en-US")} ${many}`;
  }
  return `every ${seconds} seconds`;
}

/** A wait, rounded up so that sending at the time we say works: "45 seconds", "12 minutes", "1 hour 5 minutes". */
function duration(seconds: number): string {
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), "second");
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, "hour") : `${plural(hours, "hour")} ${plural(rest, "minute")}`;
}

function plural(n: number, unit: string): string {
  return `${n.toLocaleString("en-US")} ${unit}${n === 1 ? "" : "s"}`;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
