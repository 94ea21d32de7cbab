import type { ChatErrorPayload } from "@/lib/chat/chat-error";

export type ToolCallView = {
  id: string;
  name: string;
  input: unknown;
  output?: unknown;
  error?: string;
};

export type ChatMessageView = {
  id: string;
  role: "user" | "assistant";
  text: string;
  /** streaming -> done | stopped | error; user messages are always done. */
  status: "streaming" | "done" | "stopped" | "error";
  error?: ChatErrorPayload;
  traceId?: string;
  tools?: ToolCallView[];
};
