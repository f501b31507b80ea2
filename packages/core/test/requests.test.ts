// Requests: validation at the boundary, typed errors, and the effect of each
// request checked from outside by Python peers and JACK's tools.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { type ErrorCode, type RequestName, requests } from '../src/contract.js';
import { JackbayRpcError } from '../src/errors.js';
import { JackbayService } from '../src/service.js';
import {
  type ExecPeer,
  execPeer,
  GraphMirror,
  type JackServer,
  lockMetadata,
  lsp,
  lspConnections,
  pythonJson,
  SERVER_WAIT_MS,
  snapshotConnections,
  startServer,
  waitFor,
} from './helpers.js';

let server: JackServer;
let service: JackbayService;
let mirror: GraphMirror;
let peer: ExecPeer;

beforeAll(async () => {
  server = await startServer();
  service = new JackbayService({ serverName: server.name });
  service.start();
  await waitFor(() => service.isUp, 5000, 'service up');
  peer = await execPeer(
    server,
    'req',
    `ao = c.outports.register('audio_out')
ai = c.inports.register('audio_in')
ai2 = c.inports.register('audio_in2')
mo = c.midi_outports.register('midi_out')
mi = c.midi_inports.register('midi_in')`,
  );
  await waitFor(
    () => JSON.stringify(service.snapshot()).includes('req:midi_in'),
    5000,
    'peer ports',
  );
  mirror = new GraphMirror(service);
}, SERVER_WAIT_MS + 20000);

afterAll(async () => {
  mirror?.close();
  await peer?.stop();
  await service?.close();
  await server?.stop();
});

// Serves a request the way both transports do (through answer()) and checks
// the response against the contract's schemas.
async function call(
  method: string,
  params?: unknown,
): Promise<{ result?: unknown; code?: ErrorCode }> {
  const response = await answer(service, method, params);
  if ('error' in response) {
    expect(typeof response.error.message).toBe('string');
    expect(response.error.message.length).toBeGreaterThan(0);
    return { code: response.error.code };
  }
  if (method in requests) requests[method as RequestName].result.parse(response.result);
  return { result: response.result };
}

async function lspConnectionsNow(): Promise<string[]> {
  const outputs = new Set(
    mirror.snapshot.ports.filter((p) => p.direction === 'output').map((p) => p.name),
  );
  return lspConnections(await lsp(server, ['-c']), outputs);
}

