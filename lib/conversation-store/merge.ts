/**
 * Two tabs may show the same conversation (one opened it from the list). Each saves
 * the whole list of messages it has, so the last save would drop the turns the other
 * tab added meanwhile. A three-way merge against what this tab last read or wrote
 * (`seen`) tells the two apart:
 * - a stored message this tab never saw is another tab's: it stays, where it was;
 * - one this tab saw and no longer has was removed here (Retry replaced a failed
 *   answer, a refused turn was taken back): it goes;
 * - a message both have is saved as this tab has it; this tab's new ones come last.
 * With nothing from another tab, this tab's list is saved exactly as it is.
 */
export function mergeWithOtherTabs<M extends { id: string }>(stored: readonly M[], seen: ReadonlySet<string>, mine: M[]): M[] {
  const mineById = new Map(mine.map((message) => [message.id, message]));
  if (stored.every((message) => seen.has(message.id) || mineById.has(message.id))) return mine;
  const merged: M[] = [];
  for (const message of stored) {
    const own = mineById.get(message.id);
    if (own) merged.push(own);
    else if (!seen.has(message.id)) merged.push(message);
  }
  const placed = new Set(stored.map((message) => message.id));
  for (const message of mine) if (!placed.has(message.id)) merged.push(message);
  return merged;
}
