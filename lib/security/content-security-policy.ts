/**
 * The Content-Security-Policy proxy.ts sets on every page and action response.
 *
 * Scripts run only with this request's nonce ('strict-dynamic' lets those load
 * Next's chunks). Next reads the nonce from the request's CSP header while rendering
 * and puts it on its own script and style tags (Next's CSP guide), which is why the
 * page must render per request (it does: it reads the visitor cookie).
 * Images come from this origin only: model output cannot make the browser fetch an
 * outside URL, even if a Markdown image got past `components/chat/markdown.tsx`.
 */
export function contentSecurityPolicy({
  nonce,
  dev,
  upgradeInsecureRequests,
}: {
  nonce: string;
  /** `next dev`: React rebuilds server error stacks with eval, and Next injects inline styles. */
  dev: boolean;
  /** Only on https: on a plain-http localhost it would turn the page's own requests into failing https ones. */
  upgradeInsecureRequests: boolean;
}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // React `style` props (a Markdown table's column alignment) are attributes, which a nonce cannot cover.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (upgradeInsecureRequests) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable, and new for every response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
