import type { NextConfig } from "next";
import { MAX_ACTION_BODY_BYTES } from "./lib/http/body-limit";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `next dev` serves its scripts to localhost only: at http://127.0.0.1:3000, which many
  // people type, the page would render but never hydrate. Read by `next dev` alone.
  allowedDevOrigins: ["127.0.0.1", "[::1]"],
  // `npm test` typechecks the whole project (tsc) before it builds; the build need not do it again.
  typescript: { ignoreBuildErrors: process.env.SKIP_BUILD_TYPECHECK === "1" },
  turbopack: {
    resolveAlias: {
      // `useChat` brings the `ai` package, which imports the AI Gateway provider at its top: ~30 KB
      // compressed the browser never runs (it calls no model). The server keeps the real one.
      "@ai-sdk/gateway": { browser: "./components/chat/ai-gateway-browser-stub.ts" },
    },
  },
  experimental: {
    // One limit for Next, proxy.ts (413 before decoding) and the browser (bounds what it sends).
    serverActions: { bodySizeLimit: MAX_ACTION_BODY_BYTES },
    // Next buffers a request body for proxy.ts (10 MB by default). Twice the limit: enough for proxy.ts to see that a
    // body without Content-Length (chunked) is over it, and little enough to bound memory.
    proxyClientMaxBodySize: 2 * MAX_ACTION_BODY_BYTES,
  },
  async headers() {
    // The content-independent security headers, on every response (static files too). The CSP needs a
    // per-request nonce, so proxy.ts sets it.
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          // For browsers without CSP's frame-ancestors.
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
