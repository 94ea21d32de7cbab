import { MAX_FEEDBACK_COMMENT_CHARS, MAX_MESSAGE_CHARS } from "./message-size";

/**
 * Every failure a user can see, as a small fixed set of codes. The message says
 * what went wrong and what to do; `retryable` decides whether the UI offers Retry.
 */
export type ChatErrorCode =
  | "bad_request:empty_message"
  | "bad_request:message_too_long"
  | "bad_request:malformed"
  | "bad_request:too_large"
  | "bad_request:tier"
  | "forbidden:tier"
  | "bad_request:conversation"
  | "forbidden:conversation"
  | "unauthorized:no_cookie"
  | "unauthorized:session"
  | "unavailable:trace_delete"
  | "bad_request:feedback"
  | "forbidden:feedback"
  | "bad_request:comment_too_long"
  | "unavailable:feedback"
  | "disabled:feedback"
  | "unauthorized:model"
  | "rate_limit:model"
  | "rate_limit:turns"
  | "rate_limit:concurrent"
  | "rate_limit:address"
  | "rate_limit:global"
  | "rate_limit:writes"
  | "gone:conversation"
  | "timeout:model"
  | "unavailable:model"
  | "internal:server"
  | "offline:network";

export type ChatErrorPayload = {
  code: ChatErrorCode;
  message: string;
  retryable: boolean;
  /** When sending again can succeed (the turn limits say), so the UI can show it. */
  retryAfterSeconds?: number;
};

const MESSAGES: Record<ChatErrorCode, { message: string; retryable: boolean }> = {
  "bad_request:empty_message": { message: "Type a message before sending.", retryable: false },
  "bad_request:message_too_long": {
    message: `Messages can be at most ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters. Shorten it and send again.`,
    retryable: false,
  },
  "bad_request:malformed": {
    message: "The app sent a request the server could not read. Reload the page and try again.",
    retryable: false,
  },
  "bad_request:too_large": {
    message:
      "This conversation is too long to send in one request. Start a new conversation, or delete earlier messages, and send again.",
    retryable: false,
  },
  "bad_request:tier": { message: "That tier does not exist. Pick one from the list.", retryable: false },
  "forbidden:tier": {
    message: "Your tier comes from your plan and can't be changed here. (The operator can allow it with ALLOW_TIER_SWITCH=true.)",
    retryable: false,
  },
  "bad_request:conversation": {
    message:
      "This conversation can't be continued here: its link is damaged or was sealed with a secret the server no longer has. Start a new conversation.",
    retryable: false,
  },
  "forbidden:conversation": {
    message: "This conversation belongs to another user, so it can't be continued here. Start a new conversation.",
    retryable: false,
  },
  // Actions never mint a user (lib/identity/visitor-cookie.ts): each says what to do instead of looping.
  "unauthorized:no_cookie": {
    message:
      "Your browser did not send this site's cookie back, so the server cannot tell who you are, and nothing was sent. Allow cookies for this site, then reload the page.",
    retryable: false,
  },
  "unauthorized:session": {
    message:
      "Your session has ended (it expired, or the server's secret changed), and nothing was sent. Reload the page to start a new one; your conversations stay in this browser.",
    retryable: false,
  },
  "unavailable:trace_delete": {
    message:
      "This conversation's traces could not be deleted from Phoenix: it did not answer or refused. The conversation is still listed; retry in a moment.",
    retryable: true,
  },
  "bad_request:feedback": {
    message:
      "This answer can't be rated: its proof of origin is damaged or was sealed with a secret the server no longer has. Your vote was not saved.",
    retryable: false,
  },
  "forbidden:feedback": {
    message: "This answer belongs to another conversation or user, so it can't be rated here. Your vote was not saved.",
    retryable: false,
  },
  "bad_request:comment_too_long": {
    message: `Comments can be at most ${MAX_FEEDBACK_COMMENT_CHARS.toLocaleString("en-US")} characters. Shorten it and send again.`,
    retryable: false,
  },
  "unavailable:feedback": { message: "Your feedback was not saved: Phoenix did not answer. Try again.", retryable: true },
  "disabled:feedback": {
    message: "Feedback is off on this server: tracing is disabled, so there is nowhere to record it.",
    retryable: false,
  },
  "unauthorized:model": {
    message: "The model provider rejected the API key. Check OPENAI_API_KEY on the server.",
    retryable: true,
  },
  "rate_limit:model": {
    message: "The model provider is rate limiting us (429). Wait a few seconds, then retry.",
    retryable: true,
  },
  // The real text is written per refusal (lib/limits/describe-refusal.ts): why, when, what the other tier allows.
  "rate_limit:turns": {
    message: "You have used all the turns your tier allows for now. Wait a while, then send again.",
    retryable: false,
  },
  "rate_limit:concurrent": {
    message: "Too many of your answers are being written at once. Wait for one to finish, or stop it, then send again.",
    retryable: false,
  },
  "rate_limit:address": {
    message: "Too many turns came from your network in the last while. Wait a while, then send again.",
    retryable: false,
  },
  "rate_limit:global": {
    message: "This chat has answered all the turns its operator allows in an hour, for everyone. Wait a while, then send again.",
    retryable: false,
  },
  // Votes, ratings and deletes: each one is a write to Phoenix.
  "rate_limit:writes": {
    message: "You have sent too many votes, ratings or deletions in the last hour, so this one was not saved. Wait a while, then try again.",
    retryable: true,
  },
  // The conversation was deleted (its traces too): a turn or vote would bring its Phoenix session back.
  "gone:conversation": {
    message: "This conversation was deleted, so it can't be continued or rated here. Start a new conversation.",
    retryable: false,
  },
  "timeout:model": { message: "The model took too long to answer. Retry in a moment.", retryable: true },
  "unavailable:model": { message: "The model provider failed to answer. Retry in a moment.", retryable: true },
  "internal:server": {
    message: "The server failed to handle this turn. Retry; if it keeps failing, check the server logs.",
    retryable: true,
  },
  "offline:network": {
    message: "Could not reach the server. Check your connection, then retry.",
    retryable: true,
  },
};

export class ChatError extends Error {
  override name = "ChatError";
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  /** `options.message` replaces the code's standard text when it is written at run time (a turn limit's refusal). */
  constructor(
    readonly code: ChatErrorCode,
    detail?: string,
    options: { message?: string; retryAfterSeconds?: number } = {},
  ) {
    const message = options.message ?? MESSAGES[code].message;
    super(detail ? `${message} (${detail})` : message);
    this.retryable = MESSAGES[code].retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toPayload(): ChatErrorPayload {
    const payload: ChatErrorPayload = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterSeconds !== undefined) payload.retryAfterSeconds = this.retryAfterSeconds;
    return payload;
  }
}

export function chatErrorPayload(code: ChatErrorCode, detail?: string): ChatErrorPayload {
  return new ChatError(code, detail).toPayload();
}
