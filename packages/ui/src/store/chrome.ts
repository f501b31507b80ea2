// The chrome around the graph: toasts, the port details panel, the keyboard
// patching dialog, whether the MIDI monitor is open and which main view
// (the graph or the matrix) is shown. Nothing here is JACK
// state; it is what the person has open and what the app has told them.
import type { Slice } from './store';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface Anchor {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export type MainView = 'graph' | 'matrix';

/** A camera of the graph, as React Flow's getViewport gives it. */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

const MAX_TOASTS = 4;

export interface ChromeSlice {
  toasts: Toast[];
  details: { port: string; anchor: Anchor } | null;
  /** The keyboard patching dialog, opened on one port or a pair. */
  dialog: { from: string[] } | null;
  /** The MIDI monitor panel is open. */
  midiMonitorOpen: boolean;
  /** The graph of boxes, or the matrix of outputs × inputs: two views of the same state. */
  mainView: MainView;
  /**
   * Where the graph's camera was when the matrix replaced it, and the fit
   * request it had seen: the graph comes back there unless a fit was asked since.
   */
  keptViewport: { viewport: Viewport; fitRequest: number } | null;

  notify(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  showDetails(port: string, anchor: Anchor): void;
  hideDetails(port?: string): void;
  openDialog(from: readonly string[]): void;
  closeDialog(): void;
  setMidiMonitorOpen(open: boolean): void;
  /** Shows a view; leaving the graph, `viewport` is where its camera was. */
  setMainView(view: MainView, viewport?: Viewport): void;
}

export const createChromeSlice: Slice<ChromeSlice> = (set, get) => {
  let toastId = 0;
  return {
    toasts: [],
    details: null,
    dialog: null,
    midiMonitorOpen: false,
    mainView: 'graph',
    keptViewport: null,

    notify(kind, text) {
      const toast = { id: ++toastId, kind, text };
      set({ toasts: [...get().toasts.filter((t) => t.text !== text), toast].slice(-MAX_TOASTS) });
    },

    dismiss(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },

    showDetails(port, anchor) {
      set({ details: { port, anchor } });
    },

    hideDetails(port) {
      const d = get().details;
      if (d && (port === undefined || d.port === port)) set({ details: null });
    },

    openDialog(from) {
      set({ dialog: { from: [...from] }, details: null });
    },

    closeDialog() {
      set({ dialog: null });
    },

    setMidiMonitorOpen(open) {
      set({ midiMonitorOpen: open });
    },

    setMainView(view, viewport) {
      set({
        mainView: view,
        ...(viewport ? { keptViewport: { viewport, fitRequest: get().fitRequest } } : {}),
      });
    },
  };
};
