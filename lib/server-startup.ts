import "server-only";
import { ConfigError, loadConfig } from "./config";
import { refuseForbiddenMethods } from "./http/refuse-forbidden-methods";
import { stampSocketAddress } from "./http/socket-address";
import { registerTracing } from "./tracing";

/**
 * What the Node.js server does once at start: check the whole configuration, so a
 * bad environment stops the server with a message that says what to set (instead
 * of serving every request as a 500), refuse the methods Next cannot even parse, stamp
 * each request with its socket address, then register tracing with plain values from it.
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
  refuseForbiddenMethods();
  // Before Next sees a request: the client's address for the per-address budgets (lib/limits/client-address.ts).
  stampSocketAddress();
  registerTracing({
    enabled: config.tracingEnabled,
    collectorEndpoint: config.phoenix.collectorEndpoint,
    projectName: config.phoenix.projectName,
    apiKey: config.phoenix.apiKey,
    masking: config.masking,
    // A provider error that echoes the key must not reach Phoenix (registerTracing adds apiKey itself).
    secretsToScrub: config.secrets,
  });
}
