// Importers and exporters of presets, on files shaped as each tool writes
// them (fixtures/presets/, element and attribute names from QjackCtl's
// qjackctlPatchbayFile.cpp, aj-snapshot's aj-jack.c, qpwgraph's
// qpwgraph_patchbay.cpp and RaySession's jackpatch main_loop.py), on
// malformed ones, and at 100,000 connections. No JACK needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphFromSnapshot } from '../src/patch.js';
import { compilePreset, diffPreset } from '../src/presets/diff.js';
import { exportJson } from '../src/presets/export-json.js';
import { exportQjackctl } from '../src/presets/export-qjackctl.js';
import { detectFormat, importPreset } from '../src/presets/import.js';
import { importQjackctl } from '../src/presets/import-qjackctl.js';
import { emptyPreset, MAX_PRESET_BYTES, type Preset } from '../src/presets/model.js';
import { inp, out } from './graph-fixtures.js';
import { CORE_DIR } from './helpers.js';

const FIXTURES = join(CORE_DIR, 'test', 'fixtures', 'presets');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function rejects(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('importers', () => {
  it('reads a QjackCtl patchbay: plain plugs become connections, ALSA and unknown cables are left out, exclusive sockets kept', () => {
    const { preset, skipped } = importPreset('auto', fixture('qjackctl-snapshot.xml'), 'q');
    expect(preset.importedFrom).toBe('qjackctl');
    expect(preset.connections).toEqual([
      { source: 'system:capture_1', destination: 'ardour:in 1', type: 'audio' },
      { source: 'system:capture_2', destination: 'ardour:in 2', type: 'audio' },
      {
        source: 'a2j:Midi Through [14] (capture): Midi Through Port-0',
        destination: 'yoshimi:midi in',
        type: 'midi',
      },
    ]);
    expect(preset.patterns).toEqual([]);
    expect(skipped).toBe(2); // the alsa-midi cable and the one to a missing socket
    expect(preset.exclusive).toEqual([
      { client: 'ardour', port: 'in 1' },
      { client: 'ardour', port: 'in 2' },
    ]);
  });

  it('reads QjackCtl regular expressions as rules and joins the n-th matches, as QjackCtl does', () => {
    const { preset } = importPreset('qjackctl', fixture('qjackctl-regex.xml'), 'r');
    expect(preset.connections).toEqual([]);
    expect(preset.patterns).toHaveLength(2);
    expect(preset.exclusive).toEqual([{ client: 'mixer', port: 'in_.*' }]);
    const graph = graphFromSnapshot({
      clients: [],
      ports: [
        out('synth-1:out_L'),
        out('synth-1:out_R'),
        out('synthesizer:out_L'),
        inp('mixer:in_1'),
        inp('mixer:in_2'),
        inp('mixer:in_3'),
        out('system:capture_1'),
        inp('recorder:in_1'),
      ],
      connections: [{ source: 'synthesizer:out_L', destination: 'mixer:in_3' }],
    });
    const diff = diffPreset(compilePreset(preset), graph, null);
    expect(diff.add).toEqual([
      { source: 'synth-1:out_L', destination: 'mixer:in_1' },
      { source: 'synth-1:out_R', destination: 'mixer:in_2' },
      { source: 'system:capture_1', destination: 'recorder:in_1' },
    ]);
    expect(diff.remove).toEqual([{ source: 'synthesizer:out_L', destination: 'mixer:in_3' }]);
    expect(diff.missing).toEqual([]);
  });

  it('reads aj-snapshot: JACK clients, output ports, connections by full name; the ALSA section is counted, not kept', () => {
    const { preset, skipped } = importPreset('auto', fixture('aj-snapshot.xml'), 'aj');
    expect(preset.importedFrom).toBe('aj-snapshot');
    expect(preset.connections).toEqual([
      { source: 'system:capture_1', destination: 'ardour:in 1' },
      { source: 'system:capture_1', destination: 'meterbridge:meter_1' },
      { source: 'system:capture_2', destination: 'ardour:in 2' },
      { source: 'ardour:out 1', destination: 'system:playback_1' },
    ]);
    expect(skipped).toBe(1);
  });

  it('reads qpwgraph: PipeWire nodes as JACK clients, audio and MIDI kept, video and ALSA left out', () => {
    const { preset, skipped } = importPreset('auto', fixture('studio.qpwgraph'), 'pw');
    expect(preset.importedFrom).toBe('qpwgraph');
    expect(preset.connections).toEqual([
      {
        source: 'Firefox:output_FL',
        destination: 'Built-in Audio Analog Stereo:playback_FL',
        type: 'audio',
      },
      {
        source: 'Firefox:output_FR',
        destination: 'Built-in Audio Analog Stereo:playback_FR',
        type: 'audio',
      },
      {
        source: 'Midi-Bridge:Midi Through:(capture_0) Midi Through Port-0',
        destination: 'yoshimi:midi in',
        type: 'midi',
      },
    ]);
    expect(skipped).toBe(2);
  });

  it('cuts a PipeWire node name to the 63 bytes of a JACK client name', () => {
    const long = 'n'.repeat(70);
    const text = `<!DOCTYPE patchbay>\n<patchbay version="0.6.2" name="x">\n <items>\n  <item node-type="pipewire" port-type="pipewire-audio">\n   <output node="${long}" port="out"/>\n   <input node="b" port="in"/>\n  </item>\n </items>\n</patchbay>\n`;
    const { preset } = importPreset('qpwgraph', text, 'x');
    expect(preset.connections[0]?.source).toBe(`${'n'.repeat(63)}:out`);
  });

  it('reads a RaySession jackpatch file: its connections, not its graph of ports', () => {
    const { preset, skipped } = importPreset('auto', fixture('session.jackpatch.xml'), 'ray');
    expect(preset.importedFrom).toBe('jackpatch');
    expect(preset.connections).toEqual([
      { source: 'system:capture_1', destination: 'Carla:audio-in1' },
      { source: 'system:capture_2', destination: 'Carla:audio-in2' },
      { source: 'Carla:audio-out1', destination: 'system:playback_1' },
    ]);
    expect(skipped).toBe(0);
  });

  it('tells the formats apart by content', () => {
    expect(detectFormat(fixture('qjackctl-snapshot.xml'))).toBe('qjackctl');
    expect(detectFormat(fixture('studio.qpwgraph'))).toBe('qpwgraph');
    expect(detectFormat(fixture('aj-snapshot.xml'))).toBe('aj-snapshot');
    expect(detectFormat(fixture('session.jackpatch.xml'))).toBe('jackpatch');
    expect(detectFormat(exportJson(emptyPreset('x')))).toBe('json');
    expect(detectFormat('hello')).toBeNull();
  });
});

describe('malformed files: a clear error, nothing made', () => {
  const cases: Array<[string, 'auto' | 'qjackctl' | 'qpwgraph' | 'json', string, RegExp]> = [
    [
      'qjackctl-truncated.xml',
      'auto',
      'bad-preset-file',
      /not a QjackCtl patchbay file: Unclosed root tag, Line: \d+/,
    ],
    ['qjackctl-bad-regex.xml', 'auto', 'bad-regex', /'synth-\[0-9' is not a regular expression/],
    [
      'aj-snapshot-no-port.xml',
      'auto',
      'bad-preset-file',
      /<connection> of 'system:capture_1' has no port/,
    ],
    ['qpwgraph-no-input.qpwgraph', 'auto', 'bad-preset-file', /lacks its <output> or <input>/],
    ['jackpatch-no-to.xml', 'auto', 'bad-preset-file', /lacks its from or to/],
    ['wrong-root.xml', 'auto', 'bad-preset-file', /not a file Jackbay can import/],
    ['wrong-root.xml', 'qjackctl', 'bad-preset-file', /root element is not <patchbay>/],
    ['preset-truncated.json.txt', 'auto', 'bad-preset-file', /not valid JSON/],
    ['preset-wrong-version.json.txt', 'json', 'bad-preset-file', /not a Jackbay preset/],
    ['not-utf8.xml', 'auto', 'bad-preset-file', /not a file Jackbay can import|not a QjackCtl/],
  ];
  for (const [file, format, code, message] of cases)
    it(`${file} as ${format}`, () => {
      const error = rejects(() => importPreset(format, fixture(`malformed/${file}`), 'bad'));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });

  it('a QjackCtl file imported as qpwgraph, and the other way round, says which it is', () => {
    expect(
      rejects(() => importPreset('qpwgraph', fixture('qjackctl-snapshot.xml'), 'x')).message,
    ).toMatch(/QjackCtl patchbay, not a qpwgraph one/);
    expect(
      rejects(() => importPreset('qjackctl', fixture('studio.qpwgraph'), 'x')).message,
    ).toMatch(/qpwgraph patchbay, not a QjackCtl one/);
  });

  it('a huge file is refused by size before parsing, with its own code', () => {
    const huge = `<aj-snapshot>${' '.repeat(MAX_PRESET_BYTES)}</aj-snapshot>`;
    const started = performance.now();
    const error = rejects(() => importPreset('auto', huge, 'huge'));
    expect(error.code).toBe('preset-too-large');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a DOCTYPE’s entities are not expanded (no billion laughs)', () => {
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">\n<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">\n<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">\n]>\n<RAY-JACKPATCH><connection from="&g;" to="x:y"/></RAY-JACKPATCH>`;
    const error = rejects(() => importPreset('jackpatch', bomb, 'bomb'));
    expect(error.code).toBe('bad-preset-file');
    expect(error.message).toMatch(/entity/i);
  });
});

function bigPreset(count: number): Preset {
  const preset = emptyPreset('big');
  for (let i = 0; i < count; i += 1)
    preset.connections.push({
      source: `client-${i % 100}:out_${i}`,
      destination: `sink-${i % 50}:in_${i}`,
      type: i % 10 === 0 ? 'midi' : 'audio',
    });
  return preset;
}

describe('round trips and 100,000 connections', () => {
  it('JSON export reads back equal', () => {
    const preset = bigPreset(10);
    preset.patterns.push({
      source: { client: 'synth-[0-9]+', port: 'out_.*' },
      destination: { client: 'mixer', port: 'in_.*' },
      type: 'audio',
    });
    preset.exclusive.push({ client: 'mixer', port: 'in_.*' });
    preset.positions = { 'system|out': { x: 10, y: 20.5 } };
    preset.prettyNames.ports['system:capture_1'] = 'Mic';
    expect(importPreset('auto', exportJson(preset), 'big').preset).toEqual(preset);
  });

  it('QjackCtl export reads back the same connections, rules and exclusive ports', () => {
    const preset = bigPreset(20);
    preset.connections.push({
      source: 'odd (client).*:out [1]',
      destination: 'PulseAudio JACK Sink:front-left',
      type: 'audio',
    });
    preset.connections.push({ source: 'a&b:<o>', destination: 'c"d:i', type: 'audio' });
    preset.patterns.push({
      source: { client: 'synth-[0-9]+', port: 'out_.*' },
      destination: { client: 'mixer', port: 'in_.*' },
      type: 'midi',
    });
    preset.exclusive.push({ client: 'mixer', port: 'in_.*' });
    const back = importQjackctl(exportQjackctl(preset), 'big').preset;
    expect(back.connections).toEqual(preset.connections);
    expect(back.patterns).toEqual(preset.patterns);
    expect(back.exclusive).toEqual(preset.exclusive);
  });

  it('100,000 connections: export, import and diff finish (JSON and QjackCtl)', () => {
    const preset = bigPreset(100_000);
    const started = performance.now();
    const json = exportJson(preset);
    expect(importPreset('json', json, 'big').preset.connections).toHaveLength(100_000);
    const xml = exportQjackctl(preset);
    expect(importPreset('auto', xml, 'big').preset.connections).toHaveLength(100_000);
    const graph = graphFromSnapshot({
      clients: [],
      ports: [out('client-1:out_1'), inp('sink-1:in_1')],
      connections: [],
    });
    const diff = diffPreset(compilePreset(preset), graph, null);
    expect(diff.add).toEqual([{ source: 'client-1:out_1', destination: 'sink-1:in_1' }]);
    expect(diff.missing).toHaveLength(99_999);
    // Not a timing assertion of the code's speed: a bound that tells a hang from work.
    expect(performance.now() - started).toBeLessThan(120_000);
  }, 180_000);

  it('more than the limit of connections is refused with preset-too-large', () => {
    const error = rejects(() => importPreset('json', exportJson(bigPreset(200_001)), 'x'));
    expect(error.code).toBe('preset-too-large');
  }, 120_000);
});
