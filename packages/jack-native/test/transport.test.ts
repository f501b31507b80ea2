// Transport and freewheel: every transport member of Client, checked both
// ways against the Python `jack` module and JACK's own jack_transport.
import { spawnSync } from 'node:child_process';
import {
  type JackServer,
  type LongPeer,
  onPipeWire,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  pythonPeer,
  startJackServer,
  unlessPipeWire,
  waitFor,
  withoutOnPipeWire,
} from '@jackbay/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CallbackExit,
  Client,
  JackError,
  JackErrorCode,
  POSITION_BBT,
  POSITION_BBT_FRAME_OFFSET,
  type PositionDict,
  ROLLING,
  STARTING,
  STOPPED,
  TransportState,
} from '../lib/index.js';

// Not jackd's default rate, so a hard-coded 48000 cannot pass.
const RATE = 44100;
const WAIT = 10000;
// JACK2's code; PipeWire's is negative (server-differences.ts: negativeErrors).
const EINVAL = onPipeWire() ? -22 : 22;

let server: JackServer;
let client: Client;
const peers: LongPeer[] = [];

beforeAll(async () => {
  server = await startJackServer({ rate: RATE, period: 256, startTimeoutMs: PATIENT_START_MS });
  client = new Client('tp-main', { serverName: server.name });
  client.activate();
}, PATIENT_TIMEOUT);
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  client.transportStop();
  client.transportFrame = 0;
  await waitFor(() => client.transportState === STOPPED && client.transportFrame === 0, WAIT);
});
afterAll(async () => {
  client?.close();
  await server?.stop();
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

interface PeerView {
  state: string;
  frame: number;
  query: Record<string, number>;
}

/**
 * A Python client that reports what it sees of the transport and drives it.
 * `setup` runs before activate() (timebase or sync callbacks).
 */
async function startPeer(name: string, setup = ''): Promise<LongPeer> {
  const peer = pythonPeer(
    server,
    `
c = jack.Client(${JSON.stringify(name)}, no_start_server=True)
${setup}
c.activate()
print('ready')
for line in sys.stdin:
    cmd, *args = line.split()
    if cmd == 'view':
        state, pos = c.transport_query()
        print(json.dumps({'state': str(c.transport_state), 'frame': c.transport_frame,
                          'query': pos}))
        continue
    if cmd == 'start':
        c.transport_start()
    elif cmd == 'stop':
        c.transport_stop()
    print('ok')
`,
  );
  peers.push(peer);
  expect(await peer.line()).toBe('ready');
  return peer;
}

/**
 * The frame a peer reads (Python's transport_frame). On PipeWire its
 * jack_get_current_transport_frame reads 0 after a locate while stopped
 * (locateWhileStopped): there the peer's jack_transport_query frame.
 */
async function peerFrame(peer: LongPeer): Promise<number> {
  const seen = await view(peer);
  return onPipeWire() ? (seen.query.frame as number) : seen.frame;
}

async function view(peer: LongPeer): Promise<PeerView> {
  peer.send('view');
  return JSON.parse(await peer.line()) as PeerView;
}

async function command(peer: LongPeer, text: string): Promise<void> {
  peer.send(text);
  expect(await peer.line()).toBe('ok');
}

/**
 * Runs jack_transport with commands on stdin, as a person would type them.
 * On PipeWire it stays a moment before quitting, as a person would: the
 * driver carries out a locate only while the client that asked is still
 * there (locateNeedsItsClient). JACK2 keeps the request in the server.
 */
function jackTransport(commands: string): void {
  const stay = onPipeWire() ? 1 : 0;
  const result = spawnSync(
    'sh',
    ['-c', `(printf "%s\\n" "$1"; sleep ${stay}) | jack_transport`, 'sh', commands],
    {
      env: server.env,
      encoding: 'utf8',
      timeout: 10000,
    },
  );
  if (result.status !== 0) throw new Error(`jack_transport failed: ${result.stderr}`);
}

const camel = (key: string) =>
  key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

describe('start, stop and state', () => {
  it('transportStart/transportStop are seen by a Python peer', async () => {
    const peer = await startPeer('tp-watch');
    expect(client.transportState).toBe(STOPPED);
    expect((await view(peer)).state).toBe('jack.STOPPED');

    client.transportStart();
    await waitFor(() => client.transportState === ROLLING, WAIT, 'rolling');
    await waitFor(async () => (await view(peer)).state === 'jack.ROLLING', WAIT, 'peer rolling');
    const first = (await view(peer)).frame;
    await waitFor(async () => (await view(peer)).frame > first, WAIT, 'frames advance');

    client.transportStop();
    await waitFor(() => client.transportState === STOPPED, WAIT, 'stopped');
    await waitFor(async () => (await view(peer)).state === 'jack.STOPPED', WAIT, 'peer stopped');
  });

  it("a peer's transport_start and transport_stop are seen by transportState", async () => {
    const peer = await startPeer('tp-driver');
    await command(peer, 'start');
    await waitFor(() => client.transportState === ROLLING, WAIT, 'rolling');
    expect(client.transportQuery()[0]).toBe(ROLLING);
    expect(client.transportQueryStruct()[0]).toBe(1);
    await command(peer, 'stop');
    await waitFor(() => client.transportState === STOPPED, WAIT, 'stopped');
    expect(client.transportQueryStruct()[0]).toBe(0);
  });

  it('jack_transport play/stop/locate are seen by us', async () => {
    jackTransport('locate 4321');
    await waitFor(() => client.transportFrame === 4321, WAIT, 'locate');
    jackTransport('play');
    await waitFor(() => client.transportState === ROLLING, WAIT, 'play');
    jackTransport('stop');
    await waitFor(() => client.transportState === STOPPED, WAIT, 'stop');
  });

  it('states are singletons with JACK codes', () => {
    expect(client.transportState).toBeInstanceOf(TransportState);
    expect(TransportState.of(1)).toBe(ROLLING);
    expect([Number(STOPPED), Number(ROLLING), Number(STARTING)]).toEqual([0, 1, 3]);
  });
});

describe('position', () => {
  it(
    withoutOnPipeWire(
      'transportFrame: assigning relocates, for us and for a peer',
      'locateWhileStopped',
    ),
    async () => {
      const peer = await startPeer('tp-frame');
      client.transportFrame = 2 * RATE;
      await waitFor(() => client.transportFrame === 2 * RATE, WAIT, 'our frame');
      await waitFor(async () => (await peerFrame(peer)) === 2 * RATE, WAIT, 'peer frame');
      expect((await view(peer)).query.frame).toBe(2 * RATE);
    },
  );

  it(
    withoutOnPipeWire(
      'transportLocate is the deprecated alias of assigning transportFrame',
      'locateWhileStopped',
    ),
    async () => {
      const peer = await startPeer('tp-locate');
      client.transportLocate(12345);
      await waitFor(() => client.transportFrame === 12345, WAIT, 'locate');
      await waitFor(async () => (await peerFrame(peer)) === 12345, WAIT, 'peer');
    },
  );

  it('rejects bad frames with TypeError and does not move', async () => {
    client.transportFrame = 777;
    await waitFor(() => client.transportFrame === 777, WAIT);
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN, '5', null]) {
      expect(() => {
        client.transportFrame = bad as number;
      }).toThrow(TypeError);
      expect(() => client.transportLocate(bad as number)).toThrow(TypeError);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.transportFrame).toBe(777);
  });

  it(
    withoutOnPipeWire(
      'transportRepositionStruct moves to a frame; fields JACK would drop give TypeError',
      'locateWhileStopped',
    ),
    async () => {
      const peer = await startPeer('tp-repos');
      client.transportRepositionStruct({ frame: 54321 });
      await waitFor(() => client.transportFrame === 54321, WAIT, 'reposition');
      await waitFor(async () => (await peerFrame(peer)) === 54321, WAIT, 'peer');

      // JACK2 drops such requests silently (and returns 0): we refuse them.
      for (const bad of [
        { frame: 1, valid: 0x8000 },
        { frame: 1, valid: POSITION_BBT_FRAME_OFFSET },
        { frame: -1 },
        { frame: 1.5 },
        { frame: 2 ** 32 },
        null,
      ])
        expect(() => client.transportRepositionStruct(bad as never)).toThrow(TypeError);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.transportFrame).toBe(54321);
    },
  );

  it('transportQuery gives only the valid fields, like the Python module', async () => {
    client.transportFrame = 1000;
    await waitFor(() => client.transportFrame === 1000, WAIT);
    const [state, position] = client.transportQuery();
    expect(state).toBe(STOPPED);
    expect(Object.keys(position).sort()).toEqual(['frame', 'frameRate', 'usecs']);
    expect(position.frame).toBe(1000);
    expect(position.frameRate).toBe(RATE);
    expect(position.usecs).toBeGreaterThan(0);

    const peer = await startPeer('tp-keys');
    const theirs = (await view(peer)).query;
    expect(Object.keys(theirs).map(camel).sort()).toEqual(Object.keys(position).sort());
  });

  unlessPipeWire(it, 'bbtRewritten')(
    'BBT from a Python timebase master appears in transportQuery and transportQueryStruct',
    async () => {
      const peer = await startPeer(
        'tp-master',
        `
@c.set_timebase_callback
def timebase(state, blocksize, pos, new_pos):
    pos.valid = jack.POSITION_BBT
    pos.bar, pos.beat, pos.tick, pos.bar_start_tick = 7, 3, 480, 0.0
    pos.beats_per_bar, pos.beat_type = 6.0, 8.0
    pos.ticks_per_beat, pos.beats_per_minute = 960.0, 133.5
`,
      );
      client.transportFrame = 4800;
      // The peer's BBT can show before the locate has taken effect.
      await waitFor(
        () => {
          const [, now] = client.transportQuery();
          return now.bar === 7 && now.frame === 4800;
        },
        WAIT,
        'BBT at the located frame',
      );
      const [, position] = client.transportQuery();
      const expected: PositionDict = {
        usecs: position.usecs,
        frameRate: RATE,
        frame: 4800,
        bar: 7,
        beat: 3,
        tick: 480,
        barStartTick: 0,
        beatsPerBar: 6,
        beatType: 8,
        ticksPerBeat: 960,
        beatsPerMinute: 133.5,
      };
      expect(position).toEqual(expected);

      const theirs = (await view(peer)).query;
      const converted = Object.fromEntries(Object.entries(theirs).map(([k, v]) => [camel(k), v]));
      expect({ ...converted, usecs: position.usecs }).toEqual(expected);

      const [code, struct] = client.transportQueryStruct();
      expect(code).toBe(0);
      expect(struct.valid & POSITION_BBT).toBe(POSITION_BBT);
      expect([struct.bar, struct.beat, struct.beatsPerMinute, struct.frame]).toEqual([
        7, 3, 133.5, 4800,
      ]);
      // Not the master: releasing is refused (JACK2 returns EINVAL) and changes nothing.
      const error = thrown(() => client.releaseTimebase());
      expect(error).toBeInstanceOf(JackErrorCode);
      expect((error as JackErrorCode).code).toBe(EINVAL);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.transportQuery()[1].bar).toBe(7);
    },
  );

  it('transportQueryStruct has every field even when they are not valid', () => {
    const [code, struct] = client.transportQueryStruct();
    expect(code).toBe(0);
    expect(struct.valid & POSITION_BBT).toBe(0);
    for (const key of ['bar', 'beat', 'tick', 'beatsPerMinute', 'frameTime', 'videoOffset'])
      expect(typeof struct[key as keyof typeof struct]).toBe('number');
    expect(struct.frameRate).toBe(RATE);
  });
});

