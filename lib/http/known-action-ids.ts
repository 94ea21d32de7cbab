/**
 * Whether `id` is one of this build's Server Actions, or null when that cannot be known.
 *
 * Next keeps its table of actions on a process-wide singleton once a page or action
 * module has loaded (next/dist/server/app-render/manifests-singleton.js, Next 16).
 * Under `next start` proxy.ts runs in that same Node.js process, so it can ask the
 * very table Next is about to use: never stale, never another build's. It is not a
 * public API, so anything unexpected answers null and Next decides as usual: another
 * Next version, a proxy deployed apart from the pages (Vercel), no page loaded yet.
 */
export function isKnownActionId(id: string): boolean | null {
  const singleton = (globalThis as Record<symbol, unknown>)[Symbol.for("next.server.manifests")];
  const manifest = (singleton as { serverActionsManifest?: { node?: unknown; edge?: unknown } } | undefined)
    ?.serverActionsManifest;
  if (!isTable(manifest?.node)) return null;
  return Object.hasOwn(manifest.node, id) || (isTable(manifest.edge) && Object.hasOwn(manifest.edge, id));
}

function isTable(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
