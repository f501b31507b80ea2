// Positions a person gave boxes, kept across sessions by client name (a box
// id is the client's name plus its side), so a client that comes back — or a
// restarted studio — finds its boxes where they were left.
import type { XY } from '../graph/layout';

export const POSITIONS_KEY = 'jackbay.positions.v1';
/** Old entries beyond this are dropped, oldest first, so storage stays small. */
const LIMIT = 2000;

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function loadPinned(storage: KeyValueStorage | null): Map<string, XY> {
  const out = new Map<string, XY>();
  if (!storage) return out;
  try {
    const raw = JSON.parse(storage.getItem(POSITIONS_KEY) ?? '{}') as unknown;
    if (typeof raw !== 'object' || raw === null) return out;
    for (const [id, v] of Object.entries(raw)) {
      const { x, y } = (v ?? {}) as { x?: unknown; y?: unknown };
      if (
        typeof x === 'number' &&
        typeof y === 'number' &&
        Number.isFinite(x) &&
        Number.isFinite(y)
      )
        out.set(id, { x, y });
    }
  } catch {
    // A corrupt entry is no reason not to start: the layout places everything afresh.
  }
  return out;
}

export function savePinned(storage: KeyValueStorage | null, pinned: ReadonlyMap<string, XY>): void {
  if (!storage) return;
  const entries = [...pinned.entries()].slice(-LIMIT);
  try {
    storage.setItem(POSITIONS_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Quota or disabled storage: positions then last for the session only.
  }
}
