import { describe, expect, it } from "vitest";
import { createSecretScrubber, scrubSecrets } from "@/lib/tracing";

const openAiKey = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nOp9q";

describe("scrubSecrets", () => {
  it("removes a configured value wherever it appears, however it is shaped", () => {
    const secret = "plain-lowercase-phoenix-key";
    expect(scrubSecrets(`401: key ${secret} rejected (${secret})`, [secret])).toBe("401: key [REDACTED] rejected ([REDACTED])");
  });

  it("removes key-shaped text it was not told about: sk- keys, Bearer tokens, long mixed tokens", () => {
    const text = [
      `Incorrect API key provided: ${openAiKey}.`,
      "Authorization: Bearer abc.DEF-123_456",
      "token=Q2xhdWRlIGlzIGEgaGVscGZ1bCBhc3Npc3Rhbn0Zz9",
      "ghp_0123456789abcdefghijABCDEFGHIJ",
    ].join("\n");
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).toBe(
      ["Incorrect API key provided: [REDACTED].", "Authorization: Bearer [REDACTED]", "token=[REDACTED]", "[REDACTED]"].join("\n"),
    );
  });

  it("leaves ids alone: UUIDs, trace and span ids, hashes, paths, ordinary words and numbers", () => {
    const text = [
      "session 3f2b8c1e-9d4a-4e7b-8a1c-2b3c4d5e6f70",
      "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
      "sha256 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
      "GET /v1/projects/phoenix-session-chat/spans?attribute=session.id",
      "An ordinary sentence with 42 words and a skeleton-key-metaphor in it.",
      "chat.turn.outcome=completed gen_ai.conversation.id",
    ].join("\n");
    expect(scrubSecrets(text)).toBe(text);
  });

  it("leaves a base64 image alone (far longer than any key)", () => {
    const image = `data:image/png;base64,${"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk".repeat(20)}`;
    expect(scrubSecrets(image)).toBe(image);
  });

  it("removes a longer secret whole when it contains a shorter one; ignores empty and very short values", () => {
    const scrub = createSecretScrubber(["abcdefgh", "abcdefgh-and-more", "", undefined, "abc"]);
    expect(scrub("x abcdefgh-and-more y abcdefgh z abc")).toBe("x [REDACTED] y [REDACTED] z abc");
  });

  it("finds a configured key and key-shaped ones hidden in a 50 KB history, and changes nothing else", () => {
    const secret = "plain-lowercase-phoenix-key";
    const history = JSON.stringify(
      Array.from({ length: 125 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Turn ${i}: sessions, spans and traces in Phoenix. `.repeat(8) })),
    );
    expect(history.length).toBeGreaterThan(50_000);
    const at = Math.floor(history.length / 2);
    const pasted = `${history.slice(0, at)} ${secret} ${openAiKey} Bearer abc.DEF-123_456 ${history.slice(at)}`;
    expect(scrubSecrets(pasted, [secret])).toBe(`${history.slice(0, at)} [REDACTED] [REDACTED] Bearer [REDACTED] ${history.slice(at)}`);
    expect(scrubSecrets(history, [secret])).toBe(history);
  });
});
