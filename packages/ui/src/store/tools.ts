// Tools on a port: the context menu, the test tone panel, the MIDI send
// panel, the thru picker, and the tones and thru routes the service reports
// (its own ports, hidden from the graph, so their effect is drawn from this
// state). The tone this page plays, and its MIDI sender, belong to their
// panels: closing a panel stops its tool.
import type { Connection, ThruInfo, ToolsState } from '@jackbay/core/contract';
import { attempt, mayRequest } from './link';
import type { Slice } from './store';

/** How a port or a connection shows in the signal trace (null: no trace running). */
export type TraceMark = 'signal' | 'silent' | null;

export function portTraceMark(s: { trace: ReadonlySet<string> | null }, port: string): TraceMark {
  return s.trace ? (s.trace.has(port) ? 'signal' : 'silent') : null;
}

/** What a context menu was opened on. */
export type MenuTarget =
  | { kind: 'port'; ports: string[] }
  | {
      kind: 'client';
      name: string /** The box it was opened on (a client may have two). */;
      box?: string;
    }
  | { kind: 'edge'; connection: Connection }
  | { kind: 'route'; thru: ThruInfo }
  | { kind: 'canvas' };

export interface ToneSettings {
  frequency: number;
  level: number;
}

export const DEFAULT_TONE: ToneSettings = { frequency: 1000, level: -20 };

export interface ToolsSlice {
  tools: ToolsState;
  /** The input ports a test tone plays into (any page's). */
  tonedPorts: ReadonlySet<string>;
  menu: { target: MenuTarget; x: number; y: number } | null;
  /** The test tone panel, on one input port or a pair; `id` while its tone plays. */
  tonePanel: { ports: string[]; settings: ToneSettings; id: number | null } | null;
  /**
   * The MIDI send panel on one MIDI input port; `id` is its sender's once the
   * service has opened it, `sent` and `dropped` count this panel's messages.
   */
  midiSendPanel: { port: string; id: number | null; sent: number; dropped: number } | null;
  /** The thru picker, from one output port. */
  thruPicker: { source: string } | null;
  /** While a tone plays: the ports whose meters see a signal (the signal trace). */
  trace: ReadonlySet<string> | null;

  setTools(tools: ToolsState): void;
  openMenu(target: MenuTarget, x: number, y: number): void;
  closeMenu(): void;
  openTonePanel(ports: readonly string[]): void;
  /** Closes the panel and stops its tone. */
  closeTonePanel(): Promise<void>;
  setToneOn(on: boolean): Promise<void>;
  setToneSettings(settings: ToneSettings): Promise<void>;
  /** Opens the MIDI send panel on a MIDI input port and its sender. */
  openMidiSendPanel(port: string): Promise<void>;
  /** Closes the panel; the service turns off the notes it left on and lets its port go. */
  closeMidiSendPanel(): Promise<void>;
  /** Sends one short MIDI message through the panel's sender; false if it was not queued. */
  sendMidi(bytes: readonly number[]): Promise<boolean>;
  /** Opens the MIDI monitor showing only `ports` (MIDI outputs). */
  openMidiMonitorOn(ports: readonly string[]): void;
  openThruPicker(source: string): void;
  closeThruPicker(): void;
  addThru(source: string, destination: string): Promise<boolean>;
  removeThru(id: number): Promise<void>;
  setTrace(hot: ReadonlySet<string> | null): void;
}

