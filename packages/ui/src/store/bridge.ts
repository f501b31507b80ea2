// The meter bridge: which ports this page has on it (each a bridge meter the
// service analyses for this page), the scale it reads in, and whether the
// panel shows. Levels and loudness do not come through here: they arrive as
// bridge frames in the link slice's BridgeChannel (live/bridge.ts) and are
// drawn on canvas.
import type { BridgeMeterInfo } from '@jackbay/core/contract';
import type { BridgeScale } from '../bridge/scale';
import { BridgeChannel } from '../live/bridge';
import { attempt, mayRequest } from './link';
import type { Slice } from './store';

export interface BridgeSlice {
  /** Live bridge readings: the transport's bridge frames go here, never into this store's state. */
  readonly bridgeLive: BridgeChannel;
  bridgeOpen: boolean;
  /** This page's bridge meters, in the order the panel shows them. */
  bridgeMeters: BridgeMeterInfo[];
  bridgeScale: BridgeScale;

  setBridgeOpen(open: boolean): void;
  setBridgeScale(scale: BridgeScale): void;
  /** Puts one audio port or a stereo pair on the bridge and shows it. */
  addToBridge(ports: readonly string[]): Promise<boolean>;
  removeFromBridge(id: number): Promise<void>;
  resetLoudness(id: number): Promise<void>;
  /** The link came back: the service forgot this page's meters, so they are asked for again. */
  restoreBridge(): Promise<void>;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export const createBridgeSlice: Slice<BridgeSlice> = (set, get) => ({
  bridgeLive: new BridgeChannel(),
  bridgeOpen: false,
  bridgeMeters: [],
  bridgeScale: 'dBFS',

  setBridgeOpen(open) {
    set({ bridgeOpen: open });
  },

  setBridgeScale(scale) {
    set({ bridgeScale: scale });
  },

  async addToBridge(ports) {
    const api = get().api;
    set({ bridgeOpen: true });
    if (get().bridgeMeters.some((m) => sameList(m.ports, ports))) return true;
    if (!api || !mayRequest(get)) return false;
    const made = await attempt(get, 'Not added to the meter bridge', () =>
      api.request('addBridgeMeter', { ports: [...ports] }),
    );
    if (!made) return false;
    set({ bridgeMeters: [...get().bridgeMeters, made] });
    return true;
  },

  async removeFromBridge(id) {
    const api = get().api;
    set({ bridgeMeters: get().bridgeMeters.filter((m) => m.id !== id) });
    get().bridgeLive.forget(id);
    if (!api || get().link !== 'open') return;
    // Gone already (the page reconnected): nothing is left to remove.
    await api.request('removeBridgeMeter', { id }).catch(() => {});
  },

  async resetLoudness(id) {
    const api = get().api;
    if (!api || !mayRequest(get)) return;
    await attempt(get, 'Loudness not reset', () => api.request('resetLoudness', { id }));
  },

  async restoreBridge() {
    const api = get().api;
    const before = get().bridgeMeters;
    if (!api || before.length === 0) return;
    get().bridgeLive.clear();
    const again: BridgeMeterInfo[] = [];
    for (const meter of before) {
      try {
        again.push(await api.request('addBridgeMeter', { ports: meter.ports }));
      } catch {
        // The port is gone for now: it leaves the bridge, as it would have on this page.
      }
    }
    set({ bridgeMeters: again });
  },
});
