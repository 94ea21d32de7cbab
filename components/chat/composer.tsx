"use client";

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from "react";
import { checkMessage, MAX_MESSAGE_CHARS } from "@/lib/chat/message-size";

type Props = {
  isStreaming: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  draft: string;
  onDraftChange: (text: string) => void;
  /** The message box, for the view to focus (after an example prompt is picked). */
  inputRef: RefObject<HTMLTextAreaElement | null>;
  autoFocus: boolean;
};

const HINTS = {
  empty: "Type a message first.",
  too_long: `That's over ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters. Shorten it to send.`,
} as const;

export function Composer({ isStreaming, onSend, onStop, draft, onDraftChange, inputRef, autoFocus }: Props) {
  const [hint, setHint] = useState<string | null>(null);
  const tooLong = draft.length > MAX_MESSAGE_CHARS;
  const problem = hint ?? (tooLong ? HINTS.too_long : null);
  const stopHadFocus = useRef(false);

  useEffect(() => {
    // Stop leaves with the answer: a keyboard user who was on it continues in the box, not on <body>.
    if (isStreaming || !stopHadFocus.current) return;
    stopHadFocus.current = false;
    if (document.activeElement === null || document.activeElement === document.body) inputRef.current?.focus();
  }, [isStreaming, inputRef]);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (isStreaming) return;
    const problem = checkMessage(draft);
    if (problem) return setHint(HINTS[problem]);
    setHint(null);
    onSend(draft);
    onDraftChange("");
    // Sent with the button (disabled while the answer streams): focus stays in the box, ready for the next one.
    inputRef.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter is a new line, and an IME composition is never cut short.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }

  return (
    <form className="composer" onSubmit={submit} aria-label="Compose">
      <label htmlFor="message" className="visually-hidden">
        Message
      </label>
      <textarea
        ref={inputRef}
        id="message"
        name="message"
        rows={2}
        value={draft}
        placeholder="Ask something… (Enter to send, Shift+Enter for a new line)"
        onChange={(event) => {
          onDraftChange(event.target.value);
          if (hint) setHint(null);
        }}
        onKeyDown={onKeyDown}
        aria-invalid={tooLong || undefined}
        aria-describedby="composer-hint"
        autoFocus={autoFocus}
      />
      <div className="composer-row">
        {/* The counter changes with every key: not a live region. Only a problem is announced, once. */}
        <p id="composer-hint" className={problem ? "hint hint-error" : "hint"} data-testid="composer-hint">
          {problem ?? `${draft.length.toLocaleString("en-US")} / ${MAX_MESSAGE_CHARS.toLocaleString("en-US")}`}
        </p>
        <span className="visually-hidden" role="status">
          {problem}
        </span>
        {isStreaming && (
          <button
            type="button"
            className="button-stop"
            onClick={onStop}
            onFocus={() => (stopHadFocus.current = true)}
            // A move to another element; a blur as the button leaves the page has no relatedTarget.
            onBlur={(event) => (stopHadFocus.current = event.relatedTarget === null)}
          >
            Stop
          </button>
        )}
        <button type="submit" className="button-send" disabled={isStreaming}>
          Send
        </button>
      </div>
    </form>
  );
}
