/**
 * PHOENIX_COLLECTOR_ENDPOINT may be written as Phoenix's address or as its OTLP URL
 * (`.../v1/traces`, what other OpenTelemetry setups ask for). Everything but the exporter
 * needs the address: `/healthz`, the REST API and the UI live there, not under
 * `/v1/traces/`. lib/config.ts normalises the variable once with this; the exporter adds
 * `/v1/traces` back (lib/tracing/register.ts).
 */
export function phoenixBaseUrl(endpoint: string): string {
  return withoutTrailingSlash(withoutTrailingSlash(endpoint).replace(/\/v1\/traces$/, ""));
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
