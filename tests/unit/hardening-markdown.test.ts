import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownText } from "@/components/chat/markdown";

const render = (text: string) => renderToStaticMarkup(createElement(MarkdownText, { text }));

describe("Markdown from the model", () => {
  it("shows an image as a link to it, never as an <img>", () => {
    const html = render("Look: ![the chart](https://evil.example/leak.png?q=secret)");
    expect(html).not.toContain("<img");
    expect(html).toContain('href="https://evil.example/leak.png?q=secret"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('target="_blank"');
    expect(html).toMatch(/>the chart<\/a>/);
  });

  it("does the same for reference-style images, images without alt text, and images inside links", () => {
    const html = render("![logo][l]\n\n![](https://evil.example/x.png)\n\n[![inner](https://evil.example/i.png)](https://example.com)\n\n[l]: https://evil.example/logo.png");
    expect(html).not.toContain("<img");
    expect(html).toContain('href="https://evil.example/logo.png"');
    expect(html).toMatch(/>https:\/\/evil\.example\/x\.png<\/a>/);
    // An image inside a link keeps its words, and the page gets no link inside a link.
    expect(html).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow"><span>inner</span></a>');
  });

  it("drops a script URL and keeps the words", () => {
    const html = render("![click me](javascript:alert(1))");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("javascript:");
    expect(html).toContain("click me");
  });

  it("still renders raw HTML as text", () => {
    const html = render('<img src="https://evil.example/raw.png"> and <script>alert(1)</script>');
    expect(html).not.toMatch(/<img|<script/);
  });
});
