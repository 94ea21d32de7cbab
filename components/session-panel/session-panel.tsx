"use client";

import { useId, useState } from "react";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import type { Visitor } from "@/lib/identity/visitor";
import { PhoenixLink, TraceDestination } from "./collector-status";

/** Where the traces go, and the Phoenix link, come from <CollectorStatusProvider> (app/page.tsx). */
type Props = {
  visitor: Visitor;
  /** The Phoenix session of the conversation shown: null until the tab knows which one (read from this browser's storage). */
  sessionId: string | null;
  error: ChatErrorPayload | null;
  busy: boolean;
  /** false with a real model (unless ALLOW_TIER_SWITCH): the tier comes from billing, not from the browser. */
  canChangeTier: boolean;
  onTierChange: (tier: string) => void;
};

/**
 * Who you are and where the traces go. On a wide screen always shown; on a phone it
 * folds away behind "Session details" (a disclosure button: app/chat-layout.css hides
 * the toggle on a wide screen), so the chat comes first.
 */
export function SessionPanel({ visitor, sessionId, error, busy, canChangeTier, onTierChange }: Props) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <>
      <div className="session-toggle-area">
        <button
          type="button"
          className="session-toggle"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((was) => !was)}
          data-testid="session-toggle"
        >
          Session details
        </button>
      </div>
      <aside id={panelId} className="session-panel" aria-label="Session" data-open={open}>
        <dl>
          <dt>Session</dt>
          <dd>
            {sessionId ? <code data-testid="session-id">{sessionId}</code> : <code aria-busy="true">…</code>}
          </dd>
          <dt>User</dt>
          <dd>
            <code data-testid="user-id">{visitor.userId}</code>
          </dd>
          <dt>{canChangeTier ? <label htmlFor="tier">Tier</label> : "Tier"}</dt>
          <dd>
            {canChangeTier ? (
              <select
                id="tier"
                value={visitor.tier}
                disabled={busy}
                onChange={(event) => onTierChange(event.target.value)}
                data-testid="tier-select"
              >
                <option value="free">free</option>
                <option value="pro">pro</option>
              </select>
            ) : (
              <span data-testid="tier" title="Set by your plan">
                {visitor.tier}
              </span>
            )}
          </dd>
          <dt>Region</dt>
          <dd data-testid="region">{visitor.region}</dd>
        </dl>
        <TraceDestination />
        {sessionId && (
          <PhoenixLink className="phoenix-link" path={`/redirects/sessions/${sessionId}`} testId="open-in-phoenix">
            Open in Phoenix
          </PhoenixLink>
        )}
        {error && (
          <p className="message-error" role="alert">
            {error.message}
          </p>
        )}
      </aside>
    </>
  );
}
