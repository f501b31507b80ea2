// The MIDI send tool: a page opens a sender into a peer's MIDI input and sends
// short messages; a Python peer records what arrives. Malformed messages and
// wrong ports are refused with typed errors and send nothing; stopping the
// sender, or closing its page, turns its held notes off and disconnects its
// port (which stays registered, idle, for the next tool).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { MeterPeer } from '../src/meters.js';
import type { JackbayService } from '../src/service.js';
import {
  connectedPortsOf,
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
let keys: ExecPeer;

// 'keys:midi_in' records every event as hex; 'keys:in' is audio, 'keys:midi_out' an output.
const KEYS_SETUP = `import collections
heard = collections.deque()
def process(frames):
    for offset, data in c.midi_inports[0].incoming_midi_events():
        heard.append(bytes(data).hex())
c.set_process_callback(process)
c.midi_inports.register('midi_in')
c.inports.register('in')
c.midi_outports.register('midi_out')`;

beforeAll(async () => {
  stage = await startStage({
    period: 256,
    peers: [['keys', KEYS_SETUP]],
    ready: 'keys:midi_out',
  });
  ({ server, service } = stage);
  keys = stage.peer('keys');
}, STAGE_WAIT_MS);

afterAll(() => stopStage(stage));

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

/** Everything the peer heard since the last call, as hex strings, in order. */
async function heard(): Promise<string[]> {
  const text = await keys.run('result = [heard.popleft() for _ in range(len(heard))]');
  return text === 'ok' ? [] : (JSON.parse(text) as string[]);
}

/** Jackbay's own ports with a connection (idle pooled ones wait disconnected). */
async function connectedOwnPorts(): Promise<string[]> {
  const own = (await service.request('getStatus', {})).ownClient;
  return connectedPortsOf(own, await lsp(server, ['-c']));
}

async function ownPortCount(): Promise<number> {
  const own = (await service.request('getStatus', {})).ownClient;
  return (await lsp(server)).split('\n').filter((line) => line.startsWith(`${own}:`)).length;
}

/** Waits until the peer has heard `count` events in all; returns them. */
async function hearAll(count: number): Promise<string[]> {
  const all: string[] = [];
  await waitFor(
    async () => {
      all.push(...(await heard()));
      return all.length >= count;
    },
    10000,
    `${count} events heard`,
  );
  return all;
}

describe('MIDI send', () => {
  it('sends notes, CCs and program changes into a MIDI input, in order', async () => {
    await heard();
    const page = openPage();
    const { id } = await resultOf<{ id: number }>('startMidiSend', { port: 'keys:midi_in' }, page);
    expect(await connectedOwnPorts()).toHaveLength(1);
    const messages = [
      [0x90, 60, 100],
      [0xb0, 7, 90],
      [0xc3, 12],
      [0x80, 60, 0],
      [0xe0, 0, 64],
      [0xd1, 33],
      [0xf8],
    ];
    for (const bytes of messages)
      expect(await resultOf('sendMidi', { id, bytes })).toEqual({ queued: true, dropped: 0 });
    const hex = messages.map((m) => Buffer.from(m).toString('hex'));
    expect(await hearAll(hex.length)).toEqual(hex);
    await resultOf('stopMidiSend', { id });
    await waitFor(async () => (await connectedOwnPorts()).length === 0, 5000, 'port let go');
    expect(await heard()).toEqual([]); // nothing was held
    page.close();
  });

  it('turns held notes off before it lets its port go, when stopped and when its page closes', async () => {
    await heard();
    const page = openPage();
    const { id } = await resultOf<{ id: number }>('startMidiSend', { port: 'keys:midi_in' }, page);
    await resultOf('sendMidi', { id, bytes: [0x90, 60, 100] });
    await resultOf('sendMidi', { id, bytes: [0x95, 72, 80] });
    await resultOf('sendMidi', { id, bytes: [0x90, 64, 90] });
    await resultOf('sendMidi', { id, bytes: [0x80, 64, 0] });
    expect(await hearAll(4)).toEqual(['903c64', '954850', '90405a', '804000']);
    await resultOf('stopMidiSend', { id });
    expect(await hearAll(2)).toEqual(['803c40', '854840']);
    await waitFor(async () => (await connectedOwnPorts()).length === 0, 5000, 'port let go');

    // A second sender takes the pooled port again: no new port is registered.
    const ports = await ownPortCount();
    const again = await resultOf<{ id: number }>('startMidiSend', { port: 'keys:midi_in' }, page);
    await resultOf('sendMidi', { id: again.id, bytes: [0x9f, 1, 1] });
    expect(await hearAll(1)).toEqual(['9f0101']);
    expect(await ownPortCount()).toBe(ports);
    page.close();
    expect(await hearAll(1)).toEqual(['8f0140']);
    await waitFor(async () => (await connectedOwnPorts()).length === 0, 5000, 'port let go');
    expect(await ownPortCount()).toBe(ports); // given back, never unregistered
    const late = await call('sendMidi', { id: again.id, bytes: [0x90, 1, 1] }, page);
    expect('error' in late && late.error.code).toBe('tool-not-found');
  });

  it('refuses bad requests with typed errors and sends nothing', async () => {
    await heard();
    const page = openPage();
    const code = async (method: string, params: unknown, withPage = true) => {
      const response = await call(method, params, withPage ? page : undefined);
      return 'error' in response ? response.error.code : 'ok';
    };
    expect(await code('startMidiSend', { port: 'nobody:here' })).toBe('port-not-found');
    expect(await code('startMidiSend', { port: 'keys:in' })).toBe('incompatible-types');
    expect(await code('startMidiSend', { port: 'keys:midi_out' })).toBe('wrong-direction');
    expect(await code('startMidiSend', { port: '' })).toBe('bad-request');
    expect(await code('startMidiSend', 'garbage')).toBe('bad-request');
    expect(await code('startMidiSend', { port: 'keys:midi_in', extra: 1 })).toBe('bad-request');
    expect(await code('startMidiSend', { port: 'keys:midi_in' }, false)).toBe('bad-request');
    expect(await connectedOwnPorts()).toEqual([]);

    const { id } = await resultOf<{ id: number }>('startMidiSend', { port: 'keys:midi_in' }, page);
    for (const bytes of [
      [],
      [60, 100], // no status byte
      [0x90, 60], // a note needs two data bytes
      [0x90, 60, 100, 1],
      [0xc0, 1, 2], // a program change takes one
      [0x90, 128, 1], // data ≥ 0x80
      [0xf0, 1, 0xf7], // sysex
      [0xf4], // undefined
      [0x90, 1.5, 1],
      [0x90, 300, 1],
    ]) {
      expect([bytes, await code('sendMidi', { id, bytes })]).toEqual([bytes, 'bad-request']);
    }
    expect(await code('sendMidi', 'garbage')).toBe('bad-request');
    expect(await code('sendMidi', { id: 999, bytes: [0x90, 1, 1] })).toBe('tool-not-found');
    expect(await code('stopMidiSend', { id: 999 })).toBe('tool-not-found');
    // Nothing of that was sent; a good message still is.
    await resultOf('sendMidi', { id, bytes: [0xb0, 123, 0] });
    expect(await hearAll(1)).toEqual(['b07b00']);
    await resultOf('stopMidiSend', { id });
    expect(await code('stopMidiSend', { id })).toBe('tool-not-found');
    await waitFor(async () => (await connectedOwnPorts()).length === 0, 5000, 'port let go');
    expect(await heard()).toEqual([]);
    page.close();
  });
});
