/**
 * Next.js calls `register()` once when the server starts. It checks the whole
 * configuration first, so a server with a bad environment refuses to start with
 * a message that says what to set, and then registers tracing.
 */
export async function register() {
  // Tracing is Node-only: the chat's Server Actions run on the Node.js runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigError, loadConfig } = await import("./lib/config");
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Serving every request as a 500 would hide the cause; stop here instead.
    console.error(`\n[config] ${error.message}\n`);
    process.exit(1);
  }
  const { registerTracing } = await import("./lib/tracing/register");
  registerTracing(config);
}
