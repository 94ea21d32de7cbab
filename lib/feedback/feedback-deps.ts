import "server-only";
import type { AppConfig } from "@/lib/config";
import { createPhoenixClient, type PhoenixClient } from "@/lib/phoenix/rest-client";
import { flushTraces } from "@/lib/tracing/flush";
import { createOutageLog } from "./outage-log";
import type { FeedbackDeps } from "./submit-feedback";

/**
 * What the feedback actions need, built from the config once per process: one Phoenix
 * client and one outage log, so "Phoenix is down" is logged once for the whole server,
 * not once per request.
 */

const outageLog = createOutageLog();
let client: { key: string; phoenix: PhoenixClient } | undefined;

/** Feedback lives in Phoenix: with tracing off there is no trace to vote on, and the UI shows no buttons. */
export function feedbackEnabled(config: AppConfig): boolean {
  return config.tracingEnabled;
}

export function feedbackDeps(config: AppConfig): FeedbackDeps {
  return {
    phoenix: feedbackEnabled(config) ? phoenixClient(config) : null,
    projectName: config.phoenix.projectName,
    secrets: config.sessionSecrets,
    outageLog,
    write: { flushTraces },
  };
}

function phoenixClient(config: AppConfig): PhoenixClient {
  const { collectorEndpoint, apiKey } = config.phoenix;
  const key = `${collectorEndpoint}\n${apiKey ?? ""}`;
  if (client?.key !== key) client = { key, phoenix: createPhoenixClient({ baseUrl: collectorEndpoint, apiKey }) };
  return client.phoenix;
}
