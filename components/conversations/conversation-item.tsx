"use client";

import { useEffect, useRef, useState } from "react";
import type { ConversationSummary } from "@/lib/conversation-store/records";

/**
 * One conversation in the list: open it, or delete it behind a confirmation
 * (Cancel focused first, Escape backs out). A failed delete offers Retry, and deleting
 * the copy in this browser only: that one can always go.
 */

type ItemProps = {
  conversation: ConversationSummary;
  current: boolean;
  now: number;
  disabled: boolean;
  pending: boolean;
  error: string | null;
  onOpen: () => void;
  onDelete: () => void;
  onRetryDelete: (() => void) | undefined;
  /** After Phoenix failed to delete the traces: delete the copy in this browser all the same. */
  onDeleteLocally: (() => void) | undefined;
};

export function ConversationItem(props: ItemProps) {
  const { conversation, current, now, disabled, pending, error, onOpen, onDelete, onRetryDelete, onDeleteLocally } = props;
  const [confirming, setConfirming] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const { sessionId, title, lastActiveAt, turns } = conversation;

  useEffect(() => {
    // Cancel is the safe default under the keyboard: Enter twice never deletes.
    if (confirming) cancel.current?.focus();
  }, [confirming]);

  const stopConfirming = () => {
    setConfirming(false);
    requestAnimationFrame(() => deleteButton.current?.focus());
  };

  return (
    <li className="conversation-item" data-current={current} data-testid="conversation-item" data-session-id={sessionId}>
      <button
        type="button"
        className="conversation-open"
        onClick={onOpen}
        disabled={(disabled && !current) || pending}
        aria-current={current ? "true" : undefined}
      >
        <span className="conversation-title">{title}</span>
        <span className="conversation-meta">
          <time dateTime={new Date(lastActiveAt).toISOString()} title={new Date(lastActiveAt).toLocaleString()}>
            {lastActiveLabel(lastActiveAt, now)}
          </time>
          {" · "}
          {turns === 1 ? "1 turn" : `${turns} turns`}
        </span>
      </button>
      {pending ? (
        <span className="conversation-pending" role="status">
          Deleting…
        </span>
      ) : confirming ? (
        <div
          className="conversation-confirm"
          role="group"
          aria-label={`Delete “${title}”?`}
          onKeyDown={(event) => {
            if (event.key !== "Escape") return;
            event.preventDefault(); // Escape cancels the question, not the whole drawer.
            stopConfirming();
          }}
        >
          <span aria-hidden="true">Delete?</span>
          <button
            type="button"
            className="conversation-confirm-delete"
            onClick={() => {
              setConfirming(false);
              onDelete();
            }}
            data-testid="confirm-delete"
          >
            Delete
          </button>
          <button ref={cancel} type="button" onClick={stopConfirming}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          ref={deleteButton}
          type="button"
          className="conversation-delete"
          onClick={() => setConfirming(true)}
          aria-label={`Delete “${title}”`}
          data-testid="delete-conversation"
        >
          Delete
        </button>
      )}
      {error && (
        <p className="message-error conversation-error" role="alert">
          <span>{error}</span>
          {onRetryDelete && (
            <button type="button" onClick={onRetryDelete}>
              Retry
            </button>
          )}
          {onDeleteLocally && (
            <button type="button" onClick={onDeleteLocally} data-testid="delete-locally">
              Delete from this browser only
            </button>
          )}
        </p>
      )}
    </li>
  );
}

export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "yesterday", "3 days ago", then the date. */
export function lastActiveLabel(then: number, now: number): string {
  const elapsed = Math.max(0, now - then);
  if (elapsed < MINUTE) return "just now";
  const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (elapsed < HOUR) return relative.format(-Math.floor(elapsed / MINUTE), "minute");
  if (elapsed < DAY) return relative.format(-Math.floor(elapsed / HOUR), "hour");
  if (elapsed < 7 * DAY) return relative.format(-Math.floor(elapsed / DAY), "day");
  return new Date(then).toLocaleDateString("en", { day: "numeric", month: "short", year: "numeric" });
}

