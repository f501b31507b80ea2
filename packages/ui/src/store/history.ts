// Undo and redo of what this page changed: connections made or removed
// (by drag, dialog, keyboard or menu; a pair is one step), renames, the
// service's re-makings and box moves. Any other change that should be
// undoable records a HistoryEntry (its label and the ops that undo and redo
// it), e.g. a preset load: `get().record(connectionChange('load preset "x"', result))`.
//
// The history lives in the page: it survives the server (and the service)
// going and coming back, and each page or window has its own, of what it did
// itself. Ops say what the graph should become (connected, not connected, this
// pretty name, this position), so applying one that already holds — another
// page or client got there first — counts as done. An op that cannot be
// applied (its port does not exist now) leaves the entry where it was, says
// why, and a second try skips it, so one lost port never blocks the rest.
import type { Connection, RestoreState } from '@jackbay/core/contract';
import { toRequestError } from '../api/errors';
import { plural } from '../format';
import type { XY } from '../graph/layout';
import { edgeLabel } from '../graph/view';
import { mayRequest } from './link';
import type { Slice } from './store';

/** Where a box is put back: its position, and whether a person's pin holds it there. */
export interface BoxPlace {
  id: string;
  at: XY;
  pinned: boolean;
}

export type HistoryOp =
  | { kind: 'connect'; connection: Connection }
  | { kind: 'disconnect'; connection: Connection }
  /** Sets a client's or port's pretty name; null removes it. */
  | { kind: 'rename'; target: 'client' | 'port'; name: string; prettyName: string | null }
  | { kind: 'move'; boxes: BoxPlace[] };

export interface HistoryEntry {
  /** What it did, for the buttons' titles: "connect a:out → b:in". */
  label: string;
  undo: HistoryOp[];
  redo: HistoryOp[];
  /**
   * Entries with the same key recorded moments apart are one step (arrow-key
   * moves of the same boxes; a re-making the service extends).
   */
  key?: string;
}

/** Entries kept per direction; the oldest go first. */
export const HISTORY_LIMIT = 200;
/** Entries of the same key closer than this are merged. */
const MERGE_MS = 1000;

export interface HistorySlice {
  /** Oldest first: the last is what Undo takes back. */
  undoStack: HistoryEntry[];
  /** Oldest first: the last is what Redo makes again. */
  redoStack: HistoryEntry[];

  /** A change the person made: it goes on the undo stack and clears redo. */
  record(entry: HistoryEntry): void;
  /** Takes back the last change; false when nothing changed (a toast says why). */
  undo(): Promise<boolean>;
  redo(): Promise<boolean>;
  /** Records the service's latest re-making (from its restore state) as a step. */
  noteRestore(state: RestoreState): void;
}

/** What a list of connections is called in a label. */
function connectionsLabel(list: readonly Connection[]): string {
  return list.length <= 2 ? list.map(edgeLabel).join(', ') : plural(list.length, 'connection');
}

/**
 * The entry for connections added and removed as one step (a connect, a
 * disconnect, a preset load): undo removes what was added and makes what was
 * removed again, redo the opposite.
 */
export function connectionChange(
  label: string,
  change: { added: readonly Connection[]; removed: readonly Connection[] },
): HistoryEntry {
  const op = (kind: 'connect' | 'disconnect') => (connection: Connection) =>
    ({ kind, connection }) as HistoryOp;
  return {
    label,
    undo: [...change.added.map(op('disconnect')), ...change.removed.map(op('connect'))],
    redo: [...change.removed.map(op('disconnect')), ...change.added.map(op('connect'))],
  };
}

/** The entry for connections made (connect) or removed (disconnect) from the page. */
export function connectionsEntry(
  kind: 'connect' | 'disconnect',
  list: readonly Connection[],
): HistoryEntry {
  return connectionChange(`${kind} ${connectionsLabel(list)}`, {
    added: kind === 'connect' ? list : [],
    removed: kind === 'disconnect' ? list : [],
  });
}

function describeOp(op: HistoryOp): string {
  switch (op.kind) {
    case 'connect':
    case 'disconnect':
      return `${op.kind} ${edgeLabel(op.connection)}`;
    case 'rename':
      return `rename ${op.name}`;
    case 'move':
      return 'move';
  }
}

