import type { UIMessage } from "ai";
import { isMessage, safeGet, STORAGE_PREFIX, type StorageLike } from "./conversation-records";
import { deleteConversation, saveConversation } from "./conversation-store";

/**
 * The first version kept one conversation per session id under `phoenix-chat:<sessionId>`,
 * as its own message views (`{ id, role, text, status, traceId, tools }`), with no token
 * (`phoenix-chat:v2:<sessionId>` held `UIMessage[]` for a while). The server cannot prove
 * that such a session id is the user's, so it is never continued: each old history becomes
 * a conversation of its own under a token the server seals now (`mint`), its messages
 * kept, its next turn traced in a new Phoenix session.
 *
 * The old key goes first, so a second tab loading at the same moment does not adopt it
 * twice; a conversion that cannot be stored puts it back, to be tried on the next load.
 */

export type LegacyAdoption = { adopted: string[]; removed: string[] };

const LEGACY_KEY = /^phoenix-chat:(?:v2:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export async function adoptLegacyHistories(
  storage: StorageLike,
  mint: () => Promise<{ sessionId: string; token: string } | null>,
  now = Date.now(),
): Promise<LegacyAdoption> {
  const result: LegacyAdoption = { adopted: [], removed: [] };
  for (const key of legacyKeys(storage)) {
    const raw = safeGet(storage, key);
    try {
      storage.removeItem(key);
    } catch {
      continue; // Storage refused; the next load tries again.
    }
    result.removed.push(key);
    const messages = convertLegacy(raw);
    if (messages.length === 0) continue;
    const conversation = await mint();
    const saved = conversation && saveConversation(storage, conversation.sessionId, { token: conversation.token, messages }, { now });
    if (saved && saved.ok) {
      result.adopted.push(conversation.sessionId);
    } else {
      // Not stored (no token, or no room): nothing is lost, the old key is back for the next load.
      if (conversation) deleteConversation(storage, conversation.sessionId);
      putBack(storage, key, raw);
      result.removed.pop();
    }
  }
  return result;
}

function legacyKeys(storage: StorageLike): string[] {
  const keys: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i) ?? "";
      if (key.startsWith(STORAGE_PREFIX) && LEGACY_KEY.test(key)) keys.push(key);
    }
  } catch {
    return [];
  }
  return keys;
}

function putBack(storage: StorageLike, key: string, raw: string | null) {
  try {
    if (raw !== null) storage.setItem(key, raw);
  } catch {
    // Storage refused: the history is gone from this browser.
  }
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
