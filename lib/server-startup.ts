import "server-only";
import { ConfigError, loadConfig } from "./config";
import { registerTracing } from "./tracing/register";

/**
 * What the Node.js server does once at start: check the whole configuration, so a
 * bad environment stops the server with a message that says what to set (instead
 * of serving every request as a 500), then register tracing.
 */
export function startNodeServer(): void {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n[config] ${error.message}\n`);
    process.exit(1);
  }
  registerTracing(config);
}