export const createToolsSlice: Slice<ToolsSlice> = (set, get) => ({
  tools: { tones: [], thrus: [] },
  tonedPorts: new Set(),
  menu: null,
  tonePanel: null,
  midiSendPanel: null,
  thruPicker: null,
  trace: null,

  setTools(tools) {
    const panel = get().tonePanel;
    // The service stopped the tone (its server went away): the panel says so.
    const lost = panel?.id != null && !tools.tones.some((t) => t.id === panel.id);
    const tonedPorts = new Set(tools.tones.flatMap((t) => t.ports));
    set({ tools, tonedPorts, ...(lost && panel ? { tonePanel: { ...panel, id: null } } : {}) });
  },

  openMenu(target, x, y) {
    set({ menu: { target, x, y }, details: null });
  },

  closeMenu() {
    set({ menu: null });
  },

  openTonePanel(ports) {
    const panel = get().tonePanel;
    if (panel?.id != null) void get().setToneOn(false);
    set({ tonePanel: { ports: [...ports], settings: panel?.settings ?? DEFAULT_TONE, id: null } });
  },

  async closeTonePanel() {
    await get().setToneOn(false);
    set({ tonePanel: null });
  },

  async setToneOn(on) {
    const panel = get().tonePanel;
    const api = get().api;
    if (!panel || !api || (panel.id !== null) === on) return;
    if (!on) {
      const id = panel.id;
      if (id === null) return;
      set({ tonePanel: { ...panel, id: null } });
      await attempt(get, 'Stopping the test tone failed', () => api.request('stopTone', { id }));
      return;
    }
    if (!mayRequest(get)) return;
    const started = await attempt(get, 'The test tone could not start', () =>
      api.request('startTone', { ports: panel.ports, ...panel.settings }),
    );
    const now = get().tonePanel;
    if (!started) return;
    // Closed or moved on while the request was under way: this tone has no panel.
    if (now?.ports !== panel.ports || now.id !== null) {
      void api.request('stopTone', { id: started.id }).catch(() => {});
      return;
    }
    set({ tonePanel: { ...now, id: started.id } });
  },

  async setToneSettings(settings) {
    const panel = get().tonePanel;
    const api = get().api;
    if (!panel) return;
    set({ tonePanel: { ...panel, settings } });
    if (panel.id === null || !api) return;
    const { id } = panel;
    await attempt(get, 'The test tone could not change', () =>
      api.request('setTone', { id, ...settings }),
    );
  },

  async openMidiSendPanel(port) {
    const current = get().midiSendPanel;
    if (current?.port === port) return;
    if (current) await get().closeMidiSendPanel();
    const api = get().api;
    const panel = { port, id: null, sent: 0, dropped: 0 };
    set({ midiSendPanel: panel });
    if (!api || !mayRequest(get)) return;
    const started = await attempt(get, 'MIDI could not be sent there', () =>
      api.request('startMidiSend', { port }),
    );
    if (!started) return;
    // Closed or moved on while the request was under way: this sender has no panel.
    if (get().midiSendPanel !== panel) {
      void api.request('stopMidiSend', { id: started.id }).catch(() => {});
      return;
    }
    set({ midiSendPanel: { ...panel, id: started.id } });
  },

  async closeMidiSendPanel() {
    const panel = get().midiSendPanel;
    if (!panel) return;
    set({ midiSendPanel: null });
    const api = get().api;
    const { id } = panel;
    if (id === null || !api) return;
    await attempt(get, 'Stopping the MIDI sender failed', () =>
      api.request('stopMidiSend', { id }),
    );
  },

  async sendMidi(bytes) {
    const panel = get().midiSendPanel;
    const api = get().api;
    if (panel?.id == null || !api) return false;
    const { id } = panel;
    const result = await attempt(get, 'The MIDI message was not sent', () =>
      api.request('sendMidi', { id, bytes: [...bytes] }),
    );
    const now = get().midiSendPanel;
    if (result && now?.id === id)
      set({
        midiSendPanel: {
          ...now,
          sent: now.sent + (result.queued ? 1 : 0),
          dropped: result.dropped,
        },
      });
    return result?.queued ?? false;
  },

  openMidiMonitorOn(ports) {
    const channel = get().midi;
    channel.setFilter({ ...channel.filter, ports: new Set(ports) });
    get().setMidiMonitorOpen(true);
  },

  openThruPicker(source) {
    set({ thruPicker: { source } });
  },

  closeThruPicker() {
    set({ thruPicker: null });
  },

  async addThru(source, destination) {
    const api = get().api;
    if (!api || !mayRequest(get)) return false;
    const made = await attempt(get, 'The thru could not be made', () =>
      api.request('addThru', { source, destination }),
    );
    return made !== undefined;
  },

  async removeThru(id) {
    const api = get().api;
    if (!api || !mayRequest(get)) return;
    await attempt(get, 'The thru could not be removed', () => api.request('removeThru', { id }));
  },

  setTrace(hot) {
    const trace = get().trace;
    if (hot === trace) return;
    // Only a change of membership re-renders: the set is rebuilt every reading.
    if (hot && trace && hot.size === trace.size && [...hot].every((p) => trace.has(p))) return;
    set({ trace: hot });
  },
});
