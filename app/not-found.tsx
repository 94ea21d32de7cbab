import Link from "next/link";
import { connection } from "next/server";

export default async function NotFound() {
  // Rendered per request, not prerendered: Next can only put this response's CSP nonce
  // (proxy.ts) on the scripts of a page it renders now. A prerendered 404 runs no script.
  await connection();
  return (
    <main className="fatal">
      <p>
        This page does not exist. <Link href="/">Back to the chat</Link>
      </p>
    </main>
  );
}
