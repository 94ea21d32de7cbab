import "server-only";
import { after } from "next/server";
import type { AppConfig } from "@/lib/config";
import { appLimiter } from "@/lib/limits/app-limiter";
import { appPhoenixClient } from "@/lib/phoenix/app-phoenix-client";
import { flushTraces } from "@/lib/tracing/flush";
import { feedbackOutageLog, type FeedbackDeps } from "./submit-feedback";

/**
 * What the feedback actions need, from the config: the app's one Phoenix client (its
 * concurrency cap holds for the whole server), its limiter, and one outage log, so
 * "Phoenix is down" is logged once for the whole server, not once per request.
 */

const outageLog = feedbackOutageLog();

/** Feedback lives in Phoenix: with tracing off there is no trace to vote on, and the UI shows no buttons. */
export function feedbackEnabled(config: AppConfig): boolean {
  return config.tracingEnabled;
}

export function feedbackDeps(config: AppConfig): FeedbackDeps {
  return {
    phoenix: feedbackEnabled(config) ? appPhoenixClient(config) : null,
    projectName: config.phoenix.projectName,
    secrets: config.sessionSecrets,
    outageLog,
    limiter: appLimiter(),
    afterResponse: after,
    flushTraces,
  };
}
