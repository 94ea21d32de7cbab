import { ChatError } from "@/lib/chat/chat-error";
import type { Tier } from "@/lib/session/chat-session";
import type { TurnBudget, TurnRefusal } from "./turn-limiter";

/**
 * A refused turn, in the words a user reads: why, when they can send again, and
 * what the other tier allows. For example:
 *
 *   "You have used the 20 turns the Free tier allows an hour. You can send again
 *    in 12 minutes. Free allows 20 turns an hour; Pro allows 200."
 */
export function describeRefusal(refusal: TurnRefusal, perTier: Record<Tier, TurnBudget>): string {
  if (refusal.reason === "concurrency") {
    const running = refusal.limit === 1 ? "an answer" : `${refusal.limit} answers`;
    return (
      `You already have ${running} being written, the most one user can have at once. ` +
      "Wait for one to finish, or stop it, then send again."
    );
  }
  const tierName = capitalize(refusal.tier);
  return (
    `You have used the ${turns(refusal.limit)} the ${tierName} tier allows ${per(refusal.windowSeconds)}. ` +
    `You can send again in ${duration(refusal.retryAfterSeconds)}. ${compareTiers(refusal.tier, perTier)}`
  );
}

/** The refusal as the typed error the chat UI shows (no Retry button: retrying now would be refused again). */
export function refusalError(refusal: TurnRefusal, perTier: Record<Tier, TurnBudget>): ChatError {
  const code = refusal.reason === "budget" ? "rate_limit:turns" : "rate_limit:concurrent";
  return new ChatError(code, undefined, { message: describeRefusal(refusal, perTier), retryAfterSeconds: refusal.retryAfterSeconds });
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