describe('validation', () => {
  it.each([
    ['connect', 'without params', undefined],
    ['connect', 'without a destination', { source: 'req:audio_out' }],
    ['connect', 'with a number for a name', { source: 'req:audio_out', destination: 42 }],
    ['connect', 'with an empty name', { source: '', destination: 'req:audio_in' }],
    [
      'connect',
      'with an extra field',
      { source: 'req:audio_out', destination: 'req:audio_in', extra: true },
    ],
    ['connect', 'with a string for params', 'req:audio_out -> req:audio_in'],
    ['connect', 'with an array for params', ['req:audio_out', 'req:audio_in']],
    ['disconnectAll', 'with a 5000-character name', { port: 'x'.repeat(5000) }],
    [
      'setPrettyName',
      'with an unknown kind',
      { kind: 'socket', name: 'req:audio_out', prettyName: 'x' },
    ],
    [
      'setPrettyName',
      'with a 300-character name',
      { kind: 'port', name: 'req:audio_out', prettyName: 'x'.repeat(300) },
    ],
    ['setPrettyName', 'without prettyName', { kind: 'port', name: 'req:audio_out' }],
    ['transportLocate', 'to a negative frame', { frame: -1 }],
    ['transportLocate', 'to a fractional frame', { frame: 1.5 }],
    ['transportLocate', 'to a string', { frame: '100' }],
    ['transportLocate', 'beyond 32 bits', { frame: 2 ** 40 }],
    ['setTimebaseMaster', 'without master', {}],
    ['setTimebaseMaster', 'with a string', { master: 'yes' }],
    ['setTempo', 'at 0 BPM', { beatsPerMinute: 0 }],
    ['setTempo', 'at 5000 BPM', { beatsPerMinute: 5000 }],
    ['setTempo', 'with 3/5', { beatsPerBar: 3, beatType: 5 }],
    ['setTempo', 'with 0 beats per bar', { beatsPerBar: 0 }],
    ['setTempo', 'with ticks', { ticksPerBeat: 960 }],
    ['setBufferSize', 'not a power of two', { frames: 300 }],
    ['setBufferSize', 'too small', { frames: 8 }],
    ['setBufferSize', 'NaN', { frames: Number.NaN }],
    ['getSnapshot', 'with an unknown field', { all: true }],
  ])('%s %s is a bad request and changes nothing', async (method, _what, params) => {
    const before = JSON.stringify(mirror.snapshot);
    expect((await call(method, params)).code).toBe('bad-request');
    expect(JSON.stringify(mirror.snapshot)).toBe(before);
    expect(await lspConnectionsNow()).toEqual(snapshotConnections(mirror.snapshot));
  });

  it.each(['nope', '__proto__', 'constructor', 'toString', ''])(
    'refuses the unknown method %j',
    async (method) => {
      expect((await call(method, {})).code).toBe('unknown-method');
    },
  );

  it('accepts omitted params where none are needed', async () => {
    expect((await call('getSnapshot')).result).toBeTruthy();
    expect((await call('getStatus', null)).result).toBeTruthy();
  });

  it('rejects with a JackbayRpcError through request()', async () => {
    const error = await service
      .request('connect', { source: 'no:such', destination: 'req:audio_in' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JackbayRpcError);
    expect((error as JackbayRpcError).code).toBe('port-not-found');
  });
});

describe('connections', () => {
  it('connects and disconnects, as jack_lsp sees it', async () => {
    expect(
      (await call('connect', { source: 'req:audio_out', destination: 'req:audio_in' })).result,
    ).toBe(null);
    expect(await lspConnectionsNow()).toContain('req:audio_out -> req:audio_in');
    await waitFor(() => mirror.connected('req:audio_out', 'req:audio_in'), 3000, 'patch');
    expect(
      (await call('connect', { source: 'req:audio_out', destination: 'req:audio_in' })).code,
    ).toBe('already-connected');
    expect(
      (await call('disconnect', { source: 'req:audio_out', destination: 'req:audio_in' })).result,
    ).toBe(null);
    expect(await lspConnectionsNow()).not.toContain('req:audio_out -> req:audio_in');
    await waitFor(() => !mirror.connected('req:audio_out', 'req:audio_in'), 3000, 'patch');
  });

  it.each([
    [{ source: 'no:such', destination: 'req:audio_in' }, 'port-not-found'],
    [{ source: 'req:audio_out', destination: 'req:nothing' }, 'port-not-found'],
    [{ source: 'req:audio_out', destination: 'req:midi_in' }, 'incompatible-types'],
    [{ source: 'req:midi_out', destination: 'req:audio_in' }, 'incompatible-types'],
    [{ source: 'req:audio_in', destination: 'req:audio_in2' }, 'wrong-direction'],
    [{ source: 'req:audio_out', destination: 'system:capture_1' }, 'wrong-direction'],
    [{ source: 'req:audio_in', destination: 'req:audio_out' }, 'wrong-direction'],
  ] as const)('connect %j fails with %s and changes nothing', async (params, code) => {
    const before = await lspConnectionsNow();
    expect((await call('connect', params)).code).toBe(code);
    expect(await lspConnectionsNow()).toEqual(before);
  });

  it('says not-connected for a connection that does not exist', async () => {
    expect(
      (await call('disconnect', { source: 'req:audio_out', destination: 'req:audio_in2' })).code,
    ).toBe('not-connected');
    expect(
      (await call('disconnect', { source: 'nope:x', destination: 'req:audio_in2' })).code,
    ).toBe('port-not-found');
  });

  it('disconnects every connection of one port, either direction', async () => {
    await call('connect', { source: 'req:audio_out', destination: 'req:audio_in' });
    await call('connect', { source: 'req:audio_out', destination: 'req:audio_in2' });
    await call('connect', { source: 'req:audio_out', destination: 'system:playback_1' });
    await call('connect', { source: 'system:capture_1', destination: 'req:audio_in' });
    expect((await lspConnectionsNow()).filter((c) => c.startsWith('req:audio_out'))).toHaveLength(
      3,
    );

    expect((await call('disconnectAll', { port: 'req:audio_out' })).result).toBe(null);
    expect((await lspConnectionsNow()).filter((c) => c.startsWith('req:audio_out'))).toEqual([]);
    // The input keeps its other connection until it is cleared itself.
    expect(await lspConnectionsNow()).toContain('system:capture_1 -> req:audio_in');
    expect((await call('disconnectAll', { port: 'req:audio_in' })).result).toBe(null);
    expect((await lspConnectionsNow()).filter((c) => c.includes('req:'))).toEqual([]);
    // A port without connections is fine; a missing one is not.
    expect((await call('disconnectAll', { port: 'req:audio_in' })).result).toBe(null);
    expect((await call('disconnectAll', { port: 'req:gone' })).code).toBe('port-not-found');
    await waitFor(
      () => !mirror.snapshot.connections.some((c) => c.source.startsWith('req:')),
      3000,
      'patches',
    );
  });
});

describe('pretty names', () => {
  const portName = `Audio out ${process.pid}`;
  const clientName = `Req client ${process.pid}`;
  // JACK2 keeps one metadata store for all servers of a machine, with UUIDs
  // that repeat between servers: hold the project's metadata lock meanwhile.
  let unlock = () => {};
  beforeAll(async () => {
    unlock = await lockMetadata();
  }, 130000);
  afterAll(() => unlock());

  // Read by a fresh process: one that started before some jackd on this
  // machine stopped would still read JACK2's deleted metadata store.
  const seenOutside = (uuid: string | null | undefined): string | null =>
    pythonJson<string | null>(
      server,
      `c = jack.Client('pretty reader', no_start_server=True)
v = jack.get_property(${JSON.stringify(uuid)}, jack.METADATA_PRETTY_NAME)
print(json.dumps(v[0].decode().rstrip('\\x00') if v else None))`,
    );

  it('sets and removes a port pretty name that other clients read', async () => {
    expect(
      (await call('setPrettyName', { kind: 'port', name: 'req:audio_out', prettyName: portName }))
        .result,
    ).toBe(null);
    expect(seenOutside(mirror.port('req:audio_out')?.uuid)).toBe(portName);
    await waitFor(() => mirror.port('req:audio_out')?.prettyName === portName, 3000, 'patch');

    expect(
      (await call('setPrettyName', { kind: 'port', name: 'req:audio_out', prettyName: null }))
        .result,
    ).toBe(null);
    expect(seenOutside(mirror.port('req:audio_out')?.uuid)).toBeNull();
    await waitFor(() => mirror.port('req:audio_out')?.prettyName === null, 3000, 'patch');
    // Removing what is not there is not an error.
    expect(
      (await call('setPrettyName', { kind: 'port', name: 'req:audio_out', prettyName: null }))
        .result,
    ).toBe(null);
  });

  it('sets a client pretty name on the client UUID', async () => {
    expect(
      (await call('setPrettyName', { kind: 'client', name: 'req', prettyName: clientName })).result,
    ).toBe(null);
    expect(seenOutside(mirror.client('req')?.uuid)).toBe(clientName);
    await waitFor(() => mirror.client('req')?.prettyName === clientName, 3000, 'patch');
    expect(
      (await call('setPrettyName', { kind: 'client', name: 'req', prettyName: '' })).result,
    ).toBe(null);
    await waitFor(() => mirror.client('req')?.prettyName === null, 3000, 'patch');
    expect(seenOutside(mirror.client('req')?.uuid)).toBeNull();
  });

  it('names what is missing', async () => {
    expect(
      (await call('setPrettyName', { kind: 'client', name: 'ghost', prettyName: 'x' })).code,
    ).toBe('client-not-found');
    expect(
      (await call('setPrettyName', { kind: 'port', name: 'ghost:port', prettyName: 'x' })).code,
    ).toBe('port-not-found');
  });
});

describe('transport and buffer size', () => {
  it('starts, locates and stops the transport, both ways', async () => {
    expect((await call('transportLocate', { frame: 48000 })).result).toBe(null);
    expect((await call('transportStart', {})).result).toBe(null);
    await waitFor(
      async () => (await peer.run('result = c.transport_state == jack.ROLLING')) === 'true',
      3000,
      'peer sees rolling',
    );
    await waitFor(() => mirror.statuses.at(-1)?.transport?.state === 'rolling', 3000, 'status');
    const frame = mirror.statuses.at(-1)?.transport?.frame ?? 0;
    expect(frame).toBeGreaterThanOrEqual(48000);
    expect((await call('transportStop', {})).result).toBe(null);
    await waitFor(
      async () => (await peer.run('result = c.transport_state == jack.STOPPED')) === 'true',
      3000,
      'peer sees stopped',
    );
    // And the other way round: the peer rolls, we report it.
    await peer.run('c.transport_start()');
    await waitFor(() => mirror.statuses.at(-1)?.transport?.state === 'rolling', 3000, 'rolling');
    await peer.run('c.transport_stop()');
    await waitFor(() => mirror.statuses.at(-1)?.transport?.state === 'stopped', 3000, 'stopped');
  });

  it('makes Jackbay the timebase master with the tempo it is given, and gives it up', async () => {
    const transport = () => mirror.statuses.at(-1)?.transport;
    const peerTempo = async () =>
      JSON.parse(
        await peer.run(
          "p = c.transport_query()[1]\nresult = [p.get('beats_per_minute'), p.get('beats_per_bar'), p.get('beat_type')]",
        ),
      );
    await waitFor(() => transport()?.timebase === 'none', 3000, 'no master yet');
    // Nobody's tempo to change yet.
    expect((await call('setTempo', { beatsPerMinute: 90 })).code).toBe('not-timebase-master');
    expect((await call('setTimebaseMaster', { master: true })).result).toBe(null);
    await waitFor(() => transport()?.bbt?.beatsPerMinute === 120, 3000, 'the default tempo');
    expect(transport()).toMatchObject({
      timebase: 'jackbay',
      bbt: { beatsPerBar: 4, beatType: 4 },
    });
    // Set while stopped, the tempo shows at once; another client reads it too.
    expect((await call('setTempo', { beatsPerMinute: 98.5 })).result).toBe(null);
    expect((await call('setTempo', { beatsPerBar: 7, beatType: 8 })).result).toBe(null);
    await waitFor(() => transport()?.bbt?.beatsPerBar === 7, 3000, 'status shows 7/8');
    expect(transport()?.bbt).toMatchObject({ beatsPerMinute: 98.5, beatType: 8 });
    expect(await peerTempo()).toEqual([98.5, 7, 8]);
    // A second claim while Jackbay is master changes nothing.
    expect((await call('setTimebaseMaster', { master: true })).result).toBe(null);
    // Two bars in 7/8 at 98.5 BPM (the first frame of bar 3): the BBT follows a locate.
    const frame = Math.ceil(14 * (60 / 98.5) * 48000);
    await call('transportLocate', { frame });
    await waitFor(() => transport()?.frame === frame, 3000, 'located');
    await waitFor(() => transport()?.bbt?.bar === 3, 3000, 'bar 3');
    expect(transport()?.bbt).toMatchObject({ beat: 1 });
    expect((await call('setTimebaseMaster', { master: false })).result).toBe(null);
    expect((await call('setTempo', { beatsPerMinute: 90 })).code).toBe('not-timebase-master');
    await call('transportLocate', { frame: 0 });
  });

  it('will not take the timebase from another master, and notices losing it', async () => {
    const transport = () => mirror.statuses.at(-1)?.transport;
    await peer.run(`def tb(state, nframes, pos, new_pos):
    pos.beats_per_minute = 77.0
    pos.beats_per_bar = 3.0
    pos.beat_type = 4.0
    pos.ticks_per_beat = 960.0
    pos.bar = 1
    pos.beat = 1
    pos.tick = 0
    pos.bar_start_tick = 0.0
    pos.valid = jack.POSITION_BBT
c.set_timebase_callback(tb, conditional=False)
c.transport_locate(0)`);
    try {
      await waitFor(() => transport()?.bbt?.beatsPerMinute === 77, 3000, 'the peer is master');
      expect(transport()?.timebase).toBe('other');
      expect((await call('setTimebaseMaster', { master: true })).code).toBe('timebase-busy');
      expect(transport()?.timebase).toBe('other');
      await peer.run('c.release_timebase()');
      expect((await call('setTimebaseMaster', { master: true })).result).toBe(null);
      await waitFor(() => transport()?.timebase === 'jackbay', 3000, 'jackbay is master');
      // The peer takes it unconditionally: JACK tells nobody, the BBT does.
      await peer.run('c.set_timebase_callback(tb, conditional=False)\nc.transport_locate(0)');
      await waitFor(() => transport()?.timebase === 'other', 5000, 'jackbay lost it');
      expect((await call('setTempo', { beatsPerMinute: 90 })).code).toBe('not-timebase-master');
    } finally {
      await peer.run('c.release_timebase()');
    }
  });

  it('changes the buffer size, and the status follows', async () => {
    expect((await call('setBufferSize', { frames: 512 })).result).toBe(null);
    await waitFor(async () => (await peer.run('result = c.blocksize')) === '512', 3000, 'peer');
    await waitFor(() => mirror.statuses.at(-1)?.bufferSize === 512, 3000, 'status');
    const status = mirror.statuses.at(-1);
    expect(status?.latencyMs).toBeCloseTo((512 / 48000) * 1000, 6);
    await call('setBufferSize', { frames: 256 });
    await waitFor(() => mirror.statuses.at(-1)?.bufferSize === 256, 3000, 'status back');
  });
});

describe('status', () => {
  it('reports the server, rates and load', async () => {
    const status = (await call('getStatus', {})).result as Record<string, unknown>;
    expect(status).toMatchObject({
      server: 'up',
      reason: null,
      serverName: server.name,
      sampleRate: 48000,
      demo: false,
    });
    expect(status.dspLoad).toBeGreaterThanOrEqual(0);
    // What the status bar names: the JACK2 of these tests, by the version jackd itself reports.
    const jackd = spawnSync('jackd', ['--version'], { encoding: 'utf8' }).stdout;
    expect(jackd).toContain((status.implementation as { version: string }).version);
    expect(status.implementation).toMatchObject({ kind: 'jack2' });
  });

  it('counts xruns caused by a peer that is too slow', async () => {
    const before = ((await call('getStatus', {})).result as { xrunCount: number }).xrunCount;
    const slow = await execPeer(
      server,
      'slowpoke',
      `@c.set_process_callback
def process(frames):
    time.sleep(0.03)`,
    );
    try {
      await waitFor(() => (mirror.statuses.at(-1)?.xrunCount ?? 0) > before, 5000, 'xruns counted');
      expect(mirror.statuses.at(-1)?.lastXrunDelayUs).not.toBeNull();
    } finally {
      await slow.stop();
    }
  });
});
