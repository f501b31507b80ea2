// Presets on disk: one JSON file per preset in <config dir>/presets/, named
// after the preset, written atomically. A file that cannot be read is set
// aside as `<file>.corrupt-<date>` (config-files.ts) and listed as such, with
// the reason when this run found it. Which preset is active is remembered in
// <config dir>/active-preset.json.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configDir, parseJson, readConfigFile, writeFileAtomic } from '../config-files.js';
import { JackbayRpcError } from '../errors.js';
import { badFile } from './checks.js';
import { exportJson } from './export-json.js';
import { parsePresetJson } from './import-json.js';
import { type Preset, PresetName } from './model.js';

export interface PresetSummary {
  name: string;
  savedAt: string;
  importedFrom: string | null;
  connections: number;
  patterns: number;
  exclusive: number;
}

export interface CorruptPreset {
  /** The preset's name, from the file's. */
  name: string;
  /** The file's new name in the presets directory. */
  file: string;
  /** Why it could not be read, when this run found it; null for one set aside before. */
  reason: string | null;
}

const SUFFIX = '.json';
const CORRUPT = /^(.*)\.json\.corrupt-[^/]+$/;

export function presetsDir(): string {
  return join(configDir(), 'presets');
}

function fileName(name: string): string {
  // encodeURIComponent leaves no '/' and the name has no leading '.'.
  return `${encodeURIComponent(name)}${SUFFIX}`;
}

function nameOf(file: string): string | null {
  try {
    return decodeURIComponent(file.slice(0, -SUFFIX.length));
  } catch {
    return null;
  }
}

export function checkName(name: string): string {
  const parsed = PresetName.safeParse(name);
  if (!parsed.success)
    throw new JackbayRpcError(
      'bad-request',
      `'${name}' cannot name a preset: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return name;
}

function summarize(preset: Preset): PresetSummary {
  return {
    name: preset.name,
    savedAt: preset.savedAt,
    importedFrom: preset.importedFrom ?? null,
    connections: preset.connections.length,
    patterns: preset.patterns.length,
    exclusive: preset.exclusive.length,
  };
}

export class PresetStore {
  readonly #dir: () => string;
  /** Summaries by file, while its size and time are unchanged (a list need not re-read 100,000 connections). */
  readonly #summaries = new Map<string, { stamp: string; summary: PresetSummary }>();
  /** Why files were set aside, by their new name, as found by this run. */
  readonly #reasons = new Map<string, string>();

  constructor(dir: () => string = presetsDir) {
    this.#dir = dir;
  }

  list(): { presets: PresetSummary[]; corrupt: CorruptPreset[] } {
    let files: string[];
    try {
      files = readdirSync(this.#dir());
    } catch {
      return { presets: [], corrupt: [] };
    }
    const presets: PresetSummary[] = [];
    for (const file of files) {
      if (!file.endsWith(SUFFIX) || file.startsWith('.')) continue;
      const name = nameOf(file);
      if (name === null || !PresetName.safeParse(name).success) continue;
      try {
        presets.push(this.#summary(file, name));
      } catch {
        // Set aside by the read: listed below, under its new name.
      }
    }
    const corrupt: CorruptPreset[] = [];
    for (const file of readdirSync(this.#dir())) {
      const match = CORRUPT.exec(file);
      if (!match) continue;
      corrupt.push({
        name: nameOf(`${match[1]}${SUFFIX}`) ?? file,
        file,
        reason: this.#reasons.get(file) ?? null,
      });
    }
    presets.sort((a, b) => a.name.localeCompare(b.name));
    corrupt.sort((a, b) => a.file.localeCompare(b.file));
    return { presets, corrupt };
  }

  /** The preset, or 'preset-not-found'; a corrupt file is set aside and refused with why. */
  read(name: string): Preset {
    checkName(name);
    const path = join(this.#dir(), fileName(name));
    const outcome = readConfigFile(path, (text) => parsePresetJson(text, name));
    if (outcome.kind === 'ok') return outcome.value;
    if (outcome.kind === 'missing')
      throw new JackbayRpcError('preset-not-found', `there is no preset named '${name}'`);
    const where = outcome.setAsideAs ? outcome.setAsideAs.slice(this.#dir().length + 1) : null;
    if (where) this.#reasons.set(where, outcome.reason);
    throw badFile(
      `the preset '${name}' could not be read (${outcome.reason})${where ? `; it was set aside as ${where}` : ''}`,
    );
  }

  write(preset: Preset): PresetSummary {
    checkName(preset.name);
    const file = fileName(preset.name);
    writeFileAtomic(join(this.#dir(), file), exportJson(preset));
    this.#summaries.delete(file);
    return summarize(preset);
  }

  delete(name: string): void {
    checkName(name);
    const path = join(this.#dir(), fileName(name));
    try {
      statSync(path);
    } catch {
      throw new JackbayRpcError('preset-not-found', `there is no preset named '${name}'`);
    }
    rmSync(path);
    this.#summaries.delete(fileName(name));
  }

  /** The active preset's name as remembered, or null. */
  readActive(): string | null {
    const outcome = readConfigFile(join(configDir(), 'active-preset.json'), (text) => {
      const value = parseJson(text) as { name?: unknown };
      if (value === null || typeof value !== 'object') throw new Error('not an object');
      if (value.name !== null && typeof value.name !== 'string') throw new Error('no name');
      return value.name;
    });
    return outcome.kind === 'ok' ? outcome.value : null;
  }

  writeActive(name: string | null): void {
    writeFileAtomic(join(configDir(), 'active-preset.json'), `${JSON.stringify({ name })}\n`);
  }

  #summary(file: string, name: string): PresetSummary {
    const stat = statSync(join(this.#dir(), file));
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.#summaries.get(file);
    if (cached && cached.stamp === stamp) return cached.summary;
    const summary = summarize(this.read(name));
    this.#summaries.set(file, { stamp, summary });
    return summary;
  }
}
