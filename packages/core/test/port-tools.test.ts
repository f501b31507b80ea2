// Test tones and thru routes, checked by Python peers that measure what
// arrives at their inputs: level and frequency of a tone, a signal or MIDI
// carried through a thru, and silence once a tool stops. Bad requests are
// refused with typed errors and change nothing.
import { MEASURE_SETUP } from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { ToolsState } from '../src/contract.js';
import type { MeterPeer } from '../src/meters.js';
import type { JackbayService } from '../src/service.js';
import {
  type ExecPeer,
  type JackServer,
  lsp,
  STAGE_WAIT_MS,
  type Stage,
  startStage,
  stopStage,
  waitFor,
} from './helpers.js';

let server: JackServer;
let service: JackbayService;
let stage: Stage;
let listener: ExecPeer;
let player: ExecPeer;
const toolEvents: ToolsState[] = [];

// A -6 dBFS sine of one period per 256-frame cycle on 'player:out', and MIDI
// notes on 'player:midi' while `notes` is set.
const PLAYER_SETUP = `import math, array
table = array.array('f', [0.5 * math.sin(2 * math.pi * k / 256) for k in range(256)])
notes = [False]
def process(frames):
    memoryview(c.outports[0].get_buffer()).cast('f')[:] = table
    c.midi_outports[0].clear_buffer()
    if notes[0]:
        c.midi_outports[0].write_midi_event(0, bytes([0x91, 60, 100]))
c.set_process_callback(process)
c.outports.register('out')
c.midi_outports.register('midi')`;

beforeAll(async () => {
  stage = await startStage({
    period: 256,
    subscribe: (s) => s.subscribe('tools', (state) => toolEvents.push(ToolsState.parse(state))),
    peers: [
      ['listener', MEASURE_SETUP],
      ['player', PLAYER_SETUP],
    ],
    ready: 'player:midi',
  });
  ({ server, service } = stage);
  listener = stage.peer('listener');
  player = stage.peer('player');
}, STAGE_WAIT_MS);

afterAll(() => stopStage(stage));

interface Measured {
  peakDb: number | null;
  frequency: number | null;
  seconds: number;
  midi: number;
}

/** What arrived at the listener's ports over at least `seconds` from now. */
async function measure(seconds: number): Promise<Record<string, Measured>> {
  await listener.run('reset()');
  await waitFor(
    async () => Number(await listener.run(`result = elapsed()`)) >= seconds,
    10000,
    'listening',
  );
  return JSON.parse(await listener.run('result = report()')) as Record<string, Measured>;
}

/** Jackbay's own ports with a connection: the tools at work (idle ones wait disconnected). */
async function ownPorts(): Promise<string[]> {
  const own = (await service.request('getStatus', {})).ownClient;
  const lines = (await lsp(server, ['-c'])).split('\n');
  return lines.filter(
    (line, at) =>
      own !== null && line.startsWith(`${own}:`) && (lines[at + 1] ?? '').startsWith(' '),
  );
}

/** Every port of Jackbay's own client, idle or not. */
async function allOwnPorts(): Promise<string[]> {
  const own = (await service.request('getStatus', {})).ownClient;
  return (await lsp(server))
    .split('\n')
    .filter((line) => own !== null && line.startsWith(`${own}:`));
}

function openPage(): MeterPeer {
  return service.openMeters(() => {});
}

async function call(method: string, params: unknown, page?: MeterPeer) {
  return answer(service, method, params, page);
}

async function resultOf<T>(method: string, params: unknown, page?: MeterPeer): Promise<T> {
  const response = await call(method, params, page);
  if ('error' in response) throw new Error(`${method}: ${response.error.message}`);
  return response.result as T;
}

