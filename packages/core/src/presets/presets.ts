// Presets as the service offers them (the contract's preset requests): saved
// from the graph, previewed as a difference, loaded "add only" or "exact",
// imported from other patchbays' files, exported, and one of them active.
import type { Connection } from '../contract.js';
import { JackbayRpcError } from '../errors.js';
import { type ActiveHost, ActivePreset } from './active.js';
import { applyChange } from './apply.js';
import { compilePreset, diffPreset, type PresetDiff } from './diff.js';
import { exportJson } from './export-json.js';
import type { ImportFormat } from './import.js';
import { emptyPreset, type Preset } from './model.js';
import { exportQjackctlOffThread, importOffThread } from './off-thread.js';
import { type CorruptPreset, checkName, PresetStore, type PresetSummary } from './store.js';
import { Uploads } from './uploads.js';

export interface PresetsState {
  presets: PresetSummary[];
  corrupt: CorruptPreset[];
  /** The active preset, whose connections are re-made as their clients appear. */
  active: string | null;
}

export interface PresetsHost extends ActiveHost {
  /** The list or the active preset changed. */
  changed(state: PresetsState): void;
}

export type ImportSource = { format: ImportFormat | 'auto'; text?: string; upload?: string };

export class Presets {
  readonly #host: PresetsHost;
  readonly #store: PresetStore;
  readonly #active: ActivePreset;
  readonly uploads = new Uploads();
  #stateJson = '';

  constructor(host: PresetsHost, store = new PresetStore()) {
    this.#host = host;
    this.#store = store;
    this.#active = new ActivePreset(host);
    // The preset active when the service last ran is active again.
    const name = store.readActive();
    if (name !== null) {
      try {
        this.#active.set(compilePreset(store.read(name)));
      } catch (error) {
        host.log(`the active preset '${name}' could not be read: ${(error as Error).message}`);
      }
    }
  }

  state(): PresetsState {
    return { ...this.#store.list(), active: this.#active.name };
  }

  save(name: string, positions: Preset['positions'] = {}): PresetSummary {
    checkName(name);
    // Without a server the graph is empty: saving it would replace a preset with nothing.
    if (!this.#host.isUp)
      throw new JackbayRpcError('server-down', 'no JACK server runs: there is nothing to save');
    const graph = this.#host.published();
    const own = this.#host.ownClient();
    const preset = emptyPreset(name);
    for (const connection of graph.connections.values()) {
      const source = graph.ports.get(connection.source);
      const destination = graph.ports.get(connection.destination);
      if (!source || !destination || source.client === own || destination.client === own) continue;
      preset.connections.push({
        ...connection,
        ...(source.type === 'other' ? {} : { type: source.type }),
      });
    }
    for (const client of graph.clients.values())
      if (client.prettyName !== null && client.name !== own)
        preset.prettyNames.clients[client.name] = client.prettyName;
    for (const port of graph.ports.values())
      if (port.prettyName !== null && port.client !== own)
        preset.prettyNames.ports[port.name] = port.prettyName;
    preset.positions = positions;
    const summary = this.#store.write(preset);
    this.#emit();
    return summary;
  }

  get(name: string): Preset {
    try {
      return this.#store.read(name);
    } finally {
      this.#emit(); // a corrupt file was set aside: the list changed
    }
  }

  async preview(source: { name: string } | ImportSource): Promise<PresetDiff> {
    const preset =
      'name' in source ? this.get(source.name) : (await this.#imported(source, 'preview')).preset;
    return diffPreset(compilePreset(preset), this.#host.published(), this.#host.ownClient());
  }

  load(name: string, mode: 'add-only' | 'exact'): { added: Connection[]; removed: Connection[] } {
    const compiled = compilePreset(this.get(name));
    const diff = diffPreset(compiled, this.#host.published(), this.#host.ownClient());
    const applied = applyChange(this.#host.client(), {
      add: diff.add,
      remove: mode === 'exact' ? diff.remove : [],
    });
    for (const { connection, reason } of applied.failed)
      this.#host.log(
        `preset '${name}': could not connect ${connection.source} → ${connection.destination}: ${reason}`,
      );
    this.#host.applied(applied.added, applied.removed);
    return { added: applied.added, removed: applied.removed };
  }

  delete(name: string): void {
    this.#store.delete(name);
    if (this.#active.name === name) this.setActive(null);
    this.#emit();
  }

  setActive(name: string | null): void {
    // Read and compiled first: a bad file or pattern changes nothing.
    const compiled = name === null ? null : compilePreset(this.get(name));
    this.#store.writeActive(name);
    this.#active.set(compiled);
    this.#emit();
  }

  async import(
    source: ImportSource,
    name: string,
  ): Promise<{ preset: PresetSummary; skipped: number }> {
    checkName(name);
    const { preset, skipped } = await this.#imported(source, name);
    compilePreset(preset);
    const summary = this.#store.write(preset);
    this.#emit();
    return { preset: summary, skipped };
  }

  async export(
    name: string,
    format: 'json' | 'qjackctl',
  ): Promise<{ text: string; fileName: string }> {
    const preset = this.get(name);
    if (format === 'json') return { text: exportJson(preset), fileName: `${name}.json` };
    // QjackCtl needs each socket's type: the live graph knows those the preset does not.
    const graph = this.#host.published();
    const typed: Preset = {
      ...preset,
      connections: preset.connections.map((connection) => {
        if (connection.type) return connection;
        const type = graph.ports.get(connection.source)?.type;
        return type === 'audio' || type === 'midi' ? { ...connection, type } : connection;
      }),
    };
    return { text: await exportQjackctlOffThread(typed), fileName: `${name}.xml` };
  }

  /** The published graph changed: the active preset follows it. */
  graphChanged(): void {
    this.#active.graphChanged();
  }

  close(): void {
    this.#active.close();
  }

  #imported(source: ImportSource, name: string) {
    if ((source.text === undefined) === (source.upload === undefined))
      throw new JackbayRpcError('bad-request', 'give either the text or an upload');
    const text = source.text ?? this.uploads.take(source.upload as string);
    return importOffThread(source.format, text, name);
  }

  #emit(): void {
    const state = this.state();
    const json = JSON.stringify(state);
    if (json === this.#stateJson) return;
    this.#stateJson = json;
    this.#host.changed(state);
  }
}
