import "server-only";
import { headers } from "next/headers";
import { after } from "next/server";
import { chatModel } from "@/lib/ai/model";
import { loadConfig } from "@/lib/config";
import { requireVisitor } from "@/lib/identity/current-visitor";
import { appLimiter, requestAddress } from "@/lib/limits/app-limiter";
import { flushTraces } from "@/lib/tracing/flush";
import type { TurnDeps } from "./send-turn";

/** The turn pipeline's dependencies as the running app has them: its config, cookie, client address, limiter and model. */
export function appTurnDeps(): TurnDeps {
  const config = loadConfig();
  return {
    visitor: requireVisitor,
    address: async () => requestAddress(await headers()),
    config,
    limiter: appLimiter(),
    model: chatModel(config.model),
    afterResponse: after,
    flushTraces,
  };
}
