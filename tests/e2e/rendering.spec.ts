import { answers, expect, messageBox, seedConversation, test } from "./support/fixtures";

/**
 * While an answer streams, earlier messages must not re-render: `useChat` keeps
 * their objects, and each item is memoized with stable props. React's <Profiler>
 * reports every render of every message (the e2e build is `next build --profile`).
 */
test("earlier messages do not re-render while an answer streams", async ({ page }) => {
  await page.addInitScript(() => {
    const counts: Record<string, number> = {};
    (window as unknown as { __renders: Record<string, number> }).__renders = counts;
    window.__onMessageRender = (id) => {
      counts[id] = (counts[id] ?? 0) + 1;
    };
  });
  await page.goto("/");
  const messages = Array.from({ length: 10 }, (_, i) => ({
    id: `old-${i}`,
    role: i % 2 ? "assistant" : "user",
    parts: [{ type: "text", text: i % 2 ? `**Answer** ${i}` : `Question ${i}` }],
    metadata: i % 2 ? { outcome: "completed" } : undefined,
  }));
  await seedConversation(page, messages);
  await expect(page.getByTestId("user-message")).toHaveCount(5);
  // The Markdown renderer loads once the stored answers show (components/chat/lazy-markdown.tsx): each answer renders
  // again then, once. Counted from after that, so only what the streaming answer causes is left.
  await expect(page.locator('[data-testid="answer-text"] strong')).toHaveCount(5);

  const before = await page.evaluate(() => ({ ...(window as unknown as { __renders: Record<string, number> }).__renders }));
  expect(Object.keys(before)).toContain("old-0");

  await messageBox(page).fill("Write a long story about a clockmaker.");
  await messageBox(page).press("Enter");
  const answer = answers(page).nth(5);
  await expect(answer).toHaveAttribute("data-status", "done", { timeout: 60_000 });

  const after = await page.evaluate(() => ({ ...(window as unknown as { __renders: Record<string, number> }).__renders }));
  const streamed = Object.entries(after).filter(([id]) => !id.startsWith("old-"));
  // The Profiler is live: the streaming answer rendered once per batch of words.
  expect(Math.max(...streamed.map(([, count]) => count))).toBeGreaterThan(10);
  for (let i = 0; i < 10; i++) expect(after[`old-${i}`], `old-${i}`).toBe(before[`old-${i}`]);
});
