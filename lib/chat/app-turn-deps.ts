import "server-only";
import { after } from "next/server";
import { chatModel } from "@/lib/ai/model";
import { loadConfig } from "@/lib/config";
import { turnLimiter } from "@/lib/limits/app-turn-limiter";
import { requireSession } from "@/lib/session/current-session";
import { flushTraces } from "@/lib/tracing/flush";
import type { TurnDeps } from "./send-turn";

/** The turn pipeline's dependencies as the running app has them: its config, cookie, limiter and model. */
export function appTurnDeps(): TurnDeps {
  const config = loadConfig();
  return {
    visitor: requireSession,
    config,
    limiter: turnLimiter(),
    model: chatModel(config.model),
    afterResponse: after,
    flushTraces,
  };
}
