// The IPC handlers answer through core's answer(), like the web host's
// WebSocket: the same request gets the same response, errors included,
// whichever way it came. The service is real and has no JACK server (it is
// never started), so its answers need no jackd.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Answerer,
  JackbayService,
  type MeterHost,
  type MidiHost,
  startWebHost,
  type WebHost,
} from '@jackbay/core';
import {
  parseRequest,
  type RequestName,
  type ResponseBody,
  requests,
} from '@jackbay/core/contract';
import { ERROR_CODES } from '@jackbay/core/error-codes';
import { fuzzValue, rng } from '@jackbay/test-support/fuzz';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { wireIpc } from '../src/main/ipc';
import { METER_CHANNEL, MIDI_CHANNEL, requestChannel } from '../src/shared/channels';

type Handler = (
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  params: unknown,
) => unknown;

/** wireIpc on a stand-in for ipcMain and our window: what the preload's invoke reaches. */
function ipcFor(service: Answerer & MeterHost & MidiHost) {
  const handlers = new Map<string, Handler>();
  const ipc = {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const mainFrame = {};
  const sent: Array<[string, unknown]> = [];
  const contents = {
    mainFrame,
    isDestroyed: () => false,
    send: (channel: string, payload: unknown) => sent.push([channel, payload]),
  } as unknown as WebContents;
  const unwire = wireIpc(ipc, contents, service);
  const invoke = async (method: RequestName, params: unknown, senderFrame: unknown = mainFrame) => {
    const handler = handlers.get(requestChannel(method));
    if (!handler) throw new Error(`no handler for ${method}`);
    return (await handler(
      { sender: contents, senderFrame } as IpcMainInvokeEvent,
      params,
    )) as ResponseBody;
  };
  return { invoke, unwire, sent };
}

describe('one answer for IPC and the WebSocket', () => {
  const service = new JackbayService({ serverName: `jackbay-none-${process.pid}` });
  const ipc = ipcFor(service);
  let host: WebHost;
  let ws: WebSocket;
  let nextId = 1;

  beforeAll(async () => {
    host = await startWebHost({
      service,
      staticDir: mkdtempSync(join(tmpdir(), 'jackbay-ipc-')),
      token: 'test-token',
    });
    ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=test-token`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
  });

  afterAll(async () => {
    ws?.close();
    ipc.unwire();
    await host?.close();
    await service.close();
  });

  function overWebSocket(method: string, params: unknown): Promise<ResponseBody> {
    const id = nextId++;
    return new Promise((resolve) => {
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString());
        if (message.id !== id) return;
        ws.off('message', onMessage);
        const { id: _, ...body } = message;
        resolve(body);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  }

  it.each([
    ['connect', {}, 'bad-request'],
    ['connect', { source: 'a:b', destination: 'c:d', extra: 1 }, 'bad-request'],
    ['transportLocate', { frame: -1 }, 'bad-request'],
    ['setBufferSize', { frames: 300 }, 'bad-request'],
    ['disconnect', { source: 'a:b', destination: 'c:d' }, 'server-down'],
    ['transportStart', {}, 'server-down'],
    ['setMeters', { ports: ['a:b'] }, 'server-down'],
    ['setMeters', { ports: ['a:b', 'a:b'] }, 'bad-request'],
  ] as const)('%s %j fails with %s, the same both ways', async (method, params, code) => {
    const viaIpc = await ipc.invoke(method, params);
    expect(viaIpc).toEqual({ error: { code, message: expect.any(String) } });
    expect(await overWebSocket(method, params)).toEqual(viaIpc);
  });

  it('answers a good request with the same result both ways', async () => {
    const viaIpc = await ipc.invoke('getSnapshot', {});
    expect(viaIpc).toEqual({ result: { clients: [], ports: [], connections: [] } });
    expect(await overWebSocket('getSnapshot', {})).toEqual(viaIpc);
  });

  it('refuses a sender that is not our window’s main frame, in the same shape', async () => {
    expect(await ipc.invoke('getStatus', {}, { url: 'https://evil.example/' })).toEqual({
      error: { code: 'bad-request', message: expect.stringMatching(/refused/) },
    });
  });
});

describe('errors from the service keep their contract code', () => {
  const service: Answerer & MeterHost & MidiHost = {
    async request(method) {
      if (method === 'connect')
        throw Object.assign(new Error('no such port'), { code: 'port-not-found' });
      if (method === 'disconnect') throw Object.assign(new Error('odd'), { code: 'not-a-code' });
      if (method === 'transportStop') throw new Error('boom');
      return null as never;
    },
    subscribe: () => () => undefined,
    openMeters: () => ({ set: () => 0, close: () => undefined }),
    openMidi: () => ({ set: () => 0, close: () => undefined }),
  };
  const ipc = ipcFor(service);
  afterAll(() => ipc.unwire());

  it('passes results and contract codes through, and calls anything else internal', async () => {
    const ports = { source: 'a:b', destination: 'c:d' };
    expect(await ipc.invoke('transportStart', {})).toEqual({ result: null });
    expect(await ipc.invoke('connect', ports)).toEqual({
      error: { code: 'port-not-found', message: 'no such port' },
    });
    expect(await ipc.invoke('disconnect', ports)).toEqual({
      error: { code: 'internal', message: 'internal error: odd' },
    });
    expect(await ipc.invoke('transportStop', {})).toEqual({
      error: { code: 'internal', message: 'internal error: boom' },
    });
  });
});

describe('meter frames over IPC', () => {
  it('sends the window’s frames on the meters channel, and hands requests its subscription', async () => {
    let sink: ((frame: Uint8Array) => void) | null = null;
    const asked: Array<readonly string[]> = [];
    let closed = false;
    const service: Answerer & MeterHost & MidiHost = {
      async request(method, params, meters) {
        if (method === 'setMeters' && meters)
          return { generation: meters.set((params as { ports: string[] }).ports) } as never;
        return null as never;
      },
      subscribe: () => () => undefined,
      openMeters: (s) => {
        sink = s;
        return {
          set: (ports) => asked.push(ports),
          close: () => {
            closed = true;
          },
        };
      },
      openMidi: () => ({ set: () => 0, close: () => undefined }),
    };
    const ipc = ipcFor(service);
    expect(await ipc.invoke('setMeters', { ports: ['a:out'] })).toEqual({
      result: { generation: 1 },
    });
    expect(asked).toEqual([['a:out']]);
    const bytes = new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0]);
    (sink as ((frame: Uint8Array) => void) | null)?.(bytes);
    expect(ipc.sent).toEqual([[METER_CHANNEL, bytes]]);
    ipc.unwire();
    expect(closed).toBe(true);
  });
});

describe('MIDI frames over IPC', () => {
  it('sends the window’s frames on the MIDI channel, and hands requests its subscription', async () => {
    let sink: ((frame: Uint8Array) => boolean) | null = null;
    const asked: Array<readonly string[]> = [];
    let closed = false;
    const service: Answerer & MeterHost & MidiHost = {
      async request(method, params, _meters, midi) {
        if (method === 'setMidiMonitor' && midi)
          return { generation: midi.set((params as { ports: string[] }).ports) } as never;
        return null as never;
      },
      subscribe: () => () => undefined,
      openMeters: () => ({ set: () => 0, close: () => undefined }),
      openMidi: (s) => {
        sink = s;
        return {
          set: (ports) => asked.push(ports),
          close: () => {
            closed = true;
          },
        };
      },
    };
    const ipc = ipcFor(service);
    expect(await ipc.invoke('setMidiMonitor', { ports: ['a:midi'] })).toEqual({
      result: { generation: 1 },
    });
    expect(asked).toEqual([['a:midi']]);
    const bytes = new Uint8Array([2, 0, 0, 0, 1, 0, 0, 0]);
    expect((sink as ((frame: Uint8Array) => boolean) | null)?.(bytes)).toBe(true);
    expect(ipc.sent).toEqual([[MIDI_CHANNEL, bytes]]);
    ipc.unwire();
    expect(closed).toBe(true);
  });
});

const SERVER_CONTROL = new Set<string>(['startServer', 'stopServer', 'setServerSettings']);

describe('the IPC handlers under fuzzing', () => {
  // The web host's fuzzer (packages/core/test/web-host-fuzz.test.ts) on the
  // other transport: random params of any shape (NaN, huge and lone-surrogate
  // strings, deep nesting, prototype keys) to every request channel, and
  // senders that are not our window. Every answer is a response of the
  // contract; no handler throws or hangs.
  const service = new JackbayService({ serverName: `jackbay-none-${process.pid}` });
  const ipc = ipcFor(service);
  afterAll(async () => {
    ipc.unwire();
    await service.close();
  });

  it('answers 10,000 random requests with results or typed errors', async () => {
    const seed = Number(process.env.JACKBAY_FUZZ_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const methods = Object.keys(requests) as RequestName[];
    const codes = new Map<string, number>();
    const failures: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const method = methods[Math.floor(random() * methods.length)] as RequestName;
      const params = fuzzValue(random);
      // A valid request of server control would start or stop a real jackd
      // (or save settings): only its malformed forms are in.
      if (SERVER_CONTROL.has(method) && parseRequest(method, params).ok) continue;
      const frame = random() < 0.05 ? { url: 'https://evil.example/' } : undefined;
      const body = await ipc.invoke(method, params, frame);
      const code = 'error' in body ? body.error.code : 'result' in body ? 'result' : 'none';
      const typed =
        code === 'result' ||
        ((ERROR_CODES as readonly string[]).includes(code) &&
          'error' in body &&
          typeof body.error.message === 'string');
      // An internal error is typed, but it is a handler that threw: a bug.
      if (!typed || code === 'internal')
        failures.push(
          `${method} ${JSON.stringify(params)?.slice(0, 200)}: ${JSON.stringify(body)}`,
        );
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(failures, `seed ${seed}`).toEqual([]);
    // Mostly refused at the boundary; valid ones find no server.
    expect(codes.get('bad-request')).toBeGreaterThan(5000);
  }, 60_000);
});
