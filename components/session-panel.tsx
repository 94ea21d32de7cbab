"use client";

import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import type { ChatSession } from "@/lib/session/chat-session";
import { PhoenixLink, TraceDestination } from "./collector-status";

/** Where the traces go, and the Phoenix link, come from <CollectorStatusProvider> (app/page.tsx). */
type Props = {
  /** `sessionId` is null until the tab knows which conversation it shows (read from this browser's storage). */
  session: ChatSession & { sessionId: string | null };
  error: ChatErrorPayload | null;
  busy: boolean;
  /** false with a real model (unless ALLOW_TIER_SWITCH): the tier comes from billing, not from the browser. */
  canChangeTier: boolean;
  onTierChange: (tier: string) => void;
};

export function SessionPanel({ session, error, busy, canChangeTier, onTierChange }: Props) {
  return (
    <aside className="session-panel" aria-label="Session">
      <dl>
        <dt>Session</dt>
        <dd>
          {session.sessionId ? <code data-testid="session-id">{session.sessionId}</code> : <code aria-busy="true">…</code>}
        </dd>
        <dt>User</dt>
        <dd>
          <code data-testid="user-id">{session.userId}</code>
        </dd>
        <dt>
          <label htmlFor="tier">Tier</label>
        </dt>
        <dd>
          {canChangeTier ? (
            <select
              id="tier"
              value={session.tier}
              disabled={busy}
              onChange={(event) => onTierChange(event.target.value)}
              data-testid="tier-select"
            >
              <option value="free">free</option>
              <option value="pro">pro</option>
            </select>
          ) : (
            <span id="tier" data-testid="tier" title="Set by your plan">
              {session.tier}
            </span>
          )}
        </dd>
        <dt>Region</dt>
        <dd data-testid="region">{session.region}</dd>
      </dl>
      <TraceDestination />
      {session.sessionId && (
        <PhoenixLink className="phoenix-link" path={`/redirects/sessions/${session.sessionId}`} testId="open-in-phoenix">
          Open in Phoenix
        </PhoenixLink>
      )}
      {error && (
        <p className="message-error" role="alert">
          {error.message}
        </p>
      )}
    </aside>
  );
}
