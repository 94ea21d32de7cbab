"use client";

import { useEffect, useId, useRef, useState, type Ref } from "react";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import { MAX_FEEDBACK_COMMENT_CHARS, type FeedbackChoice, type FeedbackResult, type Vote } from "@/lib/feedback/feedback-protocol";

/**
 * Thumbs up and down, for one answer or (see conversation-rating.tsx) a whole
 * conversation. `value` is the saved vote, owned by the caller (it persists it, so it
 * survives a reload); the buttons show only what is saved: while a vote is on its way
 * or after it failed, the old state stays pressed. Thumbs down is saved at once and
 * opens an optional comment; clicking the pressed thumb again removes the vote.
 */

export type FeedbackValue = FeedbackChoice | null;

type Props = {
  value: FeedbackValue;
  onVote: (next: FeedbackValue) => Promise<FeedbackResult>;
  /** Labels and test ids: `answer` -> feedback-*, `conversation` -> rating-*. */
  kind?: "answer" | "conversation";
};

const TEXT = {
  answer: { group: "Rate this answer", up: "Good answer", down: "Bad answer", prompt: "What was wrong? (optional)", prefix: "feedback" },
  conversation: {
    group: "Rate this conversation",
    up: "Good conversation",
    down: "Bad conversation",
    prompt: "What went wrong? (optional)",
    prefix: "rating",
  },
} as const;

export function FeedbackButtons({ value, onVote, kind = "answer" }: Props) {
  const text = TEXT[kind];
  const [pending, setPending] = useState<FeedbackValue | undefined>(undefined);
  // What failed, so "Try again" repeats exactly that (including closing the comment box once saved).
  const [failed, setFailed] = useState<{ next: FeedbackValue; onSaved?: () => void; error: ChatErrorPayload } | null>(
    null,
  );
  const [commentOpen, setCommentOpen] = useState(false);
  const [draft, setDraft] = useState(value?.comment ?? "");
  // The saved comment can arrive after mount (the conversation rating is read from
  // localStorage in an effect): without this, "Edit comment" opened an empty box and
  // sending it erased the saved comment. Adjusted while rendering, as React advises.
  const [savedComment, setSavedComment] = useState(value?.comment);
  if (value?.comment !== savedComment) {
    setSavedComment(value?.comment);
    setDraft(value?.comment ?? "");
  }
  const [announcement, setAnnouncement] = useState("");
  const textarea = useRef<HTMLTextAreaElement>(null);
  const downButton = useRef<HTMLButtonElement>(null);
  const counterId = useId();
  const busy = pending !== undefined;

  useEffect(() => {
    if (commentOpen) textarea.current?.focus();
  }, [commentOpen]);

  async function send(next: FeedbackValue, onSaved?: () => void): Promise<void> {
    if (busy) return;
    setPending(next);
    setFailed(null);
    setAnnouncement("Saving your feedback…");
    let result: FeedbackResult;
    try {
      result = await onVote(next);
    } catch {
      result = { ok: false, error: NETWORK_ERROR };
    }
    setPending(undefined);
    if (!result.ok) {
      setFailed({ next, onSaved, error: result.error });
      setAnnouncement("");
      return;
    }
    setAnnouncement(next === null ? "Feedback removed." : "Thanks, your feedback was saved.");
    onSaved?.();
  }

  function choose(vote: Vote) {
    if (value?.vote === vote) {
      setCommentOpen(false);
      void send(null);
      return;
    }
    if (vote === "negative") setCommentOpen(true);
    else setCommentOpen(false);
    void send({ vote });
  }

  function submitComment() {
    const comment = draft.trim();
    void send(comment ? { vote: "negative", comment } : { vote: "negative" }, () => {
      setCommentOpen(false);
      downButton.current?.focus();
    });
  }

  const tooLong = draft.length > MAX_FEEDBACK_COMMENT_CHARS;
  const pressed = (vote: Vote) => value?.vote === vote;
  return (
    <div className="feedback" role="group" aria-label={text.group} aria-busy={busy} data-testid={`${text.prefix}-buttons`}>
      <div className="feedback-thumbs">
        <ThumbButton
          label={text.up}
          vote="positive"
          pressed={pressed("positive")}
          pending={busy && pending?.vote === "positive"}
          busy={busy}
          onClick={() => choose("positive")}
          testId={`${text.prefix}-up`}
        />
        <ThumbButton
          ref={downButton}
          label={text.down}
          vote="negative"
          pressed={pressed("negative")}
          pending={busy && pending?.vote === "negative"}
          busy={busy}
          onClick={() => choose("negative")}
          testId={`${text.prefix}-down`}
        />
        {value?.vote === "negative" && !commentOpen && (
          <button type="button" className="feedback-link" onClick={() => setCommentOpen(true)} aria-disabled={busy}>
            {value.comment ? "Edit comment" : "Add a comment"}
          </button>
        )}
      </div>
      {commentOpen && (
        <form
          className="feedback-comment"
          onSubmit={(event) => {
            event.preventDefault();
            submitComment();
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              setCommentOpen(false);
              downButton.current?.focus();
            }
          }}
        >
          <label>
            <span>{text.prompt}</span>
            <textarea
              ref={textarea}
              value={draft}
              rows={3}
              onChange={(event) => setDraft(event.target.value)}
              aria-describedby={counterId}
              aria-invalid={tooLong || undefined}
              data-testid={`${text.prefix}-comment`}
            />
          </label>
          <div className="feedback-comment-actions">
            <span id={counterId} className={tooLong ? "feedback-counter over" : "feedback-counter"}>
              {draft.length.toLocaleString("en-US")} / {MAX_FEEDBACK_COMMENT_CHARS.toLocaleString("en-US")}
              {tooLong && " (too long)"}
            </span>
            <button type="button" onClick={() => setCommentOpen(false)}>
              Close
            </button>
            <button type="submit" aria-disabled={busy} data-testid={`${text.prefix}-submit`}>
              {busy ? "Sending…" : "Send comment"}
            </button>
          </div>
        </form>
      )}
      {failed && (
        <div className="feedback-error" role="alert" data-testid={`${text.prefix}-error`} data-code={failed.error.code}>
          <span>{failed.error.message}</span>
          {failed.error.retryable && (
            <button type="button" onClick={() => void send(failed.next, failed.onSaved)}>
              Try again
            </button>
          )}
        </div>
      )}
      <span className="visually-hidden" role="status">
        {announcement}
      </span>
    </div>
  );
}