export const createHistorySlice: Slice<HistorySlice> = (set, get) => {
  // One undo or redo at a time: a key held down queues its steps in order.
  let queue: Promise<unknown> = Promise.resolve();
  // The entry whose ops failed last time: trying it again skips it.
  let blocked: HistoryEntry | null = null;
  let lastRecordAt = Number.NEGATIVE_INFINITY;
  // The re-making last recorded, so one seen again is not a new step.
  let restoreNoted: { id: number; count: number } | null = null;
  let restoreSeen = false;

  // Resolves with null when the op holds now, or why it could not be applied.
  const apply = async (op: HistoryOp): Promise<string | null> => {
    if (op.kind === 'move') {
      get().placeBoxesAt(op.boxes);
      return null;
    }
    const api = get().api;
    if (!api) return 'not connected to the Jackbay service';
    try {
      if (op.kind === 'rename')
        await api.request('setPrettyName', {
          kind: op.target,
          name: op.name,
          prettyName: op.prettyName,
        });
      else await api.request(op.kind, op.connection);
      return null;
    } catch (error) {
      const { code, message } = toRequestError(error);
      // Already as the op wants it (someone else got there first): done.
      if (op.kind === 'connect' && code === 'already-connected') return null;
      if (op.kind === 'disconnect' && (code === 'not-connected' || code === 'port-not-found'))
        return null;
      return `${describeOp(op)}: ${message}`;
    }
  };

  const step = async (direction: 'undo' | 'redo'): Promise<boolean> => {
    const from = direction === 'undo' ? 'undoStack' : 'redoStack';
    const to = direction === 'undo' ? 'redoStack' : 'undoStack';
    const entry = get()[from].at(-1);
    if (!entry) return false;
    const ops = direction === 'undo' ? entry.undo : entry.redo;
    // Moves are the page's own; anything else needs the server.
    if (ops.some((op) => op.kind !== 'move') && !mayRequest(get)) return false;
    const failures = (await Promise.all(ops.map(apply))).filter((f): f is string => f !== null);
    const verb = direction === 'undo' ? 'Undo' : 'Redo';
    if (failures.length > 0 && blocked !== entry) {
      blocked = entry;
      get().notify(
        'error',
        `Could not ${direction} “${entry.label}”: ${failures.join('; ')}. ${verb} again to skip it.`,
      );
      return false;
    }
    const skipped = failures.length > 0;
    blocked = null;
    const s = get();
    // Recorded meanwhile changes may have moved it: it goes from wherever it is.
    if (!s[from].includes(entry)) return !skipped;
    set({
      [from]: s[from].filter((e) => e !== entry),
      ...(skipped ? {} : { [to]: [...s[to], entry].slice(-HISTORY_LIMIT) }),
    } as Pick<HistorySlice, 'undoStack' | 'redoStack'>);
    if (skipped) get().notify('info', `Skipped “${entry.label}”: it cannot be ${direction}ne now.`);
    return !skipped;
  };

  const enqueue = (direction: 'undo' | 'redo'): Promise<boolean> => {
    const run = queue.then(() => step(direction));
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    undoStack: [],
    redoStack: [],

    record(entry) {
      if (entry.undo.length === 0 && entry.redo.length === 0) return;
      const now = performance.now();
      const s = get();
      const top = s.undoStack.at(-1);
      const merge =
        top?.key !== undefined && top.key === entry.key && now - lastRecordAt < MERGE_MS;
      lastRecordAt = now;
      const merged = merge && top ? { ...entry, undo: top.undo } : entry;
      set({
        undoStack: [...(merge ? s.undoStack.slice(0, -1) : s.undoStack), merged].slice(
          -HISTORY_LIMIT,
        ),
        redoStack: [],
      });
    },

    undo: () => enqueue('undo'),
    redo: () => enqueue('redo'),

    noteRestore(state) {
      const last = state.lastRestore;
      const first = !restoreSeen;
      restoreSeen = true;
      // One made before this page opened is not this page's to take back.
      if (first || !last || last.connections.length === 0) {
        if (last) restoreNoted = { id: last.id, count: last.connections.length };
        return;
      }
      if (restoreNoted?.id === last.id && restoreNoted.count === last.connections.length) return;
      const grown = restoreNoted?.id === last.id;
      restoreNoted = { id: last.id, count: last.connections.length };
      const who = last.clients.length > 0 ? ` for ${last.clients.join(', ')}` : '';
      const entry: HistoryEntry = {
        ...connectionChange(`re-made ${plural(last.connections.length, 'connection')}${who}`, {
          added: last.connections,
          removed: [],
        }),
        key: `restore:${last.id}`,
      };
      const s = get();
      // The service extends its last re-making as more ports return: the same step, grown.
      const at = grown ? s.undoStack.findIndex((e) => e.key === entry.key) : -1;
      if (at >= 0) set({ undoStack: s.undoStack.map((e, i) => (i === at ? entry : e)) });
      else get().record(entry);
    },
  };
};
