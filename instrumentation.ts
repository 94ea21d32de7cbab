/**
 * Next.js calls `register()` once when a server starts. Tracing is Node-only: the
 * chat's Server Actions run on the Node.js runtime, and Next drops this branch
 * from the Edge bundle.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startNodeServer } = await import("./lib/server-startup");
    startNodeServer();
  }
}
