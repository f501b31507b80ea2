// Where boxes are. New boxes are placed by the layout; a box a person drags
// is pinned where they dropped it, and pins persist by box id (the client's
// name plus its side), so a client that comes back — or a restarted studio —
// finds its boxes where they were left.

import type { Graph } from '@jackbay/core/patch';
import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import { type Box, buildBoxes } from '../graph/boxes';
import { arrange as arrangeAll, place, type XY } from '../graph/layout';
import type { BoxNode } from '../graph/view';
import type { BoxPlace } from './history';
import type { Slice } from './store';

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

export interface PositionsSlice {
  /** Where every box is now. */
  positions: ReadonlyMap<string, XY>;
  /** Where a person put boxes; persisted. */
  pinned: ReadonlyMap<string, XY>;

  onNodesChange(changes: NodeChange<BoxNode>[]): void;
  arrange(): void;
  /**
   * Pins boxes at the given places (a loaded preset's), as if a person had
   * dragged them there; gives where the boxes shown were and now are (for undo).
   */
  pinBoxes(at: ReadonlyMap<string, XY>): { before: BoxPlace[]; after: BoxPlace[] };
  /** Puts boxes where they were (undo and redo of moves). */
  placeBoxesAt(places: readonly BoxPlace[]): void;
  /**
   * Where every box goes (for the view slice): the first graph gets a full
   * arrangement, later ones keep what is placed and place only what is new.
   */
  placeBoxes(
    boxes: readonly Box[],
    graph: Graph,
    current: ReadonlyMap<string, XY>,
    pinned: ReadonlyMap<string, XY>,
  ): ReadonlyMap<string, XY>;
}

const layoutKey = (boxes: readonly Box[]) =>
  boxes.map((b) => `${b.id}\u0000${b.width}\u0000${b.height}`).join('\u0001');

/** `storage` is where pins persist (localStorage in the app); null keeps them in memory. */
export const createPositionsSlice =
  (storage: KeyValueStorage | null): Slice<PositionsSlice> =>
  (set, get) => {
    // The last layout: reused while the boxes keep their sizes and nobody moved
    // anything, which is most patches (connections coming and going).
    let lastLayout: {
      key: string;
      positions: ReadonlyMap<string, XY>;
      pinned: ReadonlyMap<string, XY>;
    } | null = null;
    // Where each box being dragged (or moved by the arrow keys) was before.
    const movedFrom = new Map<string, BoxPlace>();
    const placeOf = (
      id: string,
      positions: ReadonlyMap<string, XY>,
      pinned: ReadonlyMap<string, XY>,
    ) => {
      const at = positions.get(id);
      return at ? { id, at, pinned: pinned.has(id) } : null;
    };
    const boxTitle = (id: string) => get().nodes.find((n) => n.id === id)?.data.box.title ?? id;

    return {
      positions: new Map(),
      pinned: loadPinned(storage),

      onNodesChange(changes) {
        const s = get();
        let positions: Map<string, XY> | null = null;
        const dropped: string[] = [];
        for (const c of changes) {
          if (c.type !== 'position') continue;
          if (!movedFrom.has(c.id)) {
            const from = placeOf(c.id, s.positions, s.pinned);
            if (from) movedFrom.set(c.id, from);
          }
          if (c.position) {
            positions ??= new Map(s.positions);
            positions.set(c.id, { x: c.position.x, y: c.position.y });
          }
          if (c.dragging === false) dropped.push(c.id);
        }
        const nodes = applyNodeChanges(
          changes.filter((c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace'),
          s.nodes,
        );
        if (dropped.length === 0) {
          set({ nodes, ...(positions ? { positions } : {}) });
          return;
        }
        // A drop pins the box where the person put it, and moves any box it now covers.
        const current = positions ?? s.positions;
        const pinned = new Map(s.pinned);
        for (const id of dropped) {
          const at = current.get(id);
          if (!at) continue;
          pinned.delete(id); // re-inserted last: the most recent survive the storage limit
          pinned.set(id, at);
        }
        savePinned(storage, pinned);
        set({ nodes });
        set(get().derive({ positions: current, pinned }));
        const before = dropped.flatMap((id) => movedFrom.get(id) ?? []);
        for (const id of dropped) movedFrom.delete(id);
        const after = dropped.flatMap((id) => placeOf(id, current, pinned) ?? []);
        if (before.length > 0)
          get().record({
            label: `move ${before.length === 1 ? boxTitle(before[0]?.id ?? '') : `${before.length} boxes`}`,
            undo: [{ kind: 'move', boxes: before }],
            redo: [{ kind: 'move', boxes: after }],
            key: `move:${dropped.join('\n')}`,
          });
      },

      arrange() {
        const s = get();
        const all = buildBoxes(s.graph);
        const positions = arrangeAll(all, s.graph);
        const pinned = new Map(s.pinned);
        for (const b of all) pinned.delete(b.id);
        savePinned(storage, pinned);
        const before = all.flatMap((b) => placeOf(b.id, s.positions, s.pinned) ?? []);
        set({ ...s.derive({ positions, pinned }), fitRequest: s.fitRequest + 1 });
        const after = all.flatMap((b) => placeOf(b.id, positions, pinned) ?? []);
        get().record({
          label: 'arrange',
          undo: [{ kind: 'move', boxes: before }],
          redo: [{ kind: 'move', boxes: after }],
        });
      },

      placeBoxesAt(places) {
        const s = get();
        const positions = new Map(s.positions);
        const pinned = new Map(s.pinned);
        for (const { id, at, pinned: pin } of places) {
          positions.set(id, at);
          pinned.delete(id);
          if (pin) pinned.set(id, at);
        }
        savePinned(storage, pinned);
        set(s.derive({ positions, pinned }));
      },

      pinBoxes(at) {
        const s = get();
        const before = [...at.keys()].flatMap((id) => placeOf(id, s.positions, s.pinned) ?? []);
        if (at.size === 0) return { before, after: [] };
        const pinned = new Map(s.pinned);
        const positions = new Map(s.positions);
        for (const [id, xy] of at) {
          pinned.delete(id);
          pinned.set(id, xy);
          positions.set(id, xy);
        }
        savePinned(storage, pinned);
        set(s.derive({ positions, pinned }));
        const after = before.flatMap(({ id }) => placeOf(id, positions, pinned) ?? []);
        return { before, after };
      },

      placeBoxes(boxes, graph, current, pinned) {
        const key = layoutKey(boxes);
        if (
          lastLayout &&
          lastLayout.key === key &&
          lastLayout.positions === current &&
          lastLayout.pinned === pinned
        )
          return current;
        const start = current.size === 0 ? arrangeAll(boxes, graph) : current;
        const positions = place(boxes, graph, start, pinned);
        lastLayout = { key, positions, pinned };
        return positions;
      },
    };
  };
