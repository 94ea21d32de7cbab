import "server-only";
import type { PhoenixFailure } from "@/lib/phoenix/rest-client";

/**
 * One log line when Phoenix stops taking feedback and one when it takes it again,
 * not one per vote: while Phoenix is down every click would otherwise add a line.
 * A different failure (down, then 401) is news and gets its own line.
 */
export function createOutageLog(log: Pick<Console, "warn" | "info"> = console) {
  let failing: PhoenixFailure["kind"] | null = null;
  return {
    failed(failure: PhoenixFailure): void {
      if (failing === failure.kind) return;
      failing = failure.kind;
      log.warn(`[feedback] Phoenix did not take feedback (${failure.kind}): ${failure.detail}. Logged once until it recovers.`);
    },
    succeeded(): void {
      if (failing === null) return;
      failing = null;
      log.info("[feedback] Phoenix takes feedback again.");
    },
  };
}

export type OutageLog = ReturnType<typeof createOutageLog>;
