"use client";

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { ConversationSummary } from "./conversation-records";

/**
 * This browser's conversations, newest activity first: a sidebar on a wide screen,
 * a drawer behind a toggle on a phone (app/conversations.css decides which). Only
 * presentation: the store and the server calls belong to the caller.
 */

type Props = {
  conversations: readonly ConversationSummary[];
  /** The conversation this tab shows; null before its first turn has a token. */
  currentId: string | null;
  onOpen: (sessionId: string) => void;
  onNew: () => void;
  /** Called after the user confirmed. */
  onDelete: (sessionId: string) => void;
  /** E.g. "The oldest conversation was removed to make room." */
  notice?: string | null;
  onDismissNotice?: () => void;
  /** A delete that failed (say, Phoenix refused to delete the traces), with Retry. */
  deleteError?: { sessionId: string; message: string } | null;
  onRetryDelete?: (sessionId: string) => void;
  /** The conversation whose delete is under way. */
  pendingDeleteId?: string | null;
  /** Switching is refused (for example while this tab's answer streams). */
  disabled?: boolean;
};

export function ConversationList(props: Props) {
  const { conversations, currentId, notice, onDismissNotice, disabled = false } = props;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const now = useNow();
  // The store lists newest first already; sorting again keeps the promise whoever passes the list.
  const sorted = useMemo(
    () => [...conversations].sort((a, b) => b.lastActiveAt - a.lastActiveAt || a.sessionId.localeCompare(b.sessionId)),
    [conversations],
  );

  useEffect(() => {
    // The drawer takes focus when it opens, so a keyboard user lands inside it.
    if (open) newButton.current?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && open && !event.defaultPrevented) close();
  };
  const act = (action: () => void) => {
    setOpen(false);
    action();
  };

  return (
    <div className="conversations-area">
      <button
        ref={toggle}
        type="button"
        className="conversations-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((was) => !was)}
        data-testid="conversations-toggle"
      >
        Conversations <span className="conversations-count">({conversations.length})</span>
      </button>
      {open && <div className="conversations-backdrop" onClick={close} aria-hidden="true" />}
      <nav
        id={panelId}
        className="conversations"
        data-open={open}
        aria-label="Conversations"
        onKeyDown={onKeyDown}
        data-testid="conversation-list"
      >
        <div className="conversations-head">
          <button
            ref={newButton}
            type="button"
            className="conversations-new"
            onClick={() => act(props.onNew)}
            disabled={disabled}
            data-testid="new-conversation"
          >
            New conversation
          </button>
          <button type="button" className="conversations-close" onClick={close} aria-label="Close conversations">
            ×
          </button>
        </div>
        {notice && (
          <p className="conversations-notice" role="status" data-testid="conversations-notice">
            <span>{notice}</span>
            {onDismissNotice && (
              <button type="button" onClick={onDismissNotice} aria-label="Dismiss notice">
                ×
              </button>
            )}
          </p>
        )}
        {conversations.length === 0 ? (
          <p className="conversations-empty">No saved conversations yet. Your first message starts one.</p>
        ) : (
          <ol className="conversation-items">
            {sorted.map((conversation) => (
              <ConversationItem
                key={conversation.sessionId}
                conversation={conversation}
                current={conversation.sessionId === currentId}
                now={now}
                disabled={disabled}
                pending={props.pendingDeleteId === conversation.sessionId}
                error={props.deleteError?.sessionId === conversation.sessionId ? props.deleteError.message : null}
                onOpen={() => act(() => props.onOpen(conversation.sessionId))}
                onDelete={() => {
                  props.onDelete(conversation.sessionId);
                  // The item is about to go: keep focus in the list rather than on <body>.
                  newButton.current?.focus();
                }}
                onRetryDelete={props.onRetryDelete && (() => props.onRetryDelete?.(conversation.sessionId))}
              />
            ))}
          </ol>
        )}
      </nav>
    </div>
  );
}

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
};

function ConversationItem({ conversation, current, now, disabled, pending, error, onOpen, onDelete, onRetryDelete }: ItemProps) {
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
        </p>
      )}
    </li>
  );
}

const MINUTE = 60_000;
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

/** The time, refreshed each minute, so "just now" does not stay forever. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), MINUTE);
    return () => clearInterval(timer);
  }, []);
  return now;
}
