// Presets against a real server: save, preview the difference, load "add
// only" and "exact"; an active preset with client and port patterns and an
// exclusive port re-makes its connections when a matching client appears;
// bad files and bad patterns are refused and change nothing. Python peers are
// the clients; jack_lsp, an independent reader, says what is connected.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { PresetsState } from '../src/contract.js';
import { JackbayService } from '../src/service.js';
import {
  type ExecPeer,
  execPeer,
  type JackServer,
  lsp,
  SERVER_WAIT_MS,
  startServer,
  waitFor,
} from './helpers.js';

let server: JackServer;
let service: JackbayService;
let configDir: string;
const peers: ExecPeer[] = [];
const states: PresetsState[] = [];

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'jackbay-presets-'));
  process.env.JACKBAY_CONFIG_DIR = configDir;
  server = await startServer();
  service = new JackbayService({ serverName: server.name, retryIntervalMs: 200 });
  service.subscribe('presets', (state) => states.push(state));
  service.start();
  await waitFor(() => service.isUp, 10000, 'service up');
}, SERVER_WAIT_MS + 20000);

afterAll(async () => {
  for (const peer of peers) await peer.stop();
  await service?.close();
  await server?.stop();
  rmSync(configDir, { recursive: true, force: true });
});

/** Connections between the test's peers, as jack_lsp lists them ("source -> destination"). */
async function connections(): Promise<string[]> {
  const out = await lsp(server, ['-c']);
  const found: string[] = [];
  let port = '';
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith(' ')) port = line;
    else if (/:out_\d$/.test(port)) found.push(`${port} -> ${line.trim()}`);
  }
  return found.sort();
}

async function request(method: string, params: object): Promise<unknown> {
  const reply = await answer(service, method, params);
  if ('error' in reply) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}

async function refused(method: string, params: object): Promise<{ code: string; message: string }> {
  const reply = await answer(service, method, params);
  if (!('error' in reply)) throw new Error(`${method} succeeded`);
  return reply.error;
}

async function peer(name: string, ports: string): Promise<ExecPeer> {
  const started = await execPeer(server, name, ports);
  peers.push(started);
  await waitFor(() => service.snapshot().clients.some((c) => c.name === name), 10000, name);
  return started;
}

async function until(expected: string[]): Promise<void> {
  await waitFor(
    async () => JSON.stringify(await connections()) === JSON.stringify(expected),
    10000,
    `connections ${expected.join(', ')}`,
  );
  const seen = () =>
    service
      .snapshot()
      .connections.map((c) => `${c.source} -> ${c.destination}`)
      .filter((c) => /:out_\d -> /.test(c))
      .sort();
  await waitFor(
    () => JSON.stringify(seen()) === JSON.stringify(expected),
    10000,
    'the service saw them',
  );
}

const OUTS = `for n in ('out_1', 'out_2'): c.outports.register(n)`;
const INS = `for n in ('in_1', 'in_2'): c.inports.register(n)`;

describe('save, preview and load', () => {
  it('saves the connections, previews the difference, loads add-only then exact', async () => {
    await peer('src', OUTS);
    await peer('sink', INS);
    await request('connect', { source: 'src:out_1', destination: 'sink:in_1' });
    await request('connect', { source: 'src:out_2', destination: 'sink:in_2' });
    await until(['src:out_1 -> sink:in_1', 'src:out_2 -> sink:in_2']);

    const summary = await request('savePreset', {
      name: 'Live set',
      positions: { 'src|out': { x: 1, y: 2 } },
    });
    expect(summary).toMatchObject({ name: 'Live set', connections: 2, patterns: 0 });
    expect(readdirSync(join(configDir, 'presets'))).toEqual(['Live%20set.json']);
    expect(states.at(-1)?.presets.map((p) => p.name)).toEqual(['Live set']);

    // The graph changes: one connection gone, another made.
    await request('disconnect', { source: 'src:out_2', destination: 'sink:in_2' });
    await request('connect', { source: 'src:out_1', destination: 'sink:in_2' });
    await until(['src:out_1 -> sink:in_1', 'src:out_1 -> sink:in_2']);

    const diff = await request('previewPreset', { name: 'Live set' });
    expect(diff).toEqual({
      add: [{ source: 'src:out_2', destination: 'sink:in_2' }],
      remove: [{ source: 'src:out_1', destination: 'sink:in_2' }],
      missing: [],
    });
    // A preview changes nothing.
    expect(await connections()).toEqual(['src:out_1 -> sink:in_1', 'src:out_1 -> sink:in_2']);

    expect(await request('loadPreset', { name: 'Live set', mode: 'add-only' })).toEqual({
      added: [{ source: 'src:out_2', destination: 'sink:in_2' }],
      removed: [],
    });
    await until(['src:out_1 -> sink:in_1', 'src:out_1 -> sink:in_2', 'src:out_2 -> sink:in_2']);

    expect(await request('loadPreset', { name: 'Live set', mode: 'exact' })).toEqual({
      added: [],
      removed: [{ source: 'src:out_1', destination: 'sink:in_2' }],
    });
    await until(['src:out_1 -> sink:in_1', 'src:out_2 -> sink:in_2']);
    const preset = (await request('getPreset', { name: 'Live set' })) as {
      positions: object;
    };
    expect(preset.positions).toEqual({ 'src|out': { x: 1, y: 2 } });
  });

  it('reports connections whose ports do not exist now as missing, and loads the rest', async () => {
    const text = JSON.stringify({
      jackbay: 'preset',
      version: 1,
      name: 'x',
      savedAt: '2026-12-04T00:00:00Z',
      connections: [
        { source: 'src:out_1', destination: 'sink:in_2' },
        { source: 'gone:out_1', destination: 'sink:in_1' },
      ],
      patterns: [],
      exclusive: [],
      positions: {},
      prettyNames: { clients: {}, ports: {} },
    });
    const diff = await request('previewPreset', { format: 'auto', text });
    expect(diff).toMatchObject({
      add: [{ source: 'src:out_1', destination: 'sink:in_2' }],
      missing: [{ source: 'gone:out_1', destination: 'sink:in_1', pattern: false }],
    });
    // Given in parts, as the page sends a large file over the WebSocket.
    for (let i = 0; i < text.length; i += 100)
      await request('uploadPart', { upload: 'u1', text: text.slice(i, i + 100) });
    expect(
      await request('importPreset', { name: 'Partial', format: 'json', upload: 'u1' }),
    ).toMatchObject({
      preset: { name: 'Partial', connections: 2 },
      skipped: 0,
    });
    expect(await request('loadPreset', { name: 'Partial', mode: 'add-only' })).toEqual({
      added: [{ source: 'src:out_1', destination: 'sink:in_2' }],
      removed: [],
    });
    await until(['src:out_1 -> sink:in_1', 'src:out_1 -> sink:in_2', 'src:out_2 -> sink:in_2']);
  });
});

