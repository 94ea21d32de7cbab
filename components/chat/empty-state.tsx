"use client";

const EXAMPLE_PROMPTS = [
  "What time is it in Tokyo?",
  "How does Phoenix group traces into sessions?",
  "Write a long story about a lighthouse keeper.",
];
/** Only the offline demo model knows how to fail on request. */
const DEMO_ONLY_PROMPTS = ["Simulate a 429 error from the provider."];

export function EmptyState({ demoModel, onPick }: { demoModel: boolean; onPick: (prompt: string) => void }) {
  const prompts = demoModel ? [...EXAMPLE_PROMPTS, ...DEMO_ONLY_PROMPTS] : EXAMPLE_PROMPTS;
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>Start a conversation</h2>
      <p>Every turn is traced to Phoenix under this conversation&apos;s session id. Try one of these:</p>
      <ul>
        {prompts.map((prompt) => (
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
