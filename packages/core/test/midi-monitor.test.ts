// MIDI monitors for pages: a page's setMidiMonitor through answer(), binary
// frames back with exactly what a Python peer sent, in order, with port
// indexes of the page's list; monitors shared between pages and removed;
// bad requests refused with a typed error and nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { ErrorCode } from '../src/contract.js';
import { decodeMidiFrame, type MidiFrame } from '../src/midi-frame.js';
import type { MidiPeer } from '../src/midi-monitors.js';
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
let sender: ExecPeer;

// Sends what it is given, in order, a few events per cycle on its ports.
const SENDER_SETUP = `import collections
queue = collections.deque()
def process(frames):
    for port in c.midi_outports:
        port.clear_buffer()
    for offset in range(0, frames, 16):
        if not queue:
            break
        name, data = queue.popleft()
        c.midi_outports[name].write_midi_event(offset, bytes(data))
c.set_process_callback(process)
c.midi_outports.register('a')
c.midi_outports.register('b')
c.inports.register('audio_in')
c.midi_inports.register('in')
def send(name, events):
    for data in events:
        queue.append((0 if name == 'a' else 1, data))`;

beforeAll(async () => {
  stage = await startStage({
    period: 256,
    service: { midiIntervalMs: 20 },
    peers: [['sender', SENDER_SETUP]],
    ready: 'sender:b',
  });
  ({ server, service } = stage);
  sender = stage.peer('sender');
}, STAGE_WAIT_MS);

afterAll(() => stopStage(stage));

interface Page {
  peer: MidiPeer;
  frames: MidiFrame[];
  set(ports: string[]): Promise<{ generation?: number; code?: ErrorCode }>;
  /** Every event of the current generation so far, as [port index, bytes]. */
  events(): Array<[number, number[]]>;
  received(): number;
  lost(): number;
}

function openPage(): Page {
  const frames: MidiFrame[] = [];
  let generation = 0;
  const peer = service.openMidi((bytes) => {
    const frame = decodeMidiFrame(bytes);
    if (!frame) throw new Error('not a MIDI frame');
    frames.push(frame);
    return true;
  });
  const current = () => frames.filter((f) => f.generation === generation);
  return {
    peer,
    frames,
    async set(ports) {
      const response = await answer(service, 'setMidiMonitor', { ports }, undefined, peer);
      if ('error' in response) return { code: response.error.code };
      generation = (response.result as { generation: number }).generation;
      return { generation };
    },
    events: () =>
      current().flatMap((f) => f.events.map((e): [number, number[]] => [e.port, [...e.data]])),
    received: () => current().reduce((sum, f) => sum + f.received, 0),
    lost: () => current().reduce((sum, f) => sum + f.lost, 0),
  };
}

// Monitors at work: connected probes of the service's client (one whose
// monitor went waits, disconnected, for the next).
async function monitorProbes(): Promise<string[]> {
  const own = (await service.request('getStatus', {})).ownClient;
  return connectedPortsOf(own, await lsp(server, ['-c']));
}

function send(port: 'a' | 'b', events: number[][]): Promise<string> {
  return sender.run(`send(${JSON.stringify(port)}, ${JSON.stringify(events)})`);
}