const RULES = `<!DOCTYPE patchbay>
<patchbay version="1.0.0" name="synths">
 <output-sockets>
  <socket exclusive="off" client="synth-[0-9]+" type="jack-audio" name="synth">
   <plug>out_.*</plug>
  </socket>
 </output-sockets>
 <input-sockets>
  <socket exclusive="on" client="mixer" type="jack-audio" name="mixer">
   <plug>in_.*</plug>
  </socket>
 </input-sockets>
 <slots/>
 <cables>
  <cable output="synth" input="mixer" type="jack-audio"/>
 </cables>
</patchbay>
`;

describe('an active preset', () => {
  it('re-makes its rules whenever a matching client appears, and keeps its exclusive ports to itself', async () => {
    const mixer = await peer('mixer', INS);
    const other = await peer('other', OUTS);
    await other.run(`c.connect('other:out_1', 'mixer:in_1')`);
    await waitFor(
      async () => (await connections()).includes('other:out_1 -> mixer:in_1'),
      10000,
      'other connected',
    );
    expect(
      await request('importPreset', { name: 'Synths', format: 'auto', text: RULES }),
    ).toMatchObject({
      preset: { name: 'Synths', connections: 0, patterns: 1, exclusive: 1 },
    });
    await request('setActivePreset', { name: 'Synths' });
    expect(states.at(-1)?.active).toBe('Synths');
    // Exclusive: the other connection to the mixer goes, though no synth is there yet.
    await waitFor(
      async () => !(await connections()).includes('other:out_1 -> mixer:in_1'),
      10000,
      'other removed',
    );

    const synth7 = await peer('synth-7', OUTS);
    await waitFor(
      async () => {
        const now = await connections();
        return (
          now.includes('synth-7:out_1 -> mixer:in_1') && now.includes('synth-7:out_2 -> mixer:in_2')
        );
      },
      10000,
      'synth-7 connected',
    );
    await synth7.stop();
    peers.splice(peers.indexOf(synth7), 1);

    // Another instance, another name: the pattern matches it too.
    await peer('synth-9', OUTS);
    await waitFor(
      async () => {
        const now = await connections();
        return (
          now.includes('synth-9:out_1 -> mixer:in_1') && now.includes('synth-9:out_2 -> mixer:in_2')
        );
      },
      10000,
      'synth-9 connected',
    );

    // Someone connects to the exclusive port: it is taken back.
    await other.run(`c.connect('other:out_2', 'mixer:in_2')`);
    await waitFor(
      async () => !(await connections()).includes('other:out_2 -> mixer:in_2'),
      10000,
      'taken back',
    );

    // Deactivated, it changes nothing more.
    await request('setActivePreset', { name: null });
    await other.run(`c.connect('other:out_2', 'mixer:in_2')`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await connections()).toContain('other:out_2 -> mixer:in_2');
    void mixer;
  });
});

