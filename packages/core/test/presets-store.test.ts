// The preset store on disk, without JACK: atomic files named after presets,
// corrupt and huge files set aside and listed, the active preset remembered.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyPreset, MAX_PRESET_BYTES } from '../src/presets/model.js';
import { PresetStore } from '../src/presets/store.js';

let dir: string;
let store: PresetStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jackbay-store-'));
  process.env.JACKBAY_CONFIG_DIR = dir;
  store = new PresetStore();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const presetsDir = () => join(dir, 'presets');

describe('the preset store', () => {
  it('writes one file per preset, escaped, and reads it back', () => {
    const preset = emptyPreset('Set: A/B?');
    expect(() => store.write(preset)).toThrow(/cannot name a preset/);
    const ok = emptyPreset('Set: A & B');
    ok.connections.push({ source: 'a:out', destination: 'b:in', type: 'audio' });
    store.write(ok);
    expect(readdirSync(presetsDir())).toEqual(['Set%3A%20A%20%26%20B.json']);
    expect(store.read('Set: A & B')).toEqual(ok);
    expect(store.list().presets).toEqual([
      expect.objectContaining({ name: 'Set: A & B', connections: 1 }),
    ]);
  });

  it('sets a corrupt file aside, says why, and lists it until someone removes it', () => {
    store.write(emptyPreset('good'));
    writeFileSync(join(presetsDir(), 'bad.json'), '{ not json');
    writeFileSync(join(presetsDir(), 'wrong.json'), '{"jackbay":"preset","version":7}');
    const { presets, corrupt } = store.list();
    expect(presets.map((p) => p.name)).toEqual(['good']);
    expect(corrupt.map((c) => c.name)).toEqual(['bad', 'wrong']);
    expect(corrupt[0]?.file).toMatch(/^bad\.json\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(corrupt[0]?.reason).toMatch(/not valid JSON/);
    expect(
      readdirSync(presetsDir())
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(['good.json']);
    // Another run finds the set-aside files still, without the reason it cannot know.
    expect(new PresetStore().list().corrupt.map((c) => [c.name, c.reason])).toEqual([
      ['bad', null],
      ['wrong', null],
    ]);
    expect(() => store.read('bad')).toThrow(/no preset named 'bad'/);
  });

  it('a huge preset file is set aside as too large, quickly, not parsed', () => {
    store.write(emptyPreset('good'));
    const huge = `{"jackbay":"preset","pad":"${'x'.repeat(MAX_PRESET_BYTES)}"}`;
    writeFileSync(join(presetsDir(), 'huge.json'), huge);
    const { presets, corrupt } = store.list();
    expect(presets.map((p) => p.name)).toEqual(['good']);
    expect(corrupt).toEqual([
      expect.objectContaining({
        name: 'huge',
        reason: expect.stringMatching(/larger than 32 MiB/),
      }),
    ]);
  });

  it('remembers the active preset; an unreadable memory means none', () => {
    expect(store.readActive()).toBeNull();
    store.writeActive('Live');
    expect(new PresetStore().readActive()).toBe('Live');
    writeFileSync(join(dir, 'active-preset.json'), '[');
    expect(store.readActive()).toBeNull();
    expect(readdirSync(dir).some((f) => f.startsWith('active-preset.json.corrupt-'))).toBe(true);
  });

  it('deleting an unknown preset is preset-not-found', () => {
    expect(() => store.delete('nope')).toThrow(
      expect.objectContaining({ code: 'preset-not-found' }),
    );
  });
});
