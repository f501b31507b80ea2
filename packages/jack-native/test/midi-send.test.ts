// The MIDI send node: JS queues events into a lock-free ring, the realtime
// thread plays them on an own MIDI output. Judged from outside by a Python
// `jack` peer that records what reaches its MIDI input.

import type { JackServer } from '@jackbay/test-support';
import {
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type MidiSender, type OwnPort } from '../lib/index.js';
import { type EnginePeer, peerPort, startEnginePeer } from './fixtures/engine-peer.js';

let server: JackServer;
let sink: EnginePeer;
let counter = 0;

beforeAll(async () => {
  server = await startJackServer({ rate: 48000, period: 256, startTimeoutMs: PATIENT_START_MS });
  sink = await startEnginePeer(server, 'sink');
}, PATIENT_TIMEOUT);

afterAll(async () => {
  await sink?.stop();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const openClient = clientOpener(
  () => new Client(`send${++counter}`, { serverName: server.name, noStartServer: true }),
);
const hex = (bytes: readonly number[]) =>
  bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

/** An active client whose MIDI output feeds a fresh input of the sink. */
async function wired(bufferBytes?: number) {
  const client = openClient();
  client.activate();
  const out = client.midiOutports.register('out');
  const hearer = await peerPort(sink, 'midi_in', 'mi');
  // PipeWire tells other clients of a new port a moment later than JACK2.
  await waitFor(
    () => client.getPorts(hearer.full).some((port) => port.name === hearer.full),
    5000,
    `${hearer.full} seen`,
  );
  client.connect(out, hearer.full);
  const sender = client.addMidiSender(out, bufferBytes ? { bufferBytes } : {});
  await sleep(50);
  return { client, out, hearer, sender };
}

/** What the sink heard on `short` once `sender` has played `count` events. */
async function heardAfter(sender: MidiSender, short: string, count: number): Promise<string[]> {
  await waitFor(() => sender.sent === count && sender.drained, 10000, `${count} events played`);
  await sleep(100);
  const heard = await sink.run<Array<[number, string]>>(`result = heard('${short}')`);
  return heard.map(([, data]) => data);
}

describe('MIDI send node', () => {
  unlessPipeWire(it, 'fullMidiCyclesLose')(
    'delivers exactly the events sent, in order, spread over cycles when one is full',
    async () => {
      const { hearer, sender } = await wired(1 << 17);
      // 6000 events: more than one cycle's MIDI buffer (32 KiB in JACK2) takes,
      // so the rest wait for the next cycle, in order.
      const events = Array.from({ length: 6000 }, (_, i) => {
        const channel = i % 16;
        switch (i % 3) {
          case 0:
            return [0x90 | channel, i % 128, 1 + (i % 127)];
          case 1:
            return [0xb0 | channel, (i * 7) % 120, i % 128];
          default:
            return [0xc0 | channel, i % 128];
        }
      });
      const { value, clean } = await sink.untilClean(async () => {
        await sink.run(`listen('${hearer.short}')`);
        const before = sender.sent;
        for (const event of events) expect(sender.send(event)).toBe(true);
        await waitFor(() => sender.sent - before === events.length, 10000, 'every event played');
        await sleep(100);
        return await sink.run<Array<[number, string]>>(`result = heard('${hearer.short}')`);
      });
      const heard = value.map(([, data]) => data);
      if (clean) {
        expect(heard).toEqual(events.map(hex));
        expect(new Set(value.map(([frame]) => frame)).size).toBeGreaterThan(1);
      } else expect(events.map(hex)).toEqual(expect.arrayContaining(heard));
      expect(sender.dropped).toBe(0);
    },
  );

  it('counts events that find the ring full as dropped and plays every one it took', async () => {
    // 64 bytes hold nine 3-byte events (7 bytes each with the size).
    const { hearer, sender } = await wired(64);
    await sink.run(`listen('${hearer.short}')`);
    const accepted: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const event = [0x90 | (i % 16), i % 128, 100];
      if (sender.send(event)) accepted.push(hex(event));
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThan(1000);
    expect(sender.dropped).toBe(1000 - accepted.length);
    expect(sender.queued).toBe(accepted.length);
    const heard = await heardAfter(sender, hearer.short, accepted.length);
    expect(sender.dropped).toBe(1000 - accepted.length);
    // A cycle the peer lost to an xrun would lose events, never reorder or invent them.
    expect(accepted).toEqual(expect.arrayContaining(heard));
  });

  it('drops, and counts, an event larger than the whole port buffer; the next ones still play', async () => {
    // JACK2 sizes MIDI buffers for its largest period (32 KiB): this sysex never fits.
    const { hearer, sender } = await wired(1 << 18);
    await sink.run(`listen('${hearer.short}')`);
    const huge = [0xf0, ...Array.from({ length: 100000 }, (_, i) => i % 128), 0xf7];
    expect(sender.send(huge)).toBe(true);
    expect(sender.send([0x90, 60, 100])).toBe(true);
    expect(sender.send([0x80, 60, 0])).toBe(true);
    const heard = await heardAfter(sender, hearer.short, 2);
    expect(sender.dropped).toBe(1);
    expect(heard.filter((h) => !h.startsWith('f0'))).toEqual(['903c64', '803c00']);
  });

  unlessPipeWire(it, 'noteOffRewritten')(
    'remembers held notes and turns them off when closed, before the node goes',
    async () => {
      const { client, hearer, sender } = await wired();
      await sink.run(`listen('${hearer.short}')`);
      sender.send([0x90, 60, 100]);
      sender.send([0x91, 64, 90]);
      sender.send([0x92, 67, 80]);
      sender.send([0x92, 67, 0]); // note-on with velocity 0 is a note-off
      sender.send([0x80, 61, 0]); // never held: changes nothing
      expect(sender.heldNotes).toEqual([
        [1, 60],
        [2, 64],
      ]);
      await sender.close();
      expect(sender.removed).toBe(true);
      expect(sender.heldNotes).toEqual([]);
      expect(sender.sent).toBe(7); // still readable once the node is gone
      expect(client.native.engineCounters().sends[String(sender.id)]).toBeUndefined();
      await sleep(100);
      const heard = (
        await sink.run<Array<[number, string]>>(`result = heard('${hearer.short}')`)
      ).map(([, data]) => data);
      expect(heard).toEqual(['903c64', '91405a', '924350', '924300', '803d00', '803c40', '814040']);
      expect(() => sender.send([0x90, 1, 1])).toThrow(/removed/);
    },
  );

  it('needs an own MIDI output port and well-formed bytes', () => {
    const client = openClient();
    const audio = client.outports.register('audio');
    const midiIn = client.midiInports.register('midi_in');
    const out = client.midiOutports.register('midi_out');
    expect(() => client.addMidiSender(audio)).toThrow(TypeError);
    expect(() => client.addMidiSender(midiIn as unknown as OwnPort)).toThrow(TypeError);
    expect(() => client.addMidiSender(out, { bufferBytes: 3 })).toThrow(RangeError);
    const sender = client.addMidiSender(out, { bufferBytes: 64 });
    expect(() => sender.send([])).toThrow(RangeError);
    expect(() => sender.send([0x90, 256, 1])).toThrow(TypeError);
    expect(() => sender.send([0x90, 1.5, 1])).toThrow(TypeError);
    expect(() => sender.send(new Array(64).fill(0))).toThrow(RangeError);
    expect(sender.queued).toBe(0);
    sender.remove();
  });
});