describe('test tone', () => {
  it('reuses its ports: tones started and stopped again and again add none', async () => {
    const page = openPage();
    const start = () =>
      resultOf<{ id: number }>(
        'startTone',
        { ports: ['listener:in_1'], frequency: 440, level: -30 },
        page,
      );
    await resultOf('stopTone', { id: (await start()).id });
    const ports = await allOwnPorts();
    for (let round = 0; round < 5; round++) await resultOf('stopTone', { id: (await start()).id });
    expect(await allOwnPorts()).toEqual(ports);
    expect(await ownPorts()).toEqual([]);
    page.close();
  });

  it('plays the asked level and frequency into an input, and stops', async () => {
    const page = openPage();
    const { id } = await resultOf<{ id: number }>(
      'startTone',
      { ports: ['listener:in_1'], frequency: 1000, level: -12 },
      page,
    );
    expect(toolEvents.at(-1)?.tones).toEqual([
      { id, ports: ['listener:in_1'], frequency: 1000, level: -12 },
    ]);
    expect(await resultOf('getTools', {})).toEqual(toolEvents.at(-1));
    const heard = await measure(1.2);
    expect(Math.abs((heard.in_1?.peakDb ?? 0) + 12)).toBeLessThan(0.1);
    expect(Math.abs((heard.in_1?.frequency ?? 0) - 1000)).toBeLessThan(0.5);
    expect(heard.in_2?.peakDb).toBeNull();
    await resultOf('stopTone', { id });
    expect(toolEvents.at(-1)?.tones).toEqual([]);
    expect(await ownPorts()).toEqual([]);
    expect((await measure(0.2)).in_1?.peakDb).toBeNull();
    page.close();
  });

  it('plays into a pair, follows a change of frequency and level, and stops when its page closes', async () => {
    const page = openPage();
    const { id } = await resultOf<{ id: number }>(
      'startTone',
      { ports: ['listener:in_1', 'listener:in_2'], frequency: 1000, level: -12 },
      page,
    );
    await resultOf('setTone', { id, frequency: 440, level: -20 });
    expect(toolEvents.at(-1)?.tones[0]).toMatchObject({ frequency: 440, level: -20 });
    // The change reaches the realtime thread at its next cycle and ramps over
    // 5 ms: a first window takes that in, the second measures the new tone.
    await measure(0.1);
    const heard = await measure(1.2);
    for (const port of ['in_1', 'in_2']) {
      expect(Math.abs((heard[port]?.peakDb ?? 0) + 20)).toBeLessThan(0.1);
      expect(Math.abs((heard[port]?.frequency ?? 0) - 440)).toBeLessThan(0.5);
    }
    page.close();
    expect(toolEvents.at(-1)?.tones).toEqual([]);
    expect(await ownPorts()).toEqual([]);
    const after = await measure(0.2);
    expect(after.in_1?.peakDb).toBeNull();
    expect(after.in_2?.peakDb).toBeNull();
  });

  it('refuses bad requests with typed errors and changes nothing', async () => {
    const page = openPage();
    const before = toolEvents.length;
    const code = async (method: string, params: unknown, withPage = true) => {
      const response = await call(method, params, withPage ? page : undefined);
      return 'error' in response ? response.error.code : 'ok';
    };
    const tone = (ports: unknown, extra: object = {}) => ({
      ports,
      frequency: 1000,
      level: -12,
      ...extra,
    });
    expect(await code('startTone', tone(['nobody:here']))).toBe('port-not-found');
    expect(await code('startTone', tone(['listener:in_1', 'nobody:here']))).toBe('port-not-found');
    expect(await code('startTone', tone(['player:out']))).toBe('wrong-direction');
    expect(await code('startTone', tone(['listener:midi_in']))).toBe('incompatible-types');
    expect(await code('startTone', tone(['listener:in_1'], { level: 3 }))).toBe('bad-request');
    expect(await code('startTone', tone(['listener:in_1'], { frequency: 30000 }))).toBe(
      'bad-request',
    );
    expect(await code('startTone', tone(['listener:in_1', 'listener:in_1']))).toBe('bad-request');
    expect(await code('startTone', tone([]))).toBe('bad-request');
    expect(await code('startTone', 'garbage')).toBe('bad-request');
    expect(await code('startTone', tone(['listener:in_1']), false)).toBe('bad-request');
    expect(await code('setTone', { id: 99, frequency: 1000, level: -12 })).toBe('tool-not-found');
    expect(await code('stopTone', { id: 99 })).toBe('tool-not-found');
    expect(await code('stopTone', { id: 'x' })).toBe('bad-request');
    expect(toolEvents.length).toBe(before);
    expect(await ownPorts()).toEqual([]);
    page.close();
  });
});

