import "server-only";

/**
 * Turns in flight on this server, so a Stop can reach the generation it means.
 * Keyed by turn id and checked against the user: one user cannot stop another's turn,
 * and a tab's Stop works whatever conversation other tabs have moved to.
 * On a multi-instance deployment a Stop may land on another instance; the browser
 * has already stopped reading by then, and the turn's own time limit ends it.
 */
type ActiveTurn = { userId: string; controller: AbortController };

const activeTurns = new Map<string, ActiveTurn>();

export function registerTurn(turnId: string, userId: string, controller: AbortController): () => void {
  activeTurns.set(turnId, { userId, controller });
  return () => activeTurns.delete(turnId);
}

/** Returns whether a turn of this user was found and stopped. */
export function stopTurn(turnId: string, userId: string): boolean {
  const turn = activeTurns.get(turnId);
  if (!turn || turn.userId !== userId) return false;
  turn.controller.abort(new DOMException("Stopped by the user", "AbortError"));
  return true;
}

export function activeTurnCount(): number {
  return activeTurns.size;
}
