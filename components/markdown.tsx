"use client";

import Markdown from "markdown-to-jsx";

/**
 * Model output is untrusted text. markdown-to-jsx builds React elements (no
 * innerHTML), raw HTML in the text stays text, and links get a URL sanitizer.
 */
export function MarkdownText({ text }: { text: string }) {
  return (
    <Markdown
      options={{
        disableParsingRawHTML: true,
        forceBlock: true,
        overrides: { a: { props: { target: "_blank", rel: "noopener noreferrer nofollow" } } },
      }}
    >
      {text}
    </Markdown>
  );
}
