// The link to the Jackbay service and what it reports about the JACK server:
// whether the service is reachable, the server's status (rate, DSP load,
// xruns, transport), and the requests that are not about the graph.
import type { ServerStatus } from '@jackbay/core/contract';
import { toRequestError } from '../api/errors';
import type { JackbayTransport, LinkState } from '../api/ws';
import type { Slice, State } from './store';

/** DSP load samples kept for the sparkline (about 6 s at the service's 10 per second). */
export const DSP_HISTORY = 60;

export type TransportAction = 'play' | 'stop' | 'rewind';

export interface LinkSlice {
  api: JackbayTransport | null;
  link: LinkState;
  status: ServerStatus | null;
  dspHistory: number[];
  /** Goes up by one for every status that reports new xruns (restarts the flash). */
  xrunFlash: number;

  attach(api: JackbayTransport): () => void;
  refresh(): Promise<void>;
  setStatus(status: ServerStatus): void;
  transport(action: TransportAction): Promise<void>;
}

/** Runs one request; a failure becomes a toast "what: why" and the result undefined. */
export async function attempt<T>(
  get: () => State,
  what: string,
  run: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    get().notify('error', `${what}: ${toRequestError(e).message}`);
    return undefined;
  }
}

export const createLinkSlice: Slice<LinkSlice> = (set, get) => ({
  api: null,
  link: 'connecting',
  status: null,
  dspHistory: [],
  xrunFlash: 0,

  attach(api) {
    set({ api });
    const offs = [
      api.subscribe('graphPatch', (p) => get().applyPatch(p)),
      api.subscribe('status', (s) => get().setStatus(s)),
    ];
    if (api.onLinkChange)
      offs.push(
        api.onLinkChange((link) => {
          // A retry after a loss is still "lost" until it succeeds: no flicker.
          set({ link: link === 'connecting' && get().link === 'closed' ? 'closed' : link });
          if (link === 'open') void get().refresh();
        }),
      );
    else {
      set({ link: 'open' });
      void get().refresh();
    }
    return () => {
      for (const off of offs) off();
      set({ api: null });
    };
  },

  async refresh() {
    const api = get().api;
    if (!api) return;
    try {
      const status = await api.request('getStatus', {});
      get().setStatus(status);
      if (status.server === 'down') return;
      get().loadSnapshot(await api.request('getSnapshot', {}));
    } catch (e) {
      const err = toRequestError(e);
      // The server went away between the two requests: the status event says so.
      if (err.code !== 'server-down')
        get().notify('error', `Could not load the graph: ${err.message}`);
    }
  },

  setStatus(status) {
    const prev = get().status;
    const dspHistory = [...get().dspHistory, status.dspLoad].slice(-DSP_HISTORY);
    const newXruns =
      prev !== null &&
      prev.server === 'up' &&
      status.server === 'up' &&
      status.xrunCount > prev.xrunCount;
    set({ status, dspHistory, ...(newXruns ? { xrunFlash: get().xrunFlash + 1 } : {}) });
    if (status.server === 'down' && get().graphLoaded) get().unloadGraph();
    else if (status.server === 'up' && prev?.server === 'down') void get().refresh();
  },

  async transport(action) {
    const api = get().api;
    if (!api) return;
    const label = { play: 'Play', stop: 'Stop', rewind: 'Rewind' }[action];
    await attempt(get, `${label} failed`, () =>
      action === 'play'
        ? api.request('transportStart', {})
        : action === 'stop'
          ? api.request('transportStop', {})
          : api.request('transportLocate', { frame: 0 }),
    );
  },
});
