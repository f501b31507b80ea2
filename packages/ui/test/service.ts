// The renderer's side of the contract, recorded: what the store asked for,
// and ways to push events and to lose the link. It stands in for the
// transport only; the service itself is exercised by core's tests and the
// end-to-end suite.
import type {
  EventName,
  EventPayload,
  GraphSnapshot,
  RequestName,
  ServerStatus,
} from '@jackbay/core/contract';
import type { JackbayTransport, LinkState } from '../src/api/ws';
import { emptyPrettyNames } from '../src/store/names';
import { emptyRestore } from '../src/store/restore';
import { createJackbayStore } from '../src/store/store';
import { studio } from './fixtures';

export function status(over: Partial<ServerStatus> = {}): ServerStatus {
  return {
    server: 'up',
    reason: null,
    serverName: 'test',
    sampleRate: 48000,
    bufferSize: 256,
    latencyMs: 5.33,
    dspLoad: 10,
    xrunCount: 0,
    lastXrunDelayUs: null,
    ownClient: null,
    demo: false,
    transport: { state: 'stopped', frame: 0, frameRate: 48000, bbt: null, timebase: 'none' },
    implementation: { kind: 'jack2', version: '1.9.21' },
    ...over,
  };
}

export interface RecorderOptions {
  /** Every request but getStatus, getSnapshot, getTools, getRestore and getPrettyNames fails with this. */
  failWith?: { code: string; message: string };
  /** Report link changes, as the WebSocket transport does (the Electron one does not). */
  withLink?: boolean;
}

export function recorder(snapshot: GraphSnapshot = studio(), options: RecorderOptions = {}) {
  const sent: Array<{ method: RequestName; params: unknown }> = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const linkListeners = new Set<(s: LinkState) => void>();
  let link: LinkState = 'open';
  let current = status();
  const api: JackbayTransport = {
    async request(method, params) {
      sent.push({ method, params });
      if (method === 'getStatus') return current as never;
      if (method === 'getSnapshot') return snapshot as never;
      if (method === 'getTools') return { tones: [], thrus: [] } as never;
      if (method === 'getRestore') return emptyRestore as never;
      if (method === 'getPrettyNames') return emptyPrettyNames as never;
      if (options.failWith) throw options.failWith;
      return null as never;
    },
    subscribe(event, fn) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(fn as (p: unknown) => void);
      return () => set.delete(fn as (p: unknown) => void);
    },
  };
  if (options.withLink)
    api.onLinkChange = (fn) => {
      linkListeners.add(fn);
      fn(link);
      return () => linkListeners.delete(fn);
    };
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (event === 'status') current = payload as ServerStatus;
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const setLink = (state: LinkState) => {
    link = state;
    for (const l of linkListeners) l(state);
  };
  return { api, sent, emit, setLink };
}

export function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

/** Lets pending promise callbacks (the store's requests) run. */
export const settle = () => new Promise((r) => setTimeout(r, 0));

/** A store attached to a recorder, with the first status and snapshot loaded. */
export async function attached(
  snapshot?: GraphSnapshot,
  storage = memoryStorage(),
  options: RecorderOptions = {},
  r = recorder(snapshot, options),
) {
  const store = createJackbayStore({ storage });
  store.getState().attach(r.api);
  await settle();
  return { store, storage, ...r };
}
