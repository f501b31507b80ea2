// Meters for pages: a page's setMeters through answer(), binary frames back,
// taps shared and removed, levels checked against peers that play known
// signals, taps that outlive a buffer-size change, and a probe that changes
// nothing another client hears. Runs on JACK2 and, in core-pipewire, PipeWire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { ErrorCode } from '../src/contract.js';
import { decodeMeterFrame, MAX_METERED_PORTS, METER_FLOOR_DB } from '../src/meter-frame.js';
import type { MeterPeer } from '../src/meters.js';
import type { JackbayService } from '../src/service.js';
import {
  connectedPortsOf,
  type ExecPeer,
  execPeer,
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
let player: ExecPeer;
let listener: ExecPeer;

// One period of a sine per 256-frame cycle: every cycle plays the same
// buffer, whose largest sample is exactly the level (k = 64: sin(π/2) = 1).
const SINE_SETUP = `import math, array
def table(db):
    g = 10 ** (db / 20)
    return array.array('f', [g * math.sin(2 * math.pi * k / 256) for k in range(256)])
levels = {}
def process(frames):
    for port in c.outports:
        buf = memoryview(port.get_buffer()).cast('f')
        t = levels.get(port.shortname)
        if t is None:
            buf[:] = array.array('f', [0.0] * frames)
        else:
            # After a buffer-size change (a multiple of 256): the same period, repeated.
            buf[:] = t if frames == 256 else t * (frames // 256)
c.set_process_callback(process)
for name in ('six', 'twenty', 'silent', 'hot'):
    c.outports.register(name)
levels['six'] = table(-6)
levels['twenty'] = table(-20)
levels['hot'] = table(3)`;

// Measures what arrives at its input: the largest sample since the last ask.
const LISTEN_SETUP = `peak = [0.0]
def process(frames):
    buf = memoryview(c.inports[0].get_buffer()).cast('f')
    m = max(abs(x) for x in buf)
    if m > peak[0]:
        peak[0] = m
c.set_process_callback(process)
c.inports.register('in')`;

beforeAll(async () => {
  stage = await startStage({
    period: 256,
    service: { meterIntervalMs: 20 },
    peers: [
      ['player', SINE_SETUP],
      ['listener', LISTEN_SETUP],
    ],
    ready: 'listener:in',
  });
  ({ server, service } = stage);
  player = stage.peer('player');
  listener = stage.peer('listener');
}, STAGE_WAIT_MS);

afterAll(() => stopStage(stage));

interface Page {
  peer: MeterPeer;
  frames: Array<{ generation: number; values: Float32Array }>;
  set(ports: string[]): Promise<{ generation?: number; code?: ErrorCode }>;
  /** The next frame of the current generation, after those already seen. */
  next(): Promise<Float32Array>;
}

function openPage(): Page {
  const frames: Page['frames'] = [];
  let generation = 0;
  const peer = service.openMeters((bytes) => {
    // The bytes are the message itself: a view of its own buffer.
    expect(bytes.byteOffset).toBe(0);
    const frame = decodeMeterFrame(bytes);
    if (!frame) throw new Error('not a meter frame');
    frames.push(frame);
  });
  return {
    peer,
    frames,
    async set(ports) {
      const response = await answer(service, 'setMeters', { ports }, peer);
      if ('error' in response) return { code: response.error.code };
      generation = (response.result as { generation: number }).generation;
      return { generation };
    },
    async next() {
      const seen = frames.length;
      const frame = await waitFor(
        () => frames.slice(seen).find((f) => f.generation === generation),
        3000,
        'a meter frame',
      );
      return (frame as { values: Float32Array }).values;
    },
  };
}

// Probes at work, as JACK sees them: connected ports of the service's client.
// A probe whose tap went stays registered, disconnected, for the next tap.
async function probePorts(): Promise<string[]> {
  const own = (await service.request('getStatus', {})).ownClient;
  return connectedPortsOf(own, await lsp(server, ['-c']));
}

describe('meter frames', () => {
  it('sends binary frames with one triple per port, in the page order, tagged with the generation', async () => {
    const page = openPage();
    const first = await page.set(['player:six', 'player:silent']);
    expect(first.generation).toBe(1);
    const values = await page.next();
    expect(values.length).toBe(6);
    const second = await page.set(['player:silent', 'player:six', 'player:twenty']);
    expect(second.generation).toBe(2);
    const later = await page.next();
    expect(later.length).toBe(9);
    page.peer.close();
  });

  it('reads a -6 dBFS sine as -6.0, a -20 dBFS one as -20.0, and silence as the floor', async () => {
    const page = openPage();
    await page.set(['player:six', 'player:twenty', 'player:silent']);
    // The first frame may cover only part of an interval; a later one is whole.
    await page.next();
    const values = await page.next();
    expect(values[0]).toBeCloseTo(-6.0, 1);
    expect(Math.abs((values[0] ?? 0) + 6)).toBeLessThan(0.2);
    // RMS of a sine is 3.01 dB under its peak.
    expect(Math.abs((values[1] ?? 0) + 6 + 3.01)).toBeLessThan(0.2);
    expect(values[2]).toBe(0);
    expect(Math.abs((values[3] ?? 0) + 20)).toBeLessThan(0.2);
    expect(values[6]).toBe(METER_FLOOR_DB);
    expect(values[7]).toBe(METER_FLOOR_DB);
    expect(values[8]).toBe(0);
    page.peer.close();
  });

  it('counts samples over full scale', async () => {
    const page = openPage();
    await page.set(['player:hot']);
    await page.next();
    const values = await page.next();
    expect(values[0]).toBeGreaterThan(2.8);
    expect(values[2]).toBeGreaterThan(0);
    page.peer.close();
  });

  it('meters an input port by what feeds it', async () => {
    await player.run(`c.connect('player:twenty', 'listener:in')`);
    const page = openPage();
    await page.set(['listener:in']);
    await page.next();
    const values = await page.next();
    expect(Math.abs((values[0] ?? 0) + 20)).toBeLessThan(0.2);
    page.peer.close();
    await player.run(`c.disconnect('player:twenty', 'listener:in')`);
  });
});

describe('taps', () => {
  it('shares a tap between pages and removes it when the last page lets go', async () => {
    const a = openPage();
    const b = openPage();
    await a.set(['player:six']);
    await b.set(['player:six', 'player:twenty']);
    await waitFor(async () => (await probePorts()).length === 2, 5000, 'two probes');
    await a.set([]);
    expect((await probePorts()).length).toBe(2);
    b.peer.close();
    await waitFor(async () => (await probePorts()).length === 0, 5000, 'probes gone');
    a.peer.close();
  });

  it('sends no frames for an empty set', async () => {
    const page = openPage();
    await page.set(['player:six']);
    await page.next();
    await page.set([]);
    const count = page.frames.length;
    // A frame already on its way may land; after a settled wait none follow.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const settled = page.frames.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(page.frames.length).toBe(settled);
    expect(settled - count).toBeLessThanOrEqual(1);
    page.peer.close();
  });

  it('drops the tap of a port that goes away, without an error, and meters it again when it returns', async () => {
    const page = openPage();
    try {
      await player.run(`extra = c.outports.register('extra')\nlevels['extra'] = table(-6)`);
      await waitFor(
        () => JSON.stringify(service.snapshot()).includes('player:extra'),
        5000,
        'port',
      );
      await page.set(['player:extra', 'player:six']);
      await waitFor(async () => (await probePorts()).length === 2, 5000, 'two probes');
      await player.run(`extra.unregister()`);
      await waitFor(async () => (await probePorts()).length === 1, 5000, 'probe dropped');
      // The frame read just after may still hold the peak of the cycles before.
      await page.next();
      const values = await page.next();
      expect(values.length).toBe(6);
      expect(values[0]).toBe(METER_FLOOR_DB);
      await player.run(`extra = c.outports.register('extra')`);
      await waitFor(async () => (await probePorts()).length === 2, 5000, 'probe back');
      await page.next();
      const back = await page.next();
      expect(Math.abs((back[0] ?? 0) + 6)).toBeLessThan(0.2);
    } finally {
      // Whatever failed, the next test (or this one's retry) starts clean.
      page.peer.close();
      await player.run(`if 'player:extra' in [p.name for p in c.outports]: extra.unregister()`);
    }
    await waitFor(async () => (await probePorts()).length === 0, 5000, 'probes gone');
  });

  it('removes the taps of a page that closes', async () => {
    const page = openPage();
    await page.set(['player:six', 'player:twenty', 'listener:in']);
    await waitFor(async () => (await probePorts()).length >= 2, 5000, 'probes');
    page.peer.close();
    await waitFor(async () => (await probePorts()).length === 0, 5000, 'probes gone');
  });
});

// PipeWire applies a buffer-size change as a new quantum, which restarts its
// graph (RaySession lost connections there): the taps must outlive it.
describe('a buffer-size change', () => {
  it('keeps the taps: the -6 dBFS sine reads -6.0 at the new size and back at the old one', async () => {
    const page = openPage();
    await page.set(['player:six']);
    await page.next();
    const probesBefore = await probePorts();
    for (const frames of [512, 256]) {
      expect(await answer(service, 'setBufferSize', { frames })).toEqual({ result: null });
      await waitFor(
        async () => (await service.request('getStatus', {})).bufferSize === frames,
        15000,
        `a buffer size of ${frames}`,
      );
      await page.next();
      const values = await page.next();
      expect(Math.abs((values[0] ?? 0) + 6)).toBeLessThan(0.2);
    }
    expect(await probePorts()).toEqual(probesBefore);
    page.peer.close();
  });
});

describe('bad requests', () => {
  it('answers with typed errors and changes nothing', async () => {
    const page = openPage();
    await page.set(['player:six']);
    await waitFor(async () => (await probePorts()).length === 1, 5000, 'probe');
    const midi = await execPeer(server, 'midiPeer', `c.midi_outports.register('out')`);
    await waitFor(() => JSON.stringify(service.snapshot()).includes('midiPeer:out'), 5000, 'midi');
    expect(await page.set(['player:six', 'nobody:here'])).toEqual({ code: 'port-not-found' });
    expect(await page.set(['midiPeer:out'])).toEqual({ code: 'incompatible-types' });
    const tooMany = Array.from({ length: MAX_METERED_PORTS + 1 }, (_, i) => `x:${i}`);
    expect(await page.set(tooMany)).toEqual({ code: 'bad-request' });
    expect(await page.set(['player:six', 'player:six'])).toEqual({ code: 'bad-request' });
    expect(await page.set('player:six' as never)).toEqual({ code: 'bad-request' });
    // Without a page to send frames to, there is nothing to subscribe.
    const response = await answer(service, 'setMeters', { ports: ['player:six'] });
    expect('error' in response && response.error.code).toBe('bad-request');
    expect(await probePorts()).toHaveLength(1);
    // Still generation 1: the frames keep their tag and their one port.
    const values = await page.next();
    expect(values.length).toBe(3);
    expect(page.frames.at(-1)?.generation).toBe(1);
    await midi.stop();
    page.peer.close();
  });
});

describe('probes', () => {
  it('never change what another client hears', async () => {
    await player.run(`c.connect('player:six', 'listener:in')`);
    const heard = async () => {
      await listener.run('peak[0] = 0.0');
      await new Promise((resolve) => setTimeout(resolve, 150));
      return Number(await listener.run('result = peak[0]'));
    };
    const without = await heard();
    const page = openPage();
    await page.set(['player:six', 'listener:in']);
    await waitFor(async () => (await probePorts()).length === 2, 5000, 'probes');
    const withMeters = await heard();
    expect(withMeters).toBe(without);
    expect(without).toBeCloseTo(10 ** (-6 / 20), 5);
    // Nor what feeds it: the listener's input still has one source.
    const connections = await lsp(server, ['-c', 'listener:in']);
    expect(connections.trim().split('\n').slice(1)).toEqual(['   player:six']);
    page.peer.close();
    await player.run(`c.disconnect('player:six', 'listener:in')`);
  });
});
