import type { StorageLike } from "./records";

/**
 * A `Storage` in memory. The store falls back to it when the browser refuses
 * localStorage (storage disabled, some private modes), so the chat still works
 * for the life of the tab; tests use it with a quota to play a full localStorage.
 * Like browsers, it counts the characters of keys and values against the quota.
 */
export function memoryStorage(quotaChars = Number.POSITIVE_INFINITY): StorageLike & { used(): number } {
  const entries = new Map<string, string>();
  const used = () => [...entries].reduce((sum, [key, value]) => sum + key.length + value.length, 0);
  return {
    get length() {
      return entries.size;
    },
    key: (index) => [...entries.keys()][index] ?? null,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => {
      const previous = entries.get(key);
      const next = used() - (previous === undefined ? 0 : key.length + previous.length) + key.length + value.length;
      if (next > quotaChars) {
        throw new DOMException(`Setting the value of '${key}' exceeded the quota.`, "QuotaExceededError");
      }
      entries.set(key, String(value));
    },
    removeItem: (key) => {
      entries.delete(key);
    },
    used,
  };
}
