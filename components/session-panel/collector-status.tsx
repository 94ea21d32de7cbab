"use client";

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { CollectorStatus } from "@/lib/phoenix/collector-status";
import styles from "./collector-status.module.css";

/**
 * Where the traces go and whether Phoenix answers, shared by the session panel and
 * every "View trace" link. The page renders it with what the server knows at once
 * ("checking" before its first probe has answered: the page never waits for Phoenix);
 * the tab asks right away when it is still checking, then every few seconds while it
 * is visible (the server caches its probe), so starting or stopping Phoenix shows up
 * without a reload.
 */

const POLL_MS = 5_000;
const Context = createContext<CollectorStatus | null>(null);

export function CollectorStatusProvider({ initial, children }: { initial: CollectorStatus; children: ReactNode }) {
  const [status, setStatus] = useState(initial);
  const tracingOn = initial.tracing === "on";

  useEffect(() => {
    // Turning tracing on or off takes a server restart: nothing to watch.
    if (!tracingOn) return;
    let active = true;
    const refresh = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch("/api/collector-status", { cache: "no-store" });
        const next = response.ok ? ((await response.json()) as CollectorStatus) : null;
        // Same answer, same object: the links do not re-render every few seconds.
        if (active && next) setStatus((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
      } catch {
        // The app's own server is unreachable: the chat says so; keep the last known status.
      }
    };
    const timer = setInterval(refresh, POLL_MS);
    document.addEventListener("visibilitychange", refresh);
    if (initial.tracing === "on" && initial.state === "checking") void refresh();
    return () => {
      active = false;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
    };
    // `initial` is read once, at mount: later renders of the page do not restart the poll.
  }, [tracingOn]);

  return <Context.Provider value={status}>{children}</Context.Provider>;
}

export function useCollectorStatus(): CollectorStatus {
  const status = useContext(Context);
  if (!status) throw new Error("useCollectorStatus needs a <CollectorStatusProvider> above it (app/page.tsx renders one)");
  return status;
}

/** The session panel's line: "Traces → Phoenix at localhost:6006 ● live", and what to do when it is not. */
export function TraceDestination() {
  const status = useCollectorStatus();
  if (status.tracing === "off") {
    return (
      <p className={styles.off} data-testid="trace-destination" data-state="off">
        Tracing is off (<code>TRACING_ENABLED=false</code>): nothing is recorded.
      </p>
    );
  }
  return (
    // A status region: when Phoenix stops or comes back, a screen reader hears the new line (WCAG 4.1.3).
    <div className={styles.destination} role="status" data-testid="trace-destination" data-state={status.state}>
      Traces → Phoenix at <code>{status.collector}</code>
      <span className={`${styles.state} ${styles[status.state]}`}>{status.state}</span>
      {status.state === "unreachable" && (
        <p className={styles.help} data-testid="collector-help">
          {status.problem ? `${capitalize(status.problem)}: t` : "T"}his conversation&apos;s traces are dropped until it
          answers. <StartPhoenixHint local={status.local} />
        </p>
      )}
    </div>
  );
}

/**
 * A link into Phoenix (`path`: `/redirects/traces/<id>`, ...), also while the first
 * probe is still out. Unreachable (failures that lasted, lib/phoenix/collector-health.ts):
 * says how to start Phoenix instead of leading to a dead page. Tracing off, or links
 * turned off (PHOENIX_URL set empty): nothing.
 */
export function PhoenixLink({ path, className, testId, children }: { path: string; className?: string; testId: string; children: ReactNode }) {
  const status = useCollectorStatus();
  if (status.tracing === "off" || status.phoenixUrl === null) return null;
  if (status.state === "unreachable") {
    return (
      <span className={styles.unavailable} data-testid={testId} data-state="unreachable">
        {children}: Phoenix does not answer. <StartPhoenixHint local={status.local} />
      </span>
    );
  }
  return (
    <a className={className} href={`${status.phoenixUrl}${path}`} target="_blank" rel="noopener noreferrer" data-testid={testId} data-state={status.state}>
      {children}
    </a>
  );
}

function StartPhoenixHint({ local }: { local: boolean }) {
  return local ? (
    <>
      Start it with <code>npm run phoenix</code> in another terminal.
    </>
  ) : (
    <>Check that Phoenix is up and that PHOENIX_COLLECTOR_ENDPOINT points at it.</>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
