// The renderer's state: one zustand store made of slices, one job each.
//   link.ts       the link to the service and the server's status (up, down, lost)
//   graph.ts      the JACK graph (snapshot + patches) and the requests that change it
//   view.ts       what React Flow draws, derived from graph, search, positions and zoom
//   positions.ts  where boxes are, and the pins a person set by dragging
//   hiding.ts     clients and port types hidden from the graph, boxes collapsed
//   chrome.ts     toasts, the port details panel, the keyboard patching dialog
//   tools.ts      the context menu, test tones, thru routes and the signal trace
//   bridge.ts     the meter bridge's ports and scale (its readings live in live/bridge.ts)
//   restore.ts    ghosts of clients that went away, and the service's re-making
//   server.ts     starting and stopping a JACK server, its remembered settings
//   presets.ts    saved presets, the active one, and a load's difference shown first
//   history.ts    undo and redo of what this page changed
//   names.ts      renaming (pretty names), the names the service set, stale ones
// Actions live in the slices, so components only select and call.
//
// High-rate data does NOT go into this store: level meters and MIDI activity
// arrive many times a second for hundreds of ports, and every `set` here
// re-runs the selectors of every mounted component. They go into a separate
// transient channel (zustand's "transient updates" idea), in src/live/: one
// plain subscribe/emit module per stream (meters.ts, midi.ts), fed by the
// transport's binary frames, which canvas components read through refs in
// requestAnimationFrame and draw without re-rendering React. This store holds
// only which taps are requested and their settings, which change at human pace.
import { create, type StateCreator } from 'zustand';
import { type BridgeSlice, createBridgeSlice } from './bridge';
import { type ChromeSlice, createChromeSlice } from './chrome';
import { createGraphSlice, type GraphSlice } from './graph';
import { createHidingSlice, type HidingSlice } from './hiding';
import { createHistorySlice, type HistorySlice } from './history';
import { createLinkSlice, type LinkSlice } from './link';
import { createNamesSlice, type NamesSlice } from './names';
import { createPositionsSlice, type KeyValueStorage, type PositionsSlice } from './positions';
import { createPresetsSlice, type PresetsSlice } from './presets';
import { createRestoreSlice, type RestoreSlice } from './restore';
import { createServerSlice, type ServerSlice } from './server';
import { createToolsSlice, type ToolsSlice } from './tools';
import { createViewSlice, type ViewSlice } from './view';

export type { Anchor, Toast } from './chrome';
export { DSP_HISTORY, selectLive, type TransportAction } from './link';
export type { MenuTarget } from './tools';

export type State = LinkSlice &
  GraphSlice &
  ViewSlice &
  PositionsSlice &
  HidingSlice &
  ChromeSlice &
  ToolsSlice &
  RestoreSlice &
  BridgeSlice &
  ServerSlice &
  PresetsSlice &
  HistorySlice &
  NamesSlice;

/** One slice of the store: it sees the whole state, and returns its own part. */
export type Slice<T> = StateCreator<State, [], [], T>;

export interface StoreOptions {
  /**
   * Where moved positions, hidden clients and collapsed boxes persist
   * (localStorage in the app); null keeps them in memory.
   */
  storage?: KeyValueStorage | null;
}

export function createJackbayStore(options: StoreOptions = {}) {
  const createPositions = createPositionsSlice(options.storage ?? null);
  const createHiding = createHidingSlice(options.storage ?? null);
  return create<State>()((...a) => ({
    ...createLinkSlice(...a),
    ...createGraphSlice(...a),
    ...createViewSlice(...a),
    ...createPositions(...a),
    ...createHiding(...a),
    ...createChromeSlice(...a),
    ...createToolsSlice(...a),
    ...createBridgeSlice(...a),
    ...createRestoreSlice(...a),
    ...createServerSlice(...a),
    ...createPresetsSlice(...a),
    ...createHistorySlice(...a),
    ...createNamesSlice(...a),
  }));
}

export type JackbayStore = ReturnType<typeof createJackbayStore>;
