"use client";

export const EXAMPLE_PROMPTS = [
  "What time is it in Tokyo?",
  "How does Phoenix group traces into sessions?",
  "Write a long story about a lighthouse keeper.",
  "Simulate a 429 error from the provider.",
] as const;

export function EmptyState({ onPick }: { onPick: (prompt: string) => void }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>Start a conversation</h2>
      <p>Every turn is traced to Phoenix under this conversation&apos;s session id. Try one of these:</p>
      <ul>
        {EXAMPLE_PROMPTS.map((prompt) => (
          <li key={prompt}>
            <button type="button" onClick={() => onPick(prompt)}>
              {prompt}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
