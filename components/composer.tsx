"use client";

import { useState, type FormEvent, type KeyboardEvent } from "react";
import { checkMessage, MAX_MESSAGE_CHARS } from "@/lib/chat/limits";

type Props = {
  isStreaming: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  draft: string;
  onDraftChange: (text: string) => void;
};

const HINTS = {
  empty: "Type a message first.",
  too_long: `That's over ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters. Shorten it to send.`,
} as const;

export function Composer({ isStreaming, onSend, onStop, draft, onDraftChange }: Props) {
  const [hint, setHint] = useState<string | null>(null);
  const tooLong = draft.length > MAX_MESSAGE_CHARS;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (isStreaming) return;
    const problem = checkMessage(draft);
    if (problem) return setHint(HINTS[problem]);
    setHint(null);
    onSend(draft);
    onDraftChange("");
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
        autoFocus
      />
      <div className="composer-row">
        <p id="composer-hint" className={tooLong || hint ? "hint hint-error" : "hint"} aria-live="polite" data-testid="composer-hint">
          {hint ?? (tooLong ? HINTS.too_long : `${draft.length.toLocaleString("en-US")} / ${MAX_MESSAGE_CHARS.toLocaleString("en-US")}`)}
        </p>
        {isStreaming && (
          <button type="button" className="button-stop" onClick={onStop}>
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
