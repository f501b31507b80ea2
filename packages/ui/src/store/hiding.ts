// What a person hid from the graph (clients by name, whole port types) and
// the boxes they collapsed to their title. Kept in the same storage as box
// pins (localStorage in the app), by client name and box id, so a client
// that comes back — or a restarted studio — is hidden or collapsed as left.
import type { PortType } from '@jackbay/core/contract';
import { PORT_TYPES } from '../graph/hidden';
import type { KeyValueStorage } from './positions';
import type { Slice } from './store';

export const HIDING_KEY = 'jackbay.hiding.v1';
/** Old entries beyond this are dropped, oldest first, so storage stays small. */
const LIMIT = 2000;

export interface Hiding {
  hiddenClients: ReadonlySet<string>;
  hiddenTypes: ReadonlySet<PortType>;
  /** Box ids (boxId in graph/ids.ts: the client's name plus its side). */
  collapsed: ReadonlySet<string>;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function loadHiding(storage: KeyValueStorage | null): Hiding {
  const empty: Hiding = { hiddenClients: new Set(), hiddenTypes: new Set(), collapsed: new Set() };
  if (!storage) return empty;
  try {
    const raw = JSON.parse(storage.getItem(HIDING_KEY) ?? '{}') as Record<string, unknown> | null;
    if (typeof raw !== 'object' || raw === null) return empty;
    return {
      hiddenClients: new Set(strings(raw.clients)),
      hiddenTypes: new Set(PORT_TYPES.filter((t) => strings(raw.types).includes(t))),
      collapsed: new Set(strings(raw.collapsed)),
    };
  } catch {
    // A corrupt entry is no reason not to start: everything is shown.
    return empty;
  }
}

export function saveHiding(storage: KeyValueStorage | null, h: Hiding): void {
  if (!storage) return;
  try {
    storage.setItem(
      HIDING_KEY,
      JSON.stringify({
        clients: [...h.hiddenClients].slice(-LIMIT),
        types: [...h.hiddenTypes],
        collapsed: [...h.collapsed].slice(-LIMIT),
      }),
    );
  } catch {
    // Quota or disabled storage: it then lasts for the session only.
  }
}

export interface HidingSlice extends Hiding {
  setClientHidden(client: string, hidden: boolean): void;
  setTypeHidden(type: PortType, hidden: boolean): void;
  /** Shows every hidden client and type. */
  showAll(): void;
  setCollapsed(box: string, collapsed: boolean): void;
}

/** A set with `item` in or out, re-inserted last so the most recent survive the storage limit. */
function toggled<T>(set: ReadonlySet<T>, item: T, on: boolean): Set<T> {
  const next = new Set(set);
  next.delete(item);
  if (on) next.add(item);
  return next;
}

/** `storage` is where it persists (localStorage in the app); null keeps it in memory. */
export const createHidingSlice =
  (storage: KeyValueStorage | null): Slice<HidingSlice> =>
  (set, get) => {
    const change = (next: Partial<Hiding>) => {
      const s = get();
      saveHiding(storage, {
        hiddenClients: next.hiddenClients ?? s.hiddenClients,
        hiddenTypes: next.hiddenTypes ?? s.hiddenTypes,
        collapsed: next.collapsed ?? s.collapsed,
      });
      set(s.derive(next));
    };
    return {
      ...loadHiding(storage),

      setClientHidden(client, hidden) {
        if (get().hiddenClients.has(client) === hidden) return;
        change({ hiddenClients: toggled(get().hiddenClients, client, hidden) });
      },

      setTypeHidden(type, hidden) {
        if (get().hiddenTypes.has(type) === hidden) return;
        change({ hiddenTypes: toggled(get().hiddenTypes, type, hidden) });
      },

      showAll() {
        change({ hiddenClients: new Set(), hiddenTypes: new Set() });
      },

      setCollapsed(box, collapsed) {
        if (get().collapsed.has(box) === collapsed) return;
        change({ collapsed: toggled(get().collapsed, box, collapsed) });
      },
    };
  };
