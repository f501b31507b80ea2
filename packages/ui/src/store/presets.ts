// Presets as the page sees them: the saved list (and files set aside as
// corrupt), the active one, and a load in two steps — the difference first,
// then "add only" or "exact". Positions travel with a preset: the page sends
// where its boxes are when saving and pins them there when loading.
import type { PresetDiff, PresetsState } from '@jackbay/core/contract';
import { connectionChange } from './history';
import { attempt } from './link';
import { applyPrettyNames } from './names';
import type { Slice } from './store';

/** Parts of a file sent per message: the web host takes messages of 64 KiB. */
export const UPLOAD_PART_CHARS = 16 * 1024;

export type ExportFormat = 'json' | 'qjackctl';
export type ImportFormat = 'auto' | 'json' | 'qjackctl' | 'aj-snapshot' | 'qpwgraph' | 'jackpatch';

export interface PresetPreview {
  name: string;
  diff: PresetDiff;
}

export interface PresetsSlice {
  presets: PresetsState;
  presetsOpen: boolean;
  /** The preset whose difference is shown, before it is loaded. */
  presetPreview: PresetPreview | null;

  setPresetsOpen(open: boolean): void;
  setPresetsState(state: PresetsState): void;
  refreshPresets(): Promise<void>;
  savePreset(name: string): Promise<boolean>;
  previewPreset(name: string): Promise<void>;
  closePresetPreview(): void;
  loadPreset(name: string, mode: 'add-only' | 'exact'): Promise<void>;
  deletePreset(name: string): Promise<void>;
  setActivePreset(name: string | null): Promise<void>;
  importPreset(fileName: string, text: string, name: string): Promise<boolean>;
  exportPreset(
    name: string,
    format: ExportFormat,
  ): Promise<{ text: string; fileName: string } | null>;
}

export const emptyPresets: PresetsState = { presets: [], corrupt: [], active: null };

/** The format a file's name says; content decides when it says none. */
export function formatOfFile(fileName: string): ImportFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.qpwgraph')) return 'qpwgraph';
  if (lower.endsWith('.json')) return 'json';
  return 'auto';
}

/** A preset name from a file name: without its extension, within the service's rules. */
export function presetNameOfFile(fileName: string, taken: ReadonlySet<string> = new Set()): string {
  const base =
    fileName
      .replace(/\.[^.]*$/, '')
      .replace(/[/\0]/g, '-')
      .replace(/^\.+/, '')
      .slice(0, 90) || 'Imported';
  // An import never replaces a saved preset: "studio (2)" beside "studio".
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base} (${n})`;
  return name;
}

let uploads = 0;

export const createPresetsSlice: Slice<PresetsSlice> = (set, get) => {
  const api = () => {
    const a = get().api;
    if (!a || get().link !== 'open') {
      get().notify('error', 'Not connected to the Jackbay service.');
      return null;
    }
    return a;
  };
  return {
    presets: emptyPresets,
    presetsOpen: false,
    presetPreview: null,

    setPresetsOpen(open) {
      set({ presetsOpen: open, ...(open ? {} : { presetPreview: null }) });
      if (open) void get().refreshPresets();
    },

    setPresetsState(state) {
      set({ presets: state });
    },

    async refreshPresets() {
      const a = get().api;
      if (!a || get().link !== 'open') return;
      const state = await attempt(get, 'Could not list the presets', () =>
        a.request('listPresets', {}),
      );
      if (state) set({ presets: state });
    },

    async savePreset(name) {
      const a = api();
      if (!a) return false;
      const positions = Object.fromEntries(
        [...get().positions].map(([id, { x, y }]) => [id, { x, y }]),
      );
      const saved = await attempt(get, `Could not save ${name}`, () =>
        a.request('savePreset', { name, positions }),
      );
      if (saved) {
        get().notify('info', `Saved ${saved.connections} connections as ${name}`);
        // The list comes with the service's presets event too; asked for as well, it
        // shows the new preset even if that event was missed.
        await get().refreshPresets();
      }
      return saved !== undefined;
    },

    async previewPreset(name) {
      const a = api();
      if (!a) return;
      const diff = await attempt(get, `Could not read ${name}`, () =>
        a.request('previewPreset', { name }),
      );
      if (diff) set({ presetPreview: { name, diff } });
    },

    closePresetPreview() {
      set({ presetPreview: null });
    },

    async loadPreset(name, mode) {
      const a = api();
      if (!a) return;
      const result = await attempt(get, `Could not load ${name}`, async () => {
        const done = await a.request('loadPreset', { name, mode });
        const preset = await a.request('getPreset', { name });
        const renames = await applyPrettyNames(get, a, preset.prettyNames);
        return { done, renames, positions: preset.positions };
      });
      if (!result) return;
      const moved = get().pinBoxes(new Map(Object.entries(result.positions)));
      set({ presetPreview: null });
      const { added, removed } = result.done;
      // One step takes it all back: connections, names and where the boxes were.
      const change = connectionChange(`load preset ${name}`, result.done);
      get().record({
        label: change.label,
        undo: [
          ...change.undo,
          ...result.renames.undo,
          ...(moved.before.length > 0 ? [{ kind: 'move' as const, boxes: moved.before }] : []),
        ],
        redo: [
          ...change.redo,
          ...result.renames.redo,
          ...(moved.after.length > 0 ? [{ kind: 'move' as const, boxes: moved.after }] : []),
        ],
      });
      const renamed = result.renames.redo.length;
      get().notify(
        'info',
        `Loaded ${name}: ${added.length} connection${added.length === 1 ? '' : 's'} made, ${removed.length} removed${renamed > 0 ? `, ${renamed} name${renamed === 1 ? '' : 's'} set` : ''}`,
      );
    },

    async deletePreset(name) {
      const a = api();
      if (!a) return;
      await attempt(get, `Could not delete ${name}`, () => a.request('deletePreset', { name }));
      if (get().presetPreview?.name === name) set({ presetPreview: null });
    },

    async setActivePreset(name) {
      const a = api();
      if (!a) return;
      await attempt(get, name ? `Could not activate ${name}` : 'Could not deactivate', () =>
        a.request('setActivePreset', { name }),
      );
    },

    async importPreset(fileName, text, name) {
      const a = api();
      if (!a) return false;
      const format = formatOfFile(fileName);
      const imported = await attempt(get, `Could not import ${fileName}`, async () => {
        if (text.length <= UPLOAD_PART_CHARS)
          return a.request('importPreset', { name, format, text });
        // Too large for one message: sent in parts, then named.
        uploads += 1;
        const upload = `u${Date.now().toString(36)}${uploads}`;
        for (let at = 0; at < text.length; at += UPLOAD_PART_CHARS)
          await a.request('uploadPart', { upload, text: text.slice(at, at + UPLOAD_PART_CHARS) });
        return a.request('importPreset', { name, format, upload });
      });
      if (!imported) return false;
      const { preset, skipped } = imported;
      get().notify(
        'info',
        `Imported ${name}: ${preset.connections} connections, ${preset.patterns} rules${skipped ? ` (${skipped} left out: not JACK audio or MIDI)` : ''}`,
      );
      return true;
    },

    async exportPreset(name, format) {
      const a = api();
      if (!a) return null;
      return (
        (await attempt(get, `Could not export ${name}`, () =>
          a.request('exportPreset', { name, format }),
        )) ?? null
      );
    },
  };
};