const NETWORK_ERROR: ChatErrorPayload = {
  code: "offline:network",
  message: "Your feedback was not saved: could not reach the server. Check your connection, then try again.",
  retryable: true,
};

type ThumbProps = {
  label: string;
  vote: Vote;
  pressed: boolean;
  pending: boolean;
  busy: boolean;
  onClick: () => void;
  testId: string;
  ref?: Ref<HTMLButtonElement>;
};

/** aria-disabled, not disabled, while busy: a disabled button drops keyboard focus. */
function ThumbButton({ label, vote, pressed, pending, busy, onClick, testId, ref }: ThumbProps) {
  return (
    <button
      ref={ref}
      type="button"
      className="feedback-thumb"
      aria-label={label}
      title={pressed ? `${label} (click again to remove)` : label}
      aria-pressed={pressed}
      aria-disabled={busy}
      data-pending={pending || undefined}
      data-testid={testId}
      onClick={() => {
        if (!busy) onClick();
      }}
    >
      <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" className={vote === "negative" ? "flip" : undefined}>
        <path
          d="M7 10v11H3V10h4Zm2 11h8.3a2 2 0 0 0 2-1.6l1.3-7A2 2 0 0 0 18.6 10H14l.8-4.2a1.6 1.6 0 0 0-2.9-1.2L9 9.5V21Z"
          fill={pressed ? "currentColor" : "none"}
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinejoin="round"
        />
      </svg>
    </button>
  );
}