describe('timebase, sync and freewheel', () => {
  // The code as libjack returns it, on PipeWire negative (EINVAL above).
  it('releaseTimebase throws JackErrorCode EINVAL when we are not the master', () => {
    const error = thrown(() => client.releaseTimebase());
    expect(error).toBeInstanceOf(JackErrorCode);
    expect(error).toBeInstanceOf(JackError);
    expect((error as JackErrorCode).code).toBe(EINVAL);
  });

  it('setSyncTimeout decides how long a slow-sync peer holds the transport in STARTING', async () => {
    // A peer that is never ready: only the sync timeout lets the transport roll.
    await startPeer(
      'tp-slow',
      `
@c.set_sync_callback
def sync(state, pos):
    return False
`,
    );
    client.setSyncTimeout(60_000_000);
    client.transportStart();
    await waitFor(() => client.transportState === STARTING, WAIT, 'starting');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(client.transportState).toBe(STARTING);
    client.transportStop();
    await waitFor(() => client.transportState === STOPPED, WAIT, 'stopped');

    client.setSyncTimeout(200_000);
    client.transportStart();
    await waitFor(() => client.transportState === ROLLING, WAIT, 'rolling after the timeout');
    client.setSyncTimeout(2_000_000);

    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1000', null])
      expect(() => client.setSyncTimeout(bad as number)).toThrow(TypeError);
  });

  it('our clients never hold the transport in STARTING: a JS callback ended by CallbackExit, one slower than a period, one deactivated and activated again', async () => {
    // Seen in a long walk-through: transportStart() stayed STARTING for
    // seconds. JACK2 rolls once every active client with a process callback
    // has run a cycle since the start; a client whose process thread is stuck
    // (a Python peer under SIGSTOP) held it for over 4 s on a server with the
    // default 2 s sync timeout, and it rolled within a cycle of the peer
    // running again. None of ours may be such a client.
    const ours: Client[] = [];
    const open = (name: string, callback: () => void) => {
      const own = new Client(name, { serverName: server.name });
      ours.push(own);
      own.outports.register('out');
      own.setProcessCallback(callback);
      own.activate();
      return own;
    };
    try {
      open('tp-exited', () => {
        throw new CallbackExit();
      });
      open('tp-slow-js', () => {
        const until = performance.now() + 15;
        while (performance.now() < until);
      });
      const cycled = open('tp-cycled', () => {});
      cycled.deactivate();
      cycled.activate();
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.transportStart();
      await waitFor(() => client.transportState === ROLLING, WAIT, 'rolling with our clients');
      client.transportStop();
      await waitFor(() => client.transportState === STOPPED, WAIT, 'stopped');
    } finally {
      for (const own of ours) own.close();
    }
  });

  it(
    withoutOnPipeWire(
      'the usage walk-through in one client, with a peer causing xruns still running: transportStart rolls',
      'xrunsNotReported',
    ),
    async () => {
      // The sequence of the walk-through where STARTING was seen, step by step:
      // ports, connections both ways with a Python peer, notification callbacks
      // (one ended by CallbackExit), a JS process callback, and a peer whose
      // process callback oversleeps its period. None of it may hold the start.
      const walker = new Client('tp-walker', { serverName: server.name });
      try {
        const audioIn = walker.inports.register('in');
        const audioOut = walker.outports.register('out');
        walker.midiOutports.register('midi_out');
        const seen = { clients: 0, ports: 0, connections: 0, xruns: 0 };
        walker.setClientRegistrationCallback(() => {
          seen.clients++;
          if (seen.clients === 2) throw new CallbackExit();
        });
        walker.setPortRegistrationCallback(() => {
          seen.ports++;
        });
        walker.setPortConnectCallback(() => {
          seen.connections++;
        });
        walker.setXrunCallback(() => {
          seen.xruns++;
        });
        walker.setProcessCallback(() => {
          audioOut.getArray().set(audioIn.getArray());
        });
        walker.activate();

        await startPeer('tp-echo', "c.inports.register('in')\nc.outports.register('out')");
        walker.connect(audioOut, 'tp-echo:in');
        walker.connect('tp-echo:out', audioIn);
        await startPeer(
          'tp-xruns',
          "c.outports.register('out')\n@c.set_process_callback\ndef process(frames):\n    time.sleep(0.03)",
        );
        if (!onPipeWire())
          await waitFor(() => seen.xruns > 0, WAIT, 'an xrun from the oversleeping peer');
        walker.disconnect(audioOut, 'tp-echo:in');
        await waitFor(
          () => seen.clients >= 2 && seen.ports > 0 && seen.connections > 0,
          WAIT,
          'the notifications',
        );

        client.transportStart();
        await waitFor(
          () => client.transportState === ROLLING,
          WAIT,
          'rolling after the walk-through',
        );
        expect(walker.transportState).toBe(ROLLING);
      } finally {
        walker.close();
      }
    },
  );

  unlessPipeWire(it, 'freewheelOwnOnly')('setFreewheel is seen by a Python peer', async () => {
    const peer = await startPeer(
      'tp-freewheel',
      `
@c.set_freewheel_callback
def freewheel(starting):
    print('freewheel', starting)
`,
    );
    try {
      client.setFreewheel(true);
      expect(await peer.line()).toBe('freewheel True');
    } finally {
      client.setFreewheel(false);
    }
    expect(await peer.line()).toBe('freewheel False');
  });
});