describe('bad input changes nothing', () => {
  it('refuses unknown presets, bad names, bad patterns and corrupt files with typed errors', async () => {
    const before = await connections();
    expect((await refused('loadPreset', { name: 'nope', mode: 'exact' })).code).toBe(
      'preset-not-found',
    );
    expect((await refused('savePreset', { name: '../x' })).code).toBe('bad-request');
    expect((await refused('savePreset', { name: 'a\u0000b' })).code).toBe('bad-request');
    for (const method of ['savePreset', 'setActivePreset', 'getPreset'])
      expect((await refused(method, { name: 'a\ud800' })).code).toBe('bad-request');

    const badRegex = RULES.replace('synth-[0-9]+', 'synth-[0-9');
    expect(
      (await refused('importPreset', { name: 'Bad', format: 'auto', text: badRegex })).code,
    ).toBe('bad-regex');
    expect(
      (await refused('importPreset', { name: 'Bad', format: 'auto', text: '<patchbay>' })).code,
    ).toBe('bad-preset-file');

    // A preset file damaged on disk: refused, set aside, listed as such.
    writeFileSync(join(configDir, 'presets', 'Broken.json'), '{"jackbay":"preset", "vers');
    const error = await refused('setActivePreset', { name: 'Broken' });
    expect(error.code).toBe('bad-preset-file');
    expect(error.message).toMatch(/set aside as Broken\.json\.corrupt-/);
    const list = (await request('listPresets', {})) as PresetsState;
    expect(list.active).toBeNull();
    expect(list.presets.map((p) => p.name)).toEqual(['Live set', 'Partial', 'Synths']);
    expect(list.corrupt).toEqual([
      expect.objectContaining({ name: 'Broken', reason: expect.stringMatching(/not valid JSON/) }),
    ]);
    // A rule with a bad pattern written by hand: refused on activation.
    writeFileSync(
      join(configDir, 'presets', 'Hand.json'),
      JSON.stringify({
        jackbay: 'preset',
        version: 1,
        name: 'Hand',
        savedAt: '',
        connections: [],
        patterns: [{ source: { client: '(', port: 'x' }, destination: { client: 'a', port: 'b' } }],
        exclusive: [],
        positions: {},
        prettyNames: { clients: {}, ports: {} },
      }),
    );
    expect((await refused('setActivePreset', { name: 'Hand' })).code).toBe('bad-regex');
    expect((await refused('loadPreset', { name: 'Hand', mode: 'exact' })).code).toBe('bad-regex');
    expect(await connections()).toEqual(before);
  });

  it('exports JSON and QjackCtl XML that import back', async () => {
    const json = (await request('exportPreset', { name: 'Live set', format: 'json' })) as {
      text: string;
      fileName: string;
    };
    expect(json.fileName).toBe('Live set.json');
    const xml = (await request('exportPreset', { name: 'Live set', format: 'qjackctl' })) as {
      text: string;
    };
    expect(xml.text).toContain('<cable output="src:out_1" input="sink:in_1" type="jack-audio"/>');
    expect(await request('previewPreset', { format: 'qjackctl', text: xml.text })).toEqual(
      await request('previewPreset', { format: 'json', text: json.text }),
    );
    await request('deletePreset', { name: 'Partial' });
    expect(
      ((await request('listPresets', {})) as PresetsState).presets.map((p) => p.name),
    ).not.toContain('Partial');
  });
});

describe('a big file', () => {
  it('is read off the service thread: a QjackCtl file of 100,000 connections imports while other requests are answered', async () => {
    const cables: string[] = [];
    for (let i = 0; i < 100_000; i += 1)
      cables.push(
        `<cable output="c${i % 100}:out_${i}" input="s${i % 50}:in_${i}" type="jack-audio"/>`,
      );
    const sockets = (side: 'output' | 'input', client: string, port: string) =>
      Array.from(
        { length: 100_000 },
        (_, i) =>
          `<socket name="${client}${i % (side === 'output' ? 100 : 50)}:${port}_${i}" client="${client}${i % (side === 'output' ? 100 : 50)}" type="jack-audio"><plug>${port}_${i}</plug></socket>`,
      ).join('');
    const xml = `<?xml version="1.0"?><!DOCTYPE patchbay><patchbay name="big" version="0.9.9"><output-sockets>${sockets('output', 'c', 'out')}</output-sockets><input-sockets>${sockets('input', 's', 'in')}</input-sockets><cables>${cables.join('')}</cables></patchbay>`;
    for (let at = 0; at < xml.length; at += 1024 * 1024)
      await request('uploadPart', { upload: 'big', text: xml.slice(at, at + 1024 * 1024) });
    const order: string[] = [];
    const imported = request('importPreset', {
      upload: 'big',
      format: 'qjackctl',
      name: 'Big',
    }).then((result) => {
      order.push('import');
      return result as { preset: { connections: number } };
    });
    // Asked after the import began, answered before it ends: nothing waits for the parse.
    await request('getStatus', {});
    order.push('status');
    await request('listPresets', {});
    order.push('list');
    expect((await imported).preset.connections).toBe(100_000);
    expect(order).toEqual(['status', 'list', 'import']);
    const bad = await refused('importPreset', {
      format: 'qjackctl',
      text: '<patchbay><cables>',
      name: 'Bad',
    });
    expect(bad.code).toBe('bad-preset-file');
    await request('deletePreset', { name: 'Big' });
  }, 120_000);
});
