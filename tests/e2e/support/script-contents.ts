/**
 * What a built JavaScript file holds, told by strings that survive minification (property
 * names, error markers, test ids): production chunks have numbered modules and hashed names,
 * so these are the only labels a browser-side measurement can read. Used by the page-weight
 * benchmark (its chunk breakdown) and by the browser test that Markdown loads with the first
 * answer. A package update can drop a string; a chunk then just goes unlabelled.
 * For bytes per package, `next analyze` reads the build itself (docs/performance.md).
 */
export const SCRIPT_SIGNATURES: ReadonlyArray<{ label: string; signature: string }> = [
  { label: "react-dom", signature: "react-dom" },
  { label: "Next router", signature: "next-router-state-tree" },
  { label: "Next layout router", signature: "useRouterBFCache" },
  { label: "next/link", signature: "useLinkStatus" },
  { label: "RSC client", signature: "resolved_model" },
  { label: "Turbopack runtime", signature: "TURBOPACK_ASSET_SUFFIX" },
  { label: "our components", signature: "assistant-message" },
  { label: "ai SDK", signature: "vercel.ai.error" },
  { label: "AI Gateway", signature: "ai-gateway.vercel.sh" },
  { label: "zod", signature: "$ZodType" },
  // markdown-to-jsx's table of HTML attribute names.
  { label: "markdown-to-jsx", signature: "allowTransparency" },
];

export function scriptContents(body: string): string[] {
  return SCRIPT_SIGNATURES.filter(({ signature }) => body.includes(signature)).map(({ label }) => label);
}

export const MARKDOWN_SIGNATURE = SCRIPT_SIGNATURES.find(({ label }) => label === "markdown-to-jsx")!.signature;
export const OUR_COMPONENTS_SIGNATURE = SCRIPT_SIGNATURES.find(({ label }) => label === "our components")!.signature;
