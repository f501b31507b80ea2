// Never lose a patch, as the page sees it: the service's ghosts (clients that
// went away, with the connections it will re-make when they return), whether
// it re-makes them, and its last re-making with its undo.
import type { Connection, JackbayApi, RestoreState } from '@jackbay/core/contract';
import { emptyGraph, type Graph, graphFromSnapshot } from '@jackbay/core/patch';
import { attempt } from './link';
import type { Slice } from './store';

export interface RestoreSlice {
  restore: RestoreState;
  /** The ghosts as a graph (clients, their last ports, remembered connections), drawn dimmed. */
  ghosts: Graph;
  /** The last re-making the person has seen and set aside (its id). */
  restoreSeen: number;

  setRestoreState(state: RestoreState): void;
  setRestoring(on: boolean): Promise<void>;
  dismissGhost(client: string): Promise<void>;
  /** Sends the merge rules; false when the service refused them (a toast says why). */
  setMergeRules(rules: string[]): Promise<boolean>;
  forgetConnection(connection: Connection): Promise<void>;
  undoRestore(id: number): Promise<void>;
  /** Hides the status bar's note of the last re-making. */
  setRestoreSeen(id: number): void;
}

export const emptyRestore: RestoreState = {
  enabled: true,
  mergeRules: [],
  ghosts: { clients: [], ports: [] },
  connections: [],
  lastRestore: null,
};

export const createRestoreSlice: Slice<RestoreSlice> = (set, get) => {
  // These need the service, not a running server: a ghost can be forgotten while none runs.
  const send = async (what: string, run: (api: JackbayApi) => Promise<unknown>) => {
    const api = get().api;
    if (!api || get().link !== 'open') return false;
    return (await attempt(get, what, () => run(api).then(() => true))) === true;
  };
  return {
    restore: emptyRestore,
    ghosts: emptyGraph,
    restoreSeen: 0,

    setRestoreState(state) {
      const ghosts =
        state.ghosts.clients.length === 0
          ? emptyGraph
          : graphFromSnapshot({
              clients: state.ghosts.clients,
              ports: state.ghosts.ports,
              connections: state.connections,
            });
      set({ restore: state, ...get().derive({ ghosts }) });
      get().noteRestore(state);
    },

    async setMergeRules(rules) {
      return send('Could not set the rules', (api) => api.request('setMergeRules', { rules }));
    },

    async setRestoring(on) {
      await send('Could not change restoring', (api) =>
        api.request('setRestore', {
          enabled: on,
        }),
      );
    },

    async dismissGhost(client) {
      await send(`Could not forget ${client}`, (api) =>
        api.request('dismissGhost', {
          client,
        }),
      );
    },

    async forgetConnection(connection) {
      await send('Could not forget the connection', (api) =>
        api.request('forgetConnection', connection),
      );
    },

    async undoRestore(id) {
      set({ restoreSeen: id });
      await send('Could not undo', (api) => api.request('undoRestore', { id }));
    },

    setRestoreSeen(id) {
      set({ restoreSeen: id });
    },
  };
};
