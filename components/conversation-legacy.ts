import type { UIMessage } from "ai";
import { isMessage, isSessionId, readConversation, safeGet, STORAGE_PREFIX, type StorageLike } from "./conversation-records";
import { saveConversation } from "./conversation-store";

/**
 * The first version kept one conversation per session id under `phoenix-chat:<sessionId>`,
 * as its own message views (`{ id, role, text, status, traceId, tools }`), with no token.
 * It deleted that key on "New conversation", so the only history a user could still see
 * is the one of the session in their cookie.
 *
 * Policy: the conversation the server vouches for (it read the session id from the old
 * cookie and sealed a token for it) is converted to `UIMessage`s and kept, in the same
 * Phoenix session. Every other old key is removed: nothing showed it any more, and without
 * a token no server could prove it is the user's. A conversion that does not fit in
 * storage keeps the old key, so nothing is lost, and is tried again on the next load.
 * (`phoenix-chat:v2:<sessionId>`, already `UIMessage[]`, is read the same way.)
 */

export type LegacyMigration = { migrated: string | null; removed: string[] };

const LEGACY_KEY = /^phoenix-chat:(?:v2:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function migrateLegacyHistory(
  storage: StorageLike,
  adopt?: { sessionId: string; token: string },
  now = Date.now(),
): LegacyMigration {
  const legacy: { key: string; sessionId: string }[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i) ?? "";
      const match = key.startsWith(STORAGE_PREFIX) ? LEGACY_KEY.exec(key) : null;
      if (match?.[1]) legacy.push({ key, sessionId: match[1] });
    }
  } catch {
    return { migrated: null, removed: [] };
  }

  let migrated: string | null = null;
  const removed: string[] = [];
  for (const { key, sessionId } of legacy) {
    if (adopt && isSessionId(adopt.sessionId) && sessionId === adopt.sessionId && adopt.token) {
      // Already converted (by another tab a moment ago): the new copy wins.
      if (!readConversation(storage, sessionId)) {
        const messages = convertLegacy(safeGet(storage, key));
        const saved = messages.length > 0 ? saveConversation(storage, sessionId, { token: adopt.token, messages }, { now }) : null;
        if (saved && !saved.ok) continue;
        if (saved) migrated = sessionId;
      }
    }
    try {
      storage.removeItem(key);
      removed.push(key);
    } catch {
      // Storage refused; the next load tries again.
    }
  }
  return { migrated, removed };
}

type Outcome = "completed" | "stopped" | "failed";
const OUTCOME: Record<string, Outcome> = { done: "completed", stopped: "stopped", streaming: "stopped", error: "failed" };

/** Old message views (or v2's `UIMessage`s) to `UIMessage`s; anything unreadable is skipped. */
export function convertLegacy(raw: string | null): UIMessage[] {
  let value: unknown;
  try {
    value = raw === null ? null : JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown): UIMessage[] => {
    if (isMessage(item)) return [item];
    const view = item as Partial<Record<string, unknown>> | null;
    if (typeof view !== "object" || view === null || typeof view.id !== "string" || typeof view.text !== "string") return [];
    if (view.role === "user") return [{ id: view.id, role: "user", parts: [{ type: "text", text: view.text, state: "done" }] }];
    if (view.role !== "assistant" || typeof view.status !== "string" || !(view.status in OUTCOME)) return [];
    const tools = Array.isArray(view.tools) ? view.tools.flatMap(toolPart) : [];
    const text = view.text ? [{ type: "text" as const, text: view.text, state: "done" as const }] : [];
    const metadata = {
      ...(typeof view.traceId === "string" ? { traceId: view.traceId } : {}),
      outcome: OUTCOME[view.status],
      ...(typeof view.error === "object" && view.error !== null ? { error: view.error } : {}),
    };
    return [{ id: view.id, role: "assistant", parts: [...tools, ...text], metadata }];
  });
}

function toolPart(tool: unknown): UIMessage["parts"] {
  const t = tool as Partial<Record<string, unknown>> | null;
  if (typeof t !== "object" || t === null || typeof t.id !== "string" || typeof t.name !== "string") return [];
  const base = { type: `tool-${t.name}` as const, toolCallId: t.id, input: t.input };
  return typeof t.error === "string"
    ? [{ ...base, state: "output-error", errorText: t.error }]
    : [{ ...base, state: "output-available", output: t.output }];
}
