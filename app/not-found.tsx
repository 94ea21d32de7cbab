import { connection } from "next/server";

export default async function NotFound() {
  // Rendered per request, not prerendered: Next can only put this response's CSP nonce
  // (proxy.ts) on the scripts of a page it renders now. A prerendered 404 runs no script.
  await connection();
  return (
    <main className="fatal">
      <p>
        {/* A plain <a>, not next/link: the root not-found is in every page's tree, so next/link's code (~3 KB)
            was in the chat page's first load, only to spare one full page load when leaving a 404. */}
        This page does not exist. <a href="/">Back to the chat</a>
      </p>
    </main>
  );
}
