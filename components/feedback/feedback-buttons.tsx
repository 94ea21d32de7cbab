"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import { MAX_FEEDBACK_COMMENT_CHARS } from "@/lib/chat/message-size";
import type { FeedbackChoice, FeedbackResult, Vote } from "@/lib/feedback/feedback-protocol";
import { ThumbButton } from "./feedback-thumb";

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
  const commentLink = useRef<HTMLButtonElement>(null);
  // The button that opened the comment box gets focus back when it closes (Close, Escape, sent).
  const opener = useRef<"down" | "link">("down");
  const refocusOpener = useRef(false);
  const counterId = useId();
  const busy = pending !== undefined;

  useEffect(() => {
    if (commentOpen) {
      textarea.current?.focus();
    } else if (refocusOpener.current) {
      refocusOpener.current = false;
      // "Add a comment" renders again only now, once the box is closed: hence an effect, not the click handler.
      const target = opener.current === "link" ? commentLink.current : null;
      (target ?? downButton.current)?.focus();
    }
  }, [commentOpen]);

  function openComment(by: "down" | "link") {
    opener.current = by;
    setCommentOpen(true);
  }

  function closeComment() {
    refocusOpener.current = true;
    setCommentOpen(false);
  }

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
      // "Not saved" is a status like "saved": it goes to the same status region (the box below shows it).
      setAnnouncement(notSavedMessage(result.error));
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
    if (vote === "negative") openComment("down");
    else setCommentOpen(false);
    void send({ vote });
  }

  function submitComment() {
    const comment = draft.trim();
    void send(comment ? { vote: "negative", comment } : { vote: "negative" }, closeComment);
  }

  const tooLong = draft.length > MAX_FEEDBACK_COMMENT_CHARS;
  const pressed = (vote: Vote) => value?.vote === vote;
  // "Add a comment" follows the vote the user chose, not only the saved one: shown while a
  // thumbs down is on its way (or failed, with Try again), so the Tab order does not change
  // under a keyboard user who closes the box before the save ends. A refusal no retry can
  // change (not this user's answer) does not invite a comment.
  const chosen = busy ? pending : failed?.error.retryable ? failed.next : value;
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
        {chosen?.vote === "negative" && !commentOpen && (
          <button ref={commentLink} type="button" className="feedback-link" onClick={() => openComment("link")} aria-disabled={busy}>
            {chosen.comment ? "Edit comment" : "Add a comment"}
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
            if (event.key === "Escape") closeComment();
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
            <button type="button" onClick={closeComment}>
              Close
            </button>
            <button type="submit" aria-disabled={busy} data-testid={`${text.prefix}-submit`}>
              {busy ? "Sending…" : "Send comment"}
            </button>
          </div>
        </form>
      )}
      {failed && (
        // Announced through the status region below, like "saved".
        <div className="feedback-error" data-testid={`${text.prefix}-error`} data-code={failed.error.code}>
          <span>{notSavedMessage(failed.error)}</span>
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

/** Shown and announced: what failed says so itself, or is told as a vote that was not saved (a lost connection's message is generic). */
function notSavedMessage(error: ChatErrorPayload): string {
  return /not saved/i.test(error.message) ? error.message : `Your feedback was not saved. ${error.message}`;
}

const NETWORK_ERROR: ChatErrorPayload = {
  code: "offline:network",
  message: "Your feedback was not saved: could not reach the server. Check your connection, then try again.",
  retryable: true,
};
