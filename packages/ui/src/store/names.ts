// Pretty names: renaming a client or a port (the JACK metadata pretty name,
// as QjackCtl writes it), the names the service set and re-applies, and the
// ones it judges stale (JACK2 reuses UUIDs, and their metadata with them).
import type { PrettyNamesState } from '@jackbay/core/contract';
import { toRequestError } from '../api/errors';
import type { JackbayTransport } from '../api/ws';
import type { HistoryOp } from './history';
import { mayRequest } from './link';
import type { Slice, State } from './store';

export type NamedKind = 'client' | 'port';

export const emptyPrettyNames: PrettyNamesState = { remembered: [], stale: [] };

export interface NamesSlice {
  prettyNames: PrettyNamesState;
  /** The client or port whose rename box is open. */
  renaming: { kind: NamedKind; name: string } | null;

  setPrettyNamesState(state: PrettyNamesState): void;
  startRename(kind: NamedKind, name: string): void;
  cancelRename(): void;
  /**
   * Sets the pretty name ('' or blank removes it); one undo step. Resolves
   * with null when done, or why not (the rename box shows it).
   */
  rename(kind: NamedKind, name: string, text: string): Promise<string | null>;
}

export const createNamesSlice: Slice<NamesSlice> = (set, get) => ({
  prettyNames: emptyPrettyNames,
  renaming: null,

  setPrettyNamesState(state) {
    set({ prettyNames: state });
  },

  startRename(kind, name) {
    set({ renaming: { kind, name }, details: null, menu: null });
  },

  cancelRename() {
    set({ renaming: null });
  },

  async rename(kind, name, text) {
    const s = get();
    const info = kind === 'client' ? s.graph.clients.get(name) : s.graph.ports.get(name);
    if (!info) return `${name} is not there any more.`;
    const api = s.api;
    if (!mayRequest(get) || !api) return 'Not connected to a running JACK server.';
    const prettyName = text.trim() === '' ? null : text.trim();
    const before = info.prettyName;
    if (prettyName !== before) {
      try {
        await api.request('setPrettyName', { kind, name, prettyName });
      } catch (error) {
        return toRequestError(error).message;
      }
      const op = (value: string | null) => ({
        kind: 'rename' as const,
        target: kind,
        name,
        prettyName: value,
      });
      get().record({
        label:
          prettyName === null
            ? `remove the pretty name of ${name}`
            : `rename ${name} to “${prettyName}”`,
        undo: [op(before)],
        redo: [op(prettyName)],
      });
    }
    if (get().renaming?.name === name) set({ renaming: null });
    return null;
  },
});

/**
 * Writes a preset's pretty names onto the clients and ports here now whose
 * name differs, and gives the ops that take them back and set them again. A
 * name for a client or port not here is left for when the preset is loaded
 * with it present.
 */
export async function applyPrettyNames(
  get: () => State,
  api: JackbayTransport,
  names: { clients: Record<string, string>; ports: Record<string, string> },
): Promise<{ undo: HistoryOp[]; redo: HistoryOp[] }> {
  const undo: HistoryOp[] = [];
  const redo: HistoryOp[] = [];
  const { graph } = get();
  const wanted = [
    ...Object.entries(names.clients).map(([name, pretty]) => ['client', name, pretty] as const),
    ...Object.entries(names.ports).map(([name, pretty]) => ['port', name, pretty] as const),
  ];
  for (const [target, name, prettyName] of wanted) {
    const info = target === 'client' ? graph.clients.get(name) : graph.ports.get(name);
    if (!info || info.prettyName === prettyName) continue;
    await api.request('setPrettyName', { kind: target, name, prettyName });
    undo.push({ kind: 'rename', target, name, prettyName: info.prettyName ?? null });
    redo.push({ kind: 'rename', target, name, prettyName });
  }
  return { undo, redo };
}
