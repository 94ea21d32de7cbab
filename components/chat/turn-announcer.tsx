"use client";

import { useEffect, useRef, useState } from "react";
import type { ChatErrorPayload } from "@/lib/chat/chat-error";
import { messageText, type ChatUIMessage } from "@/lib/chat/chat-message";
import { MarkdownText } from "./lazy-markdown";

/**
 * What a screen reader hears about a turn: the answer once, when it is complete;
 * "Answer stopped."; the error; the refusal. Never the words as they stream: a live
 * region around the messages gets every token, and a screen reader then chatters,
 * or restarts the answer on each change. Turns loaded from storage, or added by
 * another tab, are not announced: only a turn this tab saw streaming.
 */

type Announcement = { id: number; kind: "answer" | "stopped" | "problem"; text: string };

/** Long enough to be queued and read; then the hidden copy leaves the page, so reading it through does not meet it twice. */
const CLEAR_AFTER_MS = 15_000;

export function useTurnAnnouncement(
  messages: readonly ChatUIMessage[],
  busy: boolean,
  refusal: { error: ChatErrorPayload } | null,
): Announcement | null {
  const [announcement, setAnnouncement] = useState<Announcement | null>(null);
  // Answers already finished when this view saw them: never announced.
  const settled = useRef<Set<string> | null>(null);
  settled.current ??= new Set(messages.filter(isFinished).map((m) => m.id));
  /** A turn started in this tab and has not been announced yet. */
  const turnPending = useRef(false);
  const counter = useRef(0);

  useEffect(() => {
    if (busy) {
      turnPending.current = true;
      setAnnouncement(null);
      return;
    }
    // The outcome is written when the stream has ended (use-conversation.ts); until then the answer is not done.
    for (const message of messages) {
      if (!isFinished(message) || settled.current!.has(message.id)) continue;
      settled.current!.add(message.id);
      if (!turnPending.current) continue;
      turnPending.current = false;
      const next = describe(message);
      if (next) setAnnouncement({ id: ++counter.current, ...next });
    }
  }, [messages, busy]);

  useEffect(() => {
    if (!refusal) return;
    // A refused turn never becomes an answer (its question goes back to the box): this is its announcement.
    turnPending.current = false;
    setAnnouncement({ id: ++counter.current, kind: "problem", text: refusal.error.message });
  }, [refusal]);

  useEffect(() => {
    if (!announcement) return;
    const timer = setTimeout(() => setAnnouncement(null), CLEAR_AFTER_MS);
    return () => clearTimeout(timer);
  }, [announcement]);

  return announcement;
}

function isFinished(message: ChatUIMessage): boolean {
  return message.role === "assistant" && message.metadata?.outcome !== undefined;
}

function describe(message: ChatUIMessage): Omit<Announcement, "id"> | null {
  const { outcome, error } = message.metadata ?? {};
  if (outcome === "failed") return { kind: "problem", text: error?.message ?? "The answer failed." };
  if (outcome === "stopped") return { kind: "stopped", text: "Answer stopped." };
  const text = messageText(message);
  return text.trim() ? { kind: "answer", text } : null;
}

/**
 * Two live regions, always on the page (a region added together with its text is
 * often not read): answers politely, problems (errors, refusals) as alerts. Each
 * announcement is a new element (`key`), so the same words twice are read twice.
 */
export function TurnAnnouncer({ announcement }: { announcement: Announcement | null }) {
  const problem = announcement?.kind === "problem" ? announcement : null;
  const polite = announcement && !problem ? announcement : null;
  return (
    <div className="visually-hidden">
      <div role="status" data-testid="turn-announcer">
        {polite && (
          <div key={polite.id}>{polite.kind === "answer" ? <MarkdownText text={polite.text} wordsOnly /> : polite.text}</div>
        )}
      </div>
      <div role="alert" data-testid="turn-alert">
        {problem && <p key={problem.id}>{problem.text}</p>}
      </div>
    </div>
  );
}