describe('thru', () => {
  it('carries audio from an output to an input through own ports, until removed', async () => {
    const { id } = await resultOf<{ id: number }>('addThru', {
      source: 'player:out',
      destination: 'listener:in_2',
    });
    expect(toolEvents.at(-1)?.thrus).toEqual([
      { id, source: 'player:out', destination: 'listener:in_2', type: 'audio' },
    ]);
    const heard = await measure(0.5);
    expect(Math.abs((heard.in_2?.peakDb ?? 0) + 6.02)).toBeLessThan(0.1);
    expect(heard.in_1?.peakDb).toBeNull();
    // Through Jackbay's ports, not a direct connection.
    const direct = await lsp(server, ['-c', 'listener:in_2']);
    expect(direct).not.toContain('player:out');
    expect(await ownPorts()).toHaveLength(2);
    await resultOf('removeThru', { id });
    expect(toolEvents.at(-1)?.thrus).toEqual([]);
    expect(await ownPorts()).toEqual([]);
    expect((await measure(0.2)).in_2?.peakDb).toBeNull();
  });

  it('carries MIDI', async () => {
    const { id } = await resultOf<{ id: number }>('addThru', {
      source: 'player:midi',
      destination: 'listener:midi_in',
    });
    expect(toolEvents.at(-1)?.thrus[0]?.type).toBe('midi');
    await player.run('notes[0] = True');
    try {
      // On a busy machine the first window may close before the route's first cycle.
      await waitFor(
        async () => ((await measure(0.3)).midi_in?.midi ?? 0) > 0,
        5000,
        'MIDI through the thru',
      );
    } finally {
      await player.run('notes[0] = False');
      await resultOf('removeThru', { id });
    }
  });

  it('refuses bad requests with typed errors and changes nothing', async () => {
    const { id } = await resultOf<{ id: number }>('addThru', {
      source: 'player:out',
      destination: 'listener:in_1',
    });
    const before = toolEvents.length;
    const code = async (method: string, params: unknown) => {
      const response = await call(method, params);
      return 'error' in response ? response.error.code : 'ok';
    };
    const thru = (source: string, destination: string) => ({ source, destination });
    expect(await code('addThru', thru('nobody:x', 'listener:in_1'))).toBe('port-not-found');
    expect(await code('addThru', thru('player:out', 'nobody:x'))).toBe('port-not-found');
    expect(await code('addThru', thru('listener:in_1', 'listener:in_2'))).toBe('wrong-direction');
    expect(await code('addThru', thru('player:out', 'player:midi'))).toBe('wrong-direction');
    expect(await code('addThru', thru('player:out', 'listener:midi_in'))).toBe(
      'incompatible-types',
    );
    expect(await code('addThru', thru('player:midi', 'listener:in_1'))).toBe('incompatible-types');
    expect(await code('addThru', thru('player:out', 'listener:in_1'))).toBe('already-connected');
    const [ownInput] = (await ownPorts()).filter((name) => name.includes('_in_'));
    expect(await code('addThru', thru('player:out', ownInput ?? ''))).toBe('bad-request');
    expect(await code('addThru', { source: 'player:out' })).toBe('bad-request');
    expect(await code('removeThru', { id: id + 100 })).toBe('tool-not-found');
    expect(toolEvents.length).toBe(before);
    expect(await ownPorts()).toHaveLength(2);
    await resultOf('removeThru', { id });
    expect(await ownPorts()).toEqual([]);
  });
});
