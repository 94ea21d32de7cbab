"use client";

import type { Ref } from "react";
import type { Vote } from "@/lib/feedback/feedback-protocol";

/** One thumb of feedback-buttons.tsx: a toggle button (aria-pressed) with an icon and a name. */

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
export function ThumbButton({ label, vote, pressed, pending, busy, onClick, testId, ref }: ThumbProps) {
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
