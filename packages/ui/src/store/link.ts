// The link to the Jackbay service and what it reports about the JACK server:
// whether the service is reachable, the server's status (rate, DSP load,
// xruns, transport), and the requests that are not about the graph.
import type { RequestParams, ServerStatus } from '@jackbay/core/contract';
import { toRequestError } from '../api/errors';
import type { JackbayTransport, LinkState } from '../api/ws';
import { MeterChannel } from '../live/meters';
import { MidiChannel } from '../live/midi';
import type { Slice, State } from './store';

/** DSP load samples kept for the sparkline (about 6 s at the service's 10 per second). */
export const DSP_HISTORY = 60;

export type TransportAction = 'play' | 'stop' | 'rewind';

export interface LinkSlice {
  api: JackbayTransport | null;
  /** Live levels: the transport's meter frames go here, never into this store's state. */
  readonly meters: MeterChannel;
  /** Live MIDI: the transport's MIDI frames go here, never into this store's state. */
  readonly midi: MidiChannel;
  link: LinkState;
  status: ServerStatus | null;
  dspHistory: number[];
  /** Goes up by one for every status that reports new xruns (restarts the flash). */
  xrunFlash: number;

  attach(api: JackbayTransport): () => void;
  refresh(): Promise<void>;
  setStatus(status: ServerStatus): void;
  transport(action: TransportAction): Promise<void>;
  /** Moves the transport; false (with a toast) if that failed. */
  locate(frame: number): Promise<boolean>;
  setTimebaseMaster(master: boolean): Promise<boolean>;
  setTempo(tempo: TempoChange): Promise<boolean>;
}

export type TempoChange = RequestParams<'setTempo'>;

/**
 * Why no request may be sent now, or null if one may. On a lost link a request
 * would wait in the transport and go out when the link is back, long after
 * the click; with no server running it can only fail.
 */
function whyNotLive(s: State): string | null {
  if (!s.api || s.link !== 'open') return 'Not connected to the Jackbay service.';
  if (s.status?.server !== 'up') return 'No JACK server is running.';
  return null;
}

/** Whether the server's values are current and requests may be sent (controls enabled). */
export const selectLive = (s: State): boolean => whyNotLive(s) === null;

/** Whether a request may go out now; if not, the person is told why. */
export function mayRequest(get: () => State): boolean {
  const why = whyNotLive(get());
  if (why) get().notify('error', why);
  return why === null;
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
  meters: new MeterChannel(),
  midi: new MidiChannel(),
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
      api.subscribe('tools', (t) => get().setTools(t)),
      api.subscribe('restore', (r) => get().setRestoreState(r)),
      api.subscribe('serverControl', (c) => get().setServerControl(c)),
      api.subscribe('prettyNames', (n) => get().setPrettyNamesState(n)),
    ];
    if (api.onMeterFrame) {
      const meters = get().meters;
      offs.push(api.onMeterFrame((frame) => meters.feed(frame)));
    }
    if (api.onMeterFrame) {
      // Bridge frames share the page's meter channel; the bridge keeps only its own kind.
      const bridge = get().bridgeLive;
      offs.push(api.onMeterFrame((frame) => bridge.feed(frame)));
    }
    if (api.onMidiFrame) {
      const midi = get().midi;
      offs.push(api.onMidiFrame((frame) => midi.feed(frame)));
    }
    if (api.onLinkChange)
      offs.push(
        api.onLinkChange((link) => {
          // A retry after a loss is still "lost" until it succeeds: no flicker.
          const next = link === 'connecting' && get().link === 'closed' ? 'closed' : link;
          // Without a link, the last status is stale: it is asked for again on reconnecting.
          if (next === 'open') set({ link: next });
          else set({ link: next, status: null, dspHistory: [] });
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
      if (status.server === 'up') {
        get().loadSnapshot(await api.request('getSnapshot', {}));
        get().setTools(await api.request('getTools', {}));
      }
      // Ghosts are the service's, with or without a server; so are the names it set.
      get().setRestoreState(await api.request('getRestore', {}));
      get().setPrettyNamesState(await api.request('getPrettyNames', {}));
    } catch (e) {
      const err = toRequestError(e);
      // The server went away between the two requests: the status event says so.
      if (err.code !== 'server-down')
        get().notify('error', `Could not load the graph: ${err.message}`);
    }
  },

  setStatus(status) {
    const prev = get().status;
    // The history is of one running server: it starts afresh when one comes up.
    const dspHistory =
      status.server === 'up' ? [...get().dspHistory, status.dspLoad].slice(-DSP_HISTORY) : [];
    const newXruns =
      prev !== null &&
      prev.server === 'up' &&
      status.server === 'up' &&
      status.xrunCount > prev.xrunCount;
    set({ status, dspHistory, ...(newXruns ? { xrunFlash: get().xrunFlash + 1 } : {}) });
    get().midi.transport.note(status.transport);
    if (status.ownClient !== (prev?.ownClient ?? null)) {
      // Another own client (the service reconnected): hide that one instead.
      const s = get();
      const graph = s.visibleGraph(s.serverGraph);
      if (graph !== s.graph) set(s.derive({ graph }));
    }
    if (status.server === 'down' && get().graphLoaded) get().unloadGraph();
    else if (status.server === 'up' && prev?.server === 'down') void get().refresh();
  },

  async transport(action) {
    const api = get().api;
    if (!mayRequest(get) || !api) return;
    const label = { play: 'Play', stop: 'Stop', rewind: 'Rewind' }[action];
    await attempt(get, `${label} failed`, () =>
      action === 'play'
        ? api.request('transportStart', {})
        : action === 'stop'
          ? api.request('transportStop', {})
          : api.request('transportLocate', { frame: 0 }),
    );
  },

  async locate(frame) {
    const api = get().api;
    if (!mayRequest(get) || !api) return false;
    const done = await attempt(get, 'Locate failed', () =>
      api.request('transportLocate', { frame }).then(() => true),
    );
    return done === true;
  },

  async setTimebaseMaster(master) {
    const api = get().api;
    if (!mayRequest(get) || !api) return false;
    const what = master ? 'Could not become timebase master' : 'Could not release the timebase';
    const done = await attempt(get, what, () =>
      api.request('setTimebaseMaster', { master }).then(() => true),
    );
    return done === true;
  },

  async setTempo(tempo) {
    const api = get().api;
    if (!mayRequest(get) || !api) return false;
    const done = await attempt(get, 'Tempo not changed', () =>
      api.request('setTempo', tempo).then(() => true),
    );
    return done === true;
  },
});
