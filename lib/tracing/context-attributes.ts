import {
  getAttributes,
  setAttributes,
  setMetadata,
  setPromptTemplate,
  setSession,
  setTags,
  setUser,
} from "@arizeai/openinference-core";
import { context, type Attributes, type Context } from "@opentelemetry/api";

/**
 * TypeScript counterparts of Phoenix's Python `using_session()` and
 * `using_attributes()`. They put OpenInference attributes on the active
 * OpenTelemetry context; the span processor copies them onto every span that
 * starts inside `fn`, including spans of libraries we do not control (the AI SDK).
 *
 * As in Python: they nest (the inner value wins), and they return `fn`'s result,
 * sync or async (a returned promise keeps the context through its awaits).
 */

export type AttributeOptions = {
  sessionId?: string;
  userId?: string;
  /** Stored as one JSON string under `metadata`, as Phoenix expects. */
  metadata?: Record<string, unknown>;
  tags?: string[];
  promptTemplate?: { template: string; variables?: Record<string, unknown>; version?: string };
  /** Any other attributes every span in `fn` should carry. */
  attributes?: Attributes;
};

/** Metadata keys LangChain uses for a conversation; Phoenix's docs promise they become `session.id`. */
const SESSION_METADATA_KEYS = ["session_id", "thread_id", "conversation_id"] as const;

export function usingSession<T>(sessionId: string, fn: () => T): T {
  return context.with(withSession(context.active(), sessionId), fn);
}

export function usingAttributes<T>(options: AttributeOptions, fn: () => T): T {
  return context.with(withAttributes(context.active(), options), fn);
}

/** The pure form of `usingSession`: a new context, for callers that apply it themselves. */
export function withSession(ctx: Context, sessionId: string): Context {
  // `gen_ai.conversation.id` is added at export (span-pipeline.ts), not here: a `gen_ai.*`
  // key in the context would make every plain span (fetch, db) look like an AI span.
  return setSession(ctx, { sessionId: requireNonEmpty(sessionId, "sessionId") });
}

/** The pure form of `usingAttributes`. */
export function withAttributes(ctx: Context, options: AttributeOptions): Context {
  let next = ctx;
  const sessionId = options.sessionId ?? sessionIdFromMetadata(options.metadata);
  if (sessionId !== undefined) next = withSession(next, sessionId);
  if (options.userId !== undefined) next = setUser(next, { userId: requireNonEmpty(options.userId, "userId") });
  if (options.metadata !== undefined) next = setMetadata(next, options.metadata);
  if (options.tags !== undefined) next = setTags(next, options.tags);
  if (options.promptTemplate !== undefined) next = setPromptTemplate(next, options.promptTemplate);
  if (options.attributes !== undefined) next = addAttributes(next, options.attributes);
  return next;
}

function sessionIdFromMetadata(metadata: Record<string, unknown> | undefined): string | undefined {
  if (!metadata) return undefined;
  for (const key of SESSION_METADATA_KEYS) {
    const value = metadata[key];
    if (typeof value === "string" || typeof value === "number") return String(value);
  }
  return undefined;
}

/** openinference-core keeps one attribute bag per context; merge so outer attributes survive. */
function addAttributes(ctx: Context, attributes: Attributes): Context {
  return setAttributes(ctx, { ...getAttributes(ctx), ...attributes });
}

function requireNonEmpty(value: string, name: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${name} must be a non-empty string; got ${JSON.stringify(value)}`);
  }
  return value;
}