describe('MIDI frames', () => {
  // On a busy machine JACK drops a late client's cycle (an xrun), or hands on
  // its previous buffer again, before any monitor sees it: the events are
  // exact only when the server had no xrun meanwhile.
  it('carries exactly what a peer sent, in order, with the port index of the page list', async () => {
    const page = openPage();
    try {
      expect((await page.set(['sender:b', 'sender:a'])).generation).toBe(1);
      await waitFor(async () => (await monitorProbes()).length === 2, 5000, 'two monitors');
      const sent: number[][] = [];
      for (let i = 0; i < 300; i++) {
        const channel = i % 16;
        if (i % 3 === 0) sent.push([0x90 | channel, i % 128, 1 + (i % 127)]);
        else if (i % 3 === 1) sent.push([0xb0 | channel, 7, i % 128]);
        else sent.push([0xe0 | channel, i % 128, 64]);
      }
      sent.push([0xf0, 0x7e, 0x7f, 0x06, 0x01, 0xf7]);
      const xruns = service.status().xrunCount;
      await send('a', sent);
      await waitFor(async () => (await sender.run('result = len(queue)')) === '0', 10000, 'sent');
      await waitFor(
        () => page.events().some(([, data]) => data[0] === 0xf0),
        10000,
        'the last event',
      );
      expect(page.lost()).toBe(0);
      expect(page.received()).toBe(page.events().length);
      if (service.status().xrunCount === xruns) {
        expect(page.events()).toEqual(sent.map((data) => [1, data]));
      } else {
        const sentText = new Set(sent.map((data) => data.join(' ')));
        for (const [port, data] of page.events()) {
          expect(port).toBe(1);
          expect(sentText).toContain(data.join(' '));
        }
      }

      const before = page.events().length;
      await send('b', [[0x80, 60, 0]]);
      await waitFor(() => page.events().length > before, 5000, 'one more');
      expect(page.events().at(-1)).toEqual([0, [0x80, 60, 0]]);
    } finally {
      page.peer.close();
    }
    await waitFor(async () => (await monitorProbes()).length === 0, 5000, 'monitors removed');
  });

  it('carries a thousand events, sysex among them, whole and in order', async () => {
    const page = openPage();
    try {
      await page.set(['sender:a']);
      await waitFor(async () => (await monitorProbes()).length === 1, 5000, 'one monitor');
      const sent: number[][] = [];
      for (let i = 0; i < 1000; i++)
        sent.push(
          i % 50 === 49
            ? [0xf0, 0x7d, i & 0x7f, (i >> 7) & 0x7f, 0xf7]
            : [0x90 | (i % 4), i % 128, 1 + (i % 127)],
        );
      const xruns = service.status().xrunCount;
      await send('a', sent);
      await waitFor(async () => (await sender.run('result = len(queue)')) === '0', 10000, 'sent');
      let seen = -1;
      await waitFor(
        () => {
          const before = seen;
          seen = page.received();
          return before === seen;
        },
        10000,
        'every frame',
      );
      const events = page.events().map(([, data]) => data);
      expect(page.lost()).toBe(0);
      expect(page.received()).toBe(events.length);
      if (service.status().xrunCount === xruns) expect(events).toEqual(sent);
      else {
        const sentText = new Set(sent.map((data) => data.join(' ')));
        for (const data of events) expect(sentText).toContain(data.join(' '));
      }
    } finally {
      page.peer.close();
    }
    await waitFor(async () => (await monitorProbes()).length === 0, 5000, 'monitors removed');
  });

  it('times events with JACK frame times that never go back', async () => {
    const page = openPage();
    try {
      await page.set(['sender:a']);
      await waitFor(async () => (await monitorProbes()).length === 1, 5000, 'one monitor');
      await send('a', [[0xf8], [0xfa], [0xfc]]);
      await waitFor(() => page.events().length >= 3, 5000, 'three events');
      const times = page.frames.flatMap((f) => f.events.map((e) => e.time));
      for (let i = 1; i < times.length; i++)
        expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
      expect(times.at(-1)).toBeGreaterThan(times[0] as number);
    } finally {
      page.peer.close();
    }
  });

  it('shares a monitor between pages and removes it when the last page lets go', async () => {
    const one = openPage();
    const two = openPage();
    await one.set(['sender:a']);
    await two.set(['sender:a', 'sender:b']);
    await waitFor(async () => (await monitorProbes()).length === 2, 5000, 'two monitors');
    await send('a', [[0xc3, 5]]);
    await waitFor(() => one.events().length === 1 && two.events().length === 1, 5000, 'both');
    expect(one.events()).toEqual([[0, [0xc3, 5]]]);
    expect(two.events()).toEqual([[0, [0xc3, 5]]]);
    one.peer.close();
    await two.set(['sender:b']);
    await waitFor(async () => (await monitorProbes()).length === 1, 5000, 'one monitor');
    await two.set([]);
    await waitFor(async () => (await monitorProbes()).length === 0, 5000, 'none');
    two.peer.close();
  });

  it('answers bad requests with typed errors and changes nothing', async () => {
    const page = openPage();
    await page.set(['sender:a']);
    expect((await page.set(['sender:a', 'nobody:here'])).code).toBe('port-not-found');
    expect((await page.set(['sender:audio_in'])).code).toBe('incompatible-types');
    expect((await page.set(['sender:in'])).code).toBe('incompatible-types');
    const garbage = await answer(service, 'setMidiMonitor', { ports: 'x' }, undefined, page.peer);
    expect('error' in garbage && garbage.error.code).toBe('bad-request');
    const repeated = await answer(
      service,
      'setMidiMonitor',
      { ports: ['sender:a', 'sender:a'] },
      undefined,
      page.peer,
    );
    expect('error' in repeated && repeated.error.code).toBe('bad-request');
    // Without a page to send frames to, there is nothing to subscribe.
    const pageless = await answer(service, 'setMidiMonitor', { ports: ['sender:a'] });
    expect('error' in pageless && pageless.error.code).toBe('bad-request');
    // Still the first set: generation 1, one monitor, events still arrive.
    expect(await monitorProbes()).toHaveLength(1);
    await send('a', [[0x91, 64, 100]]);
    await waitFor(() => page.events().length === 1, 5000, 'an event');
    expect(page.frames.every((f) => f.generation === 1)).toBe(true);
    page.peer.close();
  });

  it('counts events a page could not be sent as lost, never dropping them unseen', async () => {
    let open = false;
    const frames: MidiFrame[] = [];
    const peer = service.openMidi((bytes) => {
      if (!open) return false;
      frames.push(decodeMidiFrame(bytes) as MidiFrame);
      return true;
    });
    await answer(service, 'setMidiMonitor', { ports: ['sender:a'] }, undefined, peer);
    await waitFor(async () => (await monitorProbes()).length === 1, 5000, 'one monitor');
    await send('a', [
      [0x90, 60, 1],
      [0x90, 61, 1],
    ]);
    // Both have been drained (and refused) once the peer's queue is empty.
    await waitFor(async () => (await sender.run('result = len(queue)')) === '0', 5000, 'sent');
    await new Promise((resolve) => setTimeout(resolve, 200));
    open = true;
    await send('a', [[0x90, 62, 1]]);
    await waitFor(() => frames.some((f) => f.events.length > 0), 5000, 'a frame');
    const received = frames.reduce((sum, f) => sum + f.received, 0);
    const lost = frames.reduce((sum, f) => sum + f.lost, 0);
    expect(received).toBe(3);
    expect(lost).toBe(2);
    expect(frames.flatMap((f) => f.events.map((e) => [...e.data]))).toEqual([[0x90, 62, 1]]);
    peer.close();
  });

  it('tells a page how many cycles JACK skipped for the service (xruns), apart from lost', async () => {
    const page = openPage();
    const sleepy = await execPeer(
      server,
      'sleepy',
      `sleeping = False
out = c.midi_outports.register('out')
def process(frames):
    if sleeping:
        time.sleep(0.03)
c.set_process_callback(process)`,
    );
    try {
      await page.set(['sender:a']);
      await waitFor(async () => (await monitorProbes()).length === 1, 5000, 'one monitor');
      // The sleeper feeds the probe too, so the service runs after it in the
      // graph and misses the cycles it overruns (unconnected, the service could
      // run first and finish every cycle on an idle machine).
      const [probe] = await monitorProbes();
      await sleepy.run(`c.connect(out, ${JSON.stringify(probe)})`);
      const missed = () => page.frames.reduce((sum, f) => sum + f.missedCycles, 0);
      const before = missed();
      // 30 ms in every 5.3 ms cycle: the server skips cycles, with no MIDI played at all.
      await sleepy.run('sleeping = True');
      await waitFor(() => missed() >= before + 10, 20_000, 'missed cycles reported');
      await sleepy.run('sleeping = False');
      expect(page.lost()).toBe(0);
      expect(page.received()).toBe(page.events().length);
    } finally {
      await sleepy.stop();
      page.peer.close();
    }
  });
});
