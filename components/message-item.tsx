"use client";

import type { ChatMessageView, ToolCallView } from "./chat-types";
import { MarkdownText } from "./markdown";

type Props = {
  message: ChatMessageView;
  phoenixUrl: string | null;
  canRetry: boolean;
  onRetry: (assistantId: string) => void;
};

export function MessageItem({ message, phoenixUrl, canRetry, onRetry }: Props) {
  if (message.role === "user") {
    return (
      <li className="message message-user" data-testid="user-message">
        <p className="message-text">{message.text}</p>
      </li>
    );
  }
  const waiting = message.status === "streaming" && message.text.length === 0;
  return (
    <li className="message message-assistant" data-testid="assistant-message" data-status={message.status}>
      {message.tools?.map((tool) => <ToolCall key={tool.id} tool={tool} />)}
      {waiting ? (
        <p className="thinking" aria-label="Thinking">
          <span />
          <span />
          <span />
        </p>
      ) : (
        <div className="message-text markdown" data-testid="answer-text">
          <MarkdownText text={message.text} />
        </div>
      )}
      {message.status === "stopped" && <p className="message-note">Stopped.</p>}
      {message.error && (
        <div className="message-error" role="alert" data-testid="turn-error" data-code={message.error.code}>
          <span>{message.error.message}</span>
          {message.error.retryable && canRetry && (
            <button type="button" onClick={() => onRetry(message.id)}>
              Retry
            </button>
          )}
        </div>
      )}
      {phoenixUrl && message.traceId && message.status !== "streaming" && (
        <a
          className="trace-link"
          href={`${phoenixUrl}/redirects/traces/${message.traceId}`}
          target="_blank"
          rel="noopener noreferrer"
          data-testid="trace-link"
        >
          View trace in Phoenix
        </a>
      )}
    </li>
  );
}

function ToolCall({ tool }: { tool: ToolCallView }) {
  const state = tool.error ? `failed: ${tool.error}` : tool.output === undefined ? "running…" : summarize(tool.output);
  return (
    <p className="tool-call" data-testid="tool-call">
      <span className="tool-name">{tool.name}</span>({summarize(tool.input)}) → {state}
    </p>
  );
}

function summarize(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
