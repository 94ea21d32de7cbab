import "server-only";
import { clipGraphemes } from "@/lib/chat/message-size";

/**
 * What the offline demo model says. Deterministic: the same conversation gets
 * the same answer, so tests and screenshots are stable, yet each answer depends
 * on what was asked and on the conversation so far, as a real model's would.
 */

export type DemoPlan =
  | { kind: "text"; text: string }
  | { kind: "tool"; toolName: "get_current_time"; input: { timeZone: string } }
  | { kind: "fail"; status: 401 | 429 | 500 | 504 };

const CITY_TIME_ZONES: Record<string, string> = {
  tokyo: "Asia/Tokyo",
  london: "Europe/London",
  paris: "Europe/Paris",
  berlin: "Europe/Berlin",
  "new york": "America/New_York",
  "san francisco": "America/Los_Angeles",
  "los angeles": "America/Los_Angeles",
  sydney: "Australia/Sydney",
  singapore: "Asia/Singapore",
  "são paulo": "America/Sao_Paulo",
  "sao paulo": "America/Sao_Paulo",
  mumbai: "Asia/Kolkata",
  utc: "UTC",
};

export function planReply(userTexts: string[], canCallTools: boolean): DemoPlan {
  const question = userTexts.at(-1) ?? "";
  const lower = question.toLowerCase();
  const turn = userTexts.length;

  const failure = lower.match(/\bsimulate\b.*?\b(401|429|500|504|timeout)\b/);
  if (failure) {
    const code = failure[1] === "timeout" ? 504 : Number(failure[1]);
    return { kind: "fail", status: code as 401 | 429 | 500 | 504 };
  }

  // An explicit request for a story wins over any keyword inside it ("a story about a clock").
  if (/\b(story|long|essay)\b/.test(lower)) return { kind: "text", text: longStory(question) };

  if (canCallTools && /\b(time|clock|date|day is it)\b/.test(lower)) {
    const city = Object.keys(CITY_TIME_ZONES).find((name) => lower.includes(name));
    return { kind: "tool", toolName: "get_current_time", input: { timeZone: city ? CITY_TIME_ZONES[city]! : "UTC" } };
  }

  if (/\b(session|phoenix|trace|tracing|span)s?\b/.test(lower)) {
    return {
      kind: "text",
      text: [
        "Phoenix groups traces into a **session** by the span attribute `session.id`:",
        "",
        "1. Each conversation here has a session id (a UUID), sealed by the server into a token the browser keeps with the conversation.",
        "2. Each chat turn runs inside `usingSession()` and `usingAttributes()`, so **every span** of the turn carries `session.id`, `user.id` and your `tier`/`region` metadata.",
        "3. Each turn is one trace whose root span holds your words as input and my answer as output.",
        "",
        `This is turn ${turn} of this conversation. Open the session panel's **Open in Phoenix** link to see all of them together.`,
      ].join("\n"),
    };
  }

  if (/^\s*(hi|hello|hey)\b/.test(lower)) {
    return {
      kind: "text",
      text: "Hello! I'm the **offline demo model**: I run inside the app, so no API key is needed. Ask me the time somewhere (I'll call a tool), ask how Phoenix sessions work, or ask for a long story to try the Stop button.",
    };
  }

  const earlier = turn > 1 ? ` Earlier in this conversation you said: “${clip(userTexts[0] ?? "", 60)}”.` : "";
  return {
    kind: "text",
    text: `You said: “${clip(question, 200)}”\n\nI'm the offline demo model, so I can't really reason about that, but this turn is traced like a real one: turn ${turn} of this session, with token counts and a root span in Phoenix.${earlier} Set \`OPENAI_API_KEY\` to talk to a real model.`,
  };
}

export function replyWithToolResult(output: unknown): string {
  const result = output as { timeZone?: string; localTime?: string } | undefined;
  if (result?.localTime) return `It is **${result.localTime}** in \`${result.timeZone}\` (I asked the \`get_current_time\` tool).`;
  return `The \`get_current_time\` tool could not answer: ${typeof output === "string" ? output : JSON.stringify(output)}`;
}

function longStory(question: string): string {
  const subject = question.match(/about (?:a |an |the )?([^.?!]{3,60})/i)?.[1]?.trim() ?? "a lighthouse keeper";
  const beats = [
    `Once there was ${withArticle(subject)} who kept a careful log of every night.`,
    "Each entry was small: the wind, the tide, the ships that passed and the ones that did not.",
    "Nobody read the log, and for years that did not matter, because every night looked like the one before it.",
    "Then one winter the light failed for eleven minutes, and nobody could say why.",
    "The log said the lamp was trimmed, the oil was full, the clockwork was wound.",
    "So the keeper began to write down more: who climbed the stairs, what they touched, how long each task took.",
    "Night after night the entries grew into a chain, each one pointing to the one before it.",
    "When the light faltered again, the chain showed it at once: a window left open, a draft, a flame that bent and guttered.",
    "The keeper closed the window, and the light held.",
    "Years later a new keeper found the logs and understood them instantly, because every night was one story, and every story had a beginning, a middle and an end.",
  ];
  const paragraphs: string[] = [];
  for (let round = 0; round < 3; round++) paragraphs.push(beats.join(" "));
  return paragraphs.join("\n\n");
}

function withArticle(noun: string): string {
  return /^(a|an|the)\s/i.test(noun) ? noun : `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}

/** A quote of the user's words: on one line, at most `max` graphemes (lib/chat/message-size.ts). */
export function clip(text: string, max: number): string {
  return clipGraphemes(text.replace(/\s+/g, " ").trim(), max);
}
