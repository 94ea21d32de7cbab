"use client";

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { ConversationSummary } from "@/lib/conversation-store/records";
import { ConversationItem, MINUTE } from "./conversation-item";

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
  onDeleteLocally?: (sessionId: string) => void;
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
  const panel = useRef<HTMLElement>(null);
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
    // On a phone the drawer closes: focus leaves it for its toggle (the opened conversation may then take it).
    if (open) toggle.current?.focus();
    setOpen(false);
    action();
  };
  /** The deleted item is about to go: focus moves to the conversation after it (or before it), else to New conversation. */
  const focusAfterDelete = (sessionId: string) => {
    const index = sorted.findIndex((c) => c.sessionId === sessionId);
    const neighbour = sorted[index + 1] ?? sorted[index - 1];
    const row = neighbour && panel.current?.querySelector(`[data-session-id="${neighbour.sessionId}"]`);
    const candidates = [row?.querySelector<HTMLButtonElement>(".conversation-open"), row?.querySelector<HTMLButtonElement>(".conversation-delete"), newButton.current];
    candidates.find((button) => button && !button.disabled)?.focus();
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
        ref={panel}
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
        {/* Always on the page, so a notice that appears in it is read (a region added with its text often is not). */}
        <div role="status">
          {notice && (
            <p className="conversations-notice" data-testid="conversations-notice">
              <span>{notice}</span>
              {onDismissNotice && (
                <button type="button" onClick={onDismissNotice} aria-label="Dismiss notice">
                  ×
                </button>
              )}
            </p>
          )}
        </div>
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
                  focusAfterDelete(conversation.sessionId);
                  props.onDelete(conversation.sessionId);
                }}
                onRetryDelete={props.onRetryDelete && (() => props.onRetryDelete?.(conversation.sessionId))}
                onDeleteLocally={props.onDeleteLocally && (() => props.onDeleteLocally?.(conversation.sessionId))}
              />
            ))}
          </ol>
        )}
      </nav>
    </div>
  );
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
