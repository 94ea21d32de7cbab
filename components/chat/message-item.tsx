"use client";

import { memo, Profiler, type ProfilerOnRenderCallback } from "react";
import { FeedbackButtons } from "@/components/feedback/feedback-buttons";
import { PhoenixLink } from "@/components/session-panel/collector-status";
import type { ChatMessagePart, ChatUIMessage } from "@/lib/chat/chat-message";
import { messageText } from "@/lib/chat/chat-message";
import type { FeedbackChoice, FeedbackResult } from "@/lib/feedback/feedback-protocol";
import { isConversationRefused } from "./chat-errors";
import { MarkdownText } from "./lazy-markdown";

type Props = {
  message: ChatUIMessage;
  /** This answer is the one streaming now. */
  streaming: boolean;
  canRetry: boolean;
  /** Stable across renders (see chat.tsx), so earlier messages skip re-rendering while one streams. */
  onRetry: (messageId: string) => void;
  /** Thumbs on a finished answer; absent when feedback is off (tracing disabled). Stable, like onRetry. */
  onVote?: (messageId: string, next: FeedbackChoice | null) => Promise<FeedbackResult>;
};

/** What the e2e tests and screen readers see: streaming, done, stopped or error. */
export function messageStatus(message: ChatUIMessage, streaming: boolean) {
  if (streaming) return "streaming";
  const outcome = message.metadata?.outcome;
  // No outcome: a reload cut the answer off mid-stream.
  return outcome === "failed" ? "error" : outcome === "completed" ? "done" : "stopped";
}

declare global {
  interface Window {
    /** Set by the browser test that proves earlier messages don't re-render while one streams. */
    __onMessageRender?: (messageId: string) => void;
  }
}

/** React calls this only in a profiling build (`next build --profile`, as the e2e tests build). */
const reportRender: ProfilerOnRenderCallback = (id) => window.__onMessageRender?.(id);

/**
 * Memoized: while an answer streams, only the streaming message gets new props
 * (`useChat` keeps the other message objects), so earlier ones skip rendering.
 * The Profiler sits inside the memo, so it reports exactly the renders that happen.
 */
export const MessageItem = memo(function MessageItem(props: Props) {
  return (
    <Profiler id={props.message.id} onRender={reportRender}>
      <MessageBody {...props} />
    </Profiler>
  );
});

function MessageBody({ message, streaming, canRetry, onRetry, onVote }: Props) {
  if (message.role === "user") {
    return (
      <li className="message message-user" data-testid="user-message">
        <p className="message-text">{messageText(message)}</p>
      </li>
    );
  }
  const status = messageStatus(message, streaming);
  const error = message.metadata?.error;
  const traceId = message.metadata?.traceId;
  return (
    <li className="message message-assistant" data-testid="assistant-message" data-status={status}>
      {message.parts.map((part, index) => (
        <MessagePart key={partKey(part, index)} part={part} />
      ))}
      {streaming && !message.parts.some((p) => p.type === "text" && p.text.length > 0) && <Thinking />}
      {status === "stopped" && <p className="message-note">Stopped.</p>}
      {status === "error" && error && (
        // No role="alert": the error is announced once, when it happens (turn-announcer.tsx), not again on every reload.
        <div className="message-error" data-testid="turn-error" data-code={error.code}>
          <span>{error.message}</span>
          {error.retryable && canRetry && (
            <button type="button" onClick={() => onRetry(message.id)}>
              Retry
            </button>
          )}
          {isConversationRefused(error.code) && canRetry && (
            <button type="button" onClick={() => onRetry(message.id)} data-testid="continue-in-new-session">
              Continue in a new conversation
            </button>
          )}
        </div>
      )}
      {onVote && message.metadata?.receipt && (status === "done" || status === "stopped") && (
        <FeedbackButtons value={message.metadata.feedback ?? null} onVote={(next) => onVote(message.id, next)} />
      )}
      {traceId && !streaming && (
        // A link while Phoenix answers; how to start it when it does not; nothing with tracing off.
        <PhoenixLink className="trace-link" path={`/redirects/traces/${traceId}`} testId="trace-link">
          View trace in Phoenix
        </PhoenixLink>
      )}
    </li>
  );
}

/** Shown before the first word of an answer arrives: three blinking dots, and words for a screen reader. */
export function Thinking() {
  return (
    <p className="thinking">
      <span className="visually-hidden">Thinking…</span>
      <span aria-hidden="true" />
      <span aria-hidden="true" />
      <span aria-hidden="true" />
    </p>
  );
}

/** Each step's text stays its own part; tool calls render from their tool parts. */
function MessagePart({ part }: { part: ChatMessagePart }) {
  if (part.type === "text") {
    return part.text.length === 0 ? null : (
      <div className="message-text markdown" data-testid="answer-text">
        <MarkdownText text={part.text} />
      </div>
    );
  }
  if (part.type === "tool-get_current_time") {
    const state =
      part.state === "output-error"
        ? `failed: ${part.errorText}`
        : part.state === "output-available"
          ? summarize(part.output)
          : "running…";
    return (
      <p className="tool-call" data-testid="tool-call" data-state={part.state}>
        <span className="tool-name">get_current_time</span>({summarize(part.input ?? {})}) → {state}
      </p>
    );
  }
  return null;
}

function partKey(part: ChatMessagePart, index: number): string {
  return "toolCallId" in part ? part.toolCallId : `${part.type}-${index}`;
}

function summarize(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
