"use client";

import { lazy, Suspense } from "react";

/**
 * `MarkdownText` (markdown.tsx), loaded the first time an answer renders instead of with the
 * page: markdown-to-jsx is ~31 KB compressed, and the first paint (an empty conversation, a
 * message box) shows no Markdown. Only then does the browser fetch its chunk; every later
 * answer finds it loaded. A conversation restored from storage loads it at once, as it shows answers.
 */
const Markdown = lazy(() => import("./markdown").then((module) => ({ default: module.MarkdownText })));

/**
 * While the chunk loads (tens of ms on a fast line), the answer shows as plain text: the same
 * words, line breaks kept, in the block shape markdown-to-jsx gives (one block alone, several
 * inside a <div> whose outer margins globals.css trims), so nothing jumps when the Markdown
 * replaces it. A live region (`wordsOnly`) gets nothing until then: plain text first and
 * Markdown after would be two changes, and a screen reader would read both.
 */
export function MarkdownText({ text, wordsOnly = false }: { text: string; wordsOnly?: boolean }) {
  const plain = <p className="markdown-pending">{text}</p>;
  const fallback = wordsOnly ? null : /\n\s*\n/.test(text.trim()) ? <div>{plain}</div> : plain;
  return (
    <Suspense fallback={fallback}>
      <Markdown text={text} wordsOnly={wordsOnly} />
    </Suspense>
  );
}
