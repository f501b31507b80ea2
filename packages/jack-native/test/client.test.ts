// Client: opening, identity, server properties, own port lists, activation
// and port queries, each checked against what JACK's tools and the Python
// `jack` module see from outside.

import {
  devicePorts,
  type JackServer,
  type LongPeer,
  pythonPeer,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIO_TYPE,
  Client,
  type ClientOptions,
  JackError,
  JackOpenError,
  MIDI_TYPE,
  OwnMidiPort,
  OwnPort,
  Port,
} from '../lib/index.js';
import { lspNames, py, pyJson, tool } from './fixtures/graph.js';

// Not the defaults, so a hard-coded 48000/256 cannot pass.
// JACK2's system:capture_1, or the private PipeWire's null sink monitor.
const [CAPTURE_1] = devicePorts().capture;
const RATE = 44100;
const PERIOD = 128;

let server: JackServer;
const open = clientOpener(
  (name: string, options: ClientOptions = {}) =>
    new Client(name, { serverName: server.name, ...options }),
);

// JACK2 shows a connection change to clients from the next cycle on.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 5000, interval: 20 });

beforeAll(async () => {
  server = await startJackServer({ rate: RATE, period: PERIOD });
});
afterAll(async () => {
  await server.stop();
});

describe('opening a client', () => {
  it('gets the requested name, which the server uses for its ports', () => {
    const client = open('cl-name');
    expect(client.name).toBe('cl-name');
    expect(client.status.nameNotUnique).toBe(false);
    expect(client.status.failure).toBe(false);
    client.outports.register('x');
    expect(lspNames(server)).toContain('cl-name:x');
  });

  unlessPipeWire(it, 'namesNotUnique')(
    'gives a second client of the same name a unique variant',
    () => {
      const first = open('cl-dup');
      const second = open('cl-dup');
      expect(second.name).not.toBe(first.name);
      expect(second.name.startsWith('cl-dup')).toBe(true);
      expect(second.status.nameNotUnique).toBe(true);
      expect(first.status.nameNotUnique).toBe(false);
      // The server knows both by the names we report.
      expect(first.getClientNameByUuid(second.uuid)).toBe(second.name);
      expect(second.getClientNameByUuid(first.uuid)).toBe(first.name);
    },
  );

  unlessPipeWire(it, 'namesNotUnique')(
    'refuses a taken name with useExactName: JackOpenError, status.nameNotUnique',
    () => {
      open('cl-exact');
      let caught: unknown;
      try {
        open('cl-exact', { useExactName: true });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(JackOpenError);
      const error = caught as JackOpenError;
      expect(error).toBeInstanceOf(JackError);
      expect(error.clientName).toBe('cl-exact');
      expect(error.status.failure).toBe(true);
      expect(error.status.nameNotUnique).toBe(true);
      // Only the first one exists.
      const probe = open('cl-probe');
      expect(() => probe.getUuidForClientName('cl-exact-01')).toThrow(JackError);
    },
  );

  it('with useExactName and a free name opens normally', () => {
    const client = open('cl-exact-free', { useExactName: true });
    expect(client.name).toBe('cl-exact-free');
  });

  it('with noStartServer fails (serverFailed) when the named server does not run', () => {
    let caught: unknown;
    try {
      open('cl-nostart', { serverName: `${server.name}-absent`, noStartServer: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JackOpenError);
    expect((caught as JackOpenError).status.failure).toBe(true);
    expect((caught as JackOpenError).status.serverFailed).toBe(true);
    // The right server name, on the other hand, connects.
    expect(open('cl-nostart', { noStartServer: true }).name).toBe('cl-nostart');
  });

  unlessPipeWire(it, 'sessionIdIgnored')(
    'passes sessionId to JACK, which makes it the client UUID',
    () => {
      // A valid client UUID carries JACK's type bits (2 << 32 for clients).
      const sessionId = String(2n ** 33n + 4242n);
      const client = open('cl-session', { sessionId });
      expect(client.uuid).toBe(sessionId);
      const fromPython = py(
        server,
        `c = jack.Client('pysess', no_start_server=True)
print(c.get_client_name_by_uuid('${sessionId}'))`,
      ).trim();
      expect(fromPython).toBe('cl-session');
    },
  );
});

describe('identity', () => {
  it('has a UUID that round-trips through the server, here and in the Python module', () => {
    const client = open('cl-uuid');
    const other = open('cl-uuid-other');
    const uuid = client.uuid;
    expect(uuid).toMatch(/^\d+$/);
    expect(uuid).not.toBe(other.uuid);
    expect(other.getClientNameByUuid(uuid)).toBe('cl-uuid');
    expect(other.getUuidForClientName('cl-uuid')).toBe(uuid);
    expect(client.getUuidForClientName(client.name)).toBe(uuid);

    const seen = pyJson<{ name: string; uuid: string; selfName: string; selfUuid: string }>(
      server,
      `c = jack.Client('pyuuid', no_start_server=True)
print(json.dumps(dict(name=c.get_client_name_by_uuid('${uuid}'),
    uuid=c.get_uuid_for_client_name('cl-uuid'), selfName=c.name, selfUuid=c.uuid)))`,
    );
    expect(seen.name).toBe('cl-uuid');
    expect(seen.uuid).toBe(uuid);
    // The other direction: the Python client's own UUID, as we resolve it
    // (the Python client is gone by now, so we only compare the format and
    // that the server handed out a different one).
    expect(seen.selfUuid).toMatch(/^\d+$/);
    expect(seen.selfUuid).not.toBe(uuid);
  });

  it('resolves a live Python client by name and by UUID', async () => {
    const peer = pythonPeer(
      server,
      `c = jack.Client('pylive', no_start_server=True)
c.activate()
print(json.dumps(dict(name=c.name, uuid=c.uuid)))
sys.stdin.readline()`,
    );
    try {
      const info = JSON.parse(await peer.line()) as { name: string; uuid: string };
      const client = open('cl-uuid-live');
      expect(client.getUuidForClientName(info.name)).toBe(info.uuid);
      expect(client.getClientNameByUuid(info.uuid)).toBe(info.name);
    } finally {
      await peer.stop();
    }
  });

  it('throws JackError for an unknown client name or UUID', () => {
    const client = open('cl-uuid-unknown');
    expect(() => client.getUuidForClientName('no-such-client')).toThrow(JackError);
    expect(() => client.getClientNameByUuid('123456789012')).toThrow(JackError);
  });
});

describe('server properties', () => {
  it('reports the samplerate the server runs at', () => {
    expect(open('cl-rate').samplerate).toBe(RATE);
  });

  unlessPipeWire(it, 'bufferSizeAsync')(
    'reads and sets the blocksize, as the Python module sees it',
    async () => {
      const client = open('cl-block');
      expect(client.blocksize).toBe(PERIOD);
      const peerBlocksize = () =>
        Number(py(server, `print(jack.Client('pyblock', no_start_server=True).blocksize)`).trim());
      try {
        client.blocksize = 512;
        expect(client.blocksize).toBe(512);
        expect(peerBlocksize()).toBe(512);
      } finally {
        client.blocksize = PERIOD;
      }
      expect(client.blocksize).toBe(PERIOD);
      expect(peerBlocksize()).toBe(PERIOD);
    },
  );

  unlessPipeWire(it, 'alwaysRealtime')('is not realtime on a --no-realtime server', () => {
    expect(open('cl-rt').realtime).toBe(false);
  });

  unlessPipeWire(it, 'frameTimeJumps')(
    'frame times advance with the clock and agree with each other',
    async () => {
      const client = open('cl-time');
      client.activate();
      // frameTime is JACK's clock-based estimate of "now", lastFrameTime the
      // start of the latest cycle: now lies at or after it.
      const last = client.lastFrameTime;
      const since = client.framesSinceCycleStart;
      const now = client.frameTime;
      expect(Number.isInteger(since) && since >= 0).toBe(true);
      expect(now).toBeGreaterThanOrEqual(last);

      const frame0 = client.frameTime;
      const last0 = client.lastFrameTime;
      await waitFor(() => client.lastFrameTime > last0, 5000, 'a new cycle');
      const frame1 = client.frameTime;
      const last1 = client.lastFrameTime;
      expect(frame1).toBeGreaterThan(frame0);
      // Cycle starts move in whole periods.
      expect((last1 - last0) % PERIOD).toBe(0);
      expect(last1).toBeLessThanOrEqual(frame1);
    },
  );

  it('reports a plausible DSP load', () => {
    const client = open('cl-load');
    client.activate();
    const load = client.cpuLoad();
    expect(Number.isFinite(load)).toBe(true);
    expect(load).toBeGreaterThanOrEqual(0);
    expect(load).toBeLessThanOrEqual(100);
  });
});

describe('own port lists', () => {
  it('register, index, iterate, count and clear, seen by jack_lsp', () => {
    const client = open('cl-lists');
    const lists = [
      [client.inports, 'in', AUDIO_TYPE, true],
      [client.outports, 'out', AUDIO_TYPE, false],
      [client.midiInports, 'midi_in', MIDI_TYPE, true],
      [client.midiOutports, 'midi_out', MIDI_TYPE, false],
    ] as const;
    for (const [list, prefix, type, input] of lists) {
      expect(list.length).toBe(0);
      const a = list.register(`${prefix}_1`);
      const b = list.register(`${prefix}_2`);
      expect(list.length).toBe(2);
      expect(list[0]).toBe(a);
      expect(list[1]).toBe(b);
      expect(list[2]).toBeUndefined();
      expect(1 in list).toBe(true);
      expect(2 in list).toBe(false);
      expect([...list]).toEqual([a, b]);
      expect(a.name).toBe(`cl-lists:${prefix}_1`);
      expect(a.type).toBe(type);
      expect(a.isInput).toBe(input);
      expect(a.isOutput).toBe(!input);
      expect(a).toBeInstanceOf(type === MIDI_TYPE ? OwnMidiPort : OwnPort);
    }
    const types = tool(server, 'jack_lsp', ['-t']);
    expect(types).toMatch(/cl-lists:midi_in_2\n\s+8 bit raw midi/);
    expect(types).toMatch(/cl-lists:out_1\n\s+32 bit float mono audio/);

    client.outports.clear();
    expect(client.outports.length).toBe(0);
    expect([...client.outports]).toEqual([]);
    // The other lists are untouched.
    expect(client.inports.length).toBe(2);
    const names = lspNames(server);
    expect(names).not.toContain('cl-lists:out_1');
    expect(names).not.toContain('cl-lists:out_2');
    expect(names).toContain('cl-lists:in_1');
    expect(names).toContain('cl-lists:midi_out_2');
  });

  it('registers terminal and physical ports with those flags', () => {
    const client = open('cl-flags');
    const port = client.outports.register('synth', { isTerminal: true, isPhysical: true });
    expect(port.isTerminal).toBe(true);
    expect(port.isPhysical).toBe(true);
    const props = tool(server, 'jack_lsp', ['-p', 'cl-flags:synth']);
    expect(props).toMatch(/properties: output,physical,terminal,/);
  });

  it('owns its ports and no one else’s', () => {
    const client = open('cl-owns');
    const other = open('cl-owns-other');
    const mine = client.inports.register('mine');
    const theirs = other.outports.register('theirs');
    expect(client.owns(mine)).toBe(true);
    expect(client.owns('cl-owns:mine')).toBe(true);
    expect(client.owns(theirs)).toBe(false);
    expect(client.owns('cl-owns-other:theirs')).toBe(false);
    expect(client.owns(CAPTURE_1)).toBe(false);
    expect(client.owns(client.getPortByName(CAPTURE_1))).toBe(false);
    expect(client.owns('no-such:port')).toBe(false);
    // The other client's view of our port is not its own either.
    expect(other.owns(other.getPortByName('cl-owns:mine'))).toBe(false);
    mine.unregister();
    expect(client.owns(mine)).toBe(false);
    expect(client.owns('cl-owns:mine')).toBe(false);
  });
});

describe('activation', () => {
  unlessPipeWire(it, 'inactivePortsConnectable')(
    'only an active client can be connected to (jack_connect from outside)',
    async () => {
      const client = open('cl-active');
      client.inports.register('in');
      expect(client.active).toBe(false);
      expect(() => tool(server, 'jack_connect', [CAPTURE_1, 'cl-active:in'])).toThrow();
      client.activate();
      expect(client.active).toBe(true);
      tool(server, 'jack_connect', [CAPTURE_1, 'cl-active:in']);
      await poll(() => client.inports[0]?.isConnectedTo(CAPTURE_1)).toBe(true);
      client.deactivate();
      expect(client.active).toBe(false);
      // Deactivating drops the connections and refuses new ones.
      await poll(() => tool(server, 'jack_lsp', ['-c', 'cl-active:in'])).not.toContain(CAPTURE_1);
      expect(() => tool(server, 'jack_connect', [CAPTURE_1, 'cl-active:in'])).toThrow();
      client.activate();
      tool(server, 'jack_connect', [CAPTURE_1, 'cl-active:in']);
    },
  );

  unlessPipeWire(it, 'closedUuidKnown')(
    'close removes the client and its ports from the server',
    () => {
      const client = open('cl-close');
      const watcher = open('cl-close-watch');
      client.outports.register('out');
      client.activate();
      const uuid = client.uuid;
      expect(watcher.getClientNameByUuid(uuid)).toBe('cl-close');
      client.close();
      expect(client.closed).toBe(true);
      expect(lspNames(server)).not.toContain('cl-close:out');
      expect(() => watcher.getClientNameByUuid(uuid)).toThrow(JackError);
      expect(() => watcher.getUuidForClientName('cl-close')).toThrow(JackError);
    },
  );

  unlessPipeWire(it, 'closedUuidKnown')('[Symbol.dispose] deactivates and closes (using)', () => {
    const watcher = open('cl-dispose-watch');
    let kept: Client | undefined;
    {
      using client = new Client('cl-dispose', { serverName: server.name });
      kept = client;
      client.outports.register('out');
      client.activate();
      expect(lspNames(server)).toContain('cl-dispose:out');
    }
    expect(kept.closed).toBe(true);
    expect(kept.active).toBe(false);
    expect(lspNames(server)).not.toContain('cl-dispose:out');
    expect(() => watcher.getUuidForClientName('cl-dispose')).toThrow(JackError);
    // Disposing again (or closing) is harmless.
    kept[Symbol.dispose]();
    kept.close();
  });
});

describe('getPorts', () => {
  const FILTERS = [
    'isAudio',
    'isMidi',
    'isInput',
    'isOutput',
    'isPhysical',
    'canMonitor',
    'isTerminal',
  ] as const;
  const PY_NAMES: Record<(typeof FILTERS)[number], string> = {
    isAudio: 'is_audio',
    isMidi: 'is_midi',
    isInput: 'is_input',
    isOutput: 'is_output',
    isPhysical: 'is_physical',
    canMonitor: 'can_monitor',
    isTerminal: 'is_terminal',
  };

  // Neither we nor the Python module register ports that can monitor, but
  // libjack can: a Python peer does it through the module's cffi handle.
  let monitorPeer: LongPeer;
  beforeAll(async () => {
    monitorPeer = pythonPeer(
      server,
      `c = jack.Client('pymon', no_start_server=True)
jack._lib.jack_port_register(c._ptr, b'mon', jack._AUDIO,
    jack._lib.JackPortIsInput | jack._lib.JackPortCanMonitor, 0)
c.activate()
print('ready')
sys.stdin.readline()`,
    );
    expect(await monitorPeer.line()).toBe('ready');
  });
  afterAll(async () => {
    await monitorPeer.stop();
  });

  function populate(): Client {
    const client = open('gp');
    client.inports.register('in_1');
    client.inports.register('in_2', { isTerminal: true });
    client.outports.register('out_1', { isPhysical: true });
    client.midiInports.register('midi_in');
    client.midiOutports.register('midi_out', { isTerminal: true, isPhysical: true });
    client.activate();
    return client;
  }

  // Each option alone and a few pairs, compared with the Python module's get_ports.
  const combos: Array<Partial<Record<(typeof FILTERS)[number], boolean>>> = [
    {},
    ...FILTERS.map((name) => ({ [name]: true })),
    { isAudio: true, isInput: true },
    { isMidi: true, isOutput: true },
    { isPhysical: true, isInput: true },
    { isTerminal: true, isOutput: true },
    { isAudio: true, isMidi: true },
  ];

  unlessPipeWire(it, 'noMonitorFlag')(
    'selects by every flag option exactly as the Python module does',
    () => {
      const client = populate();
      const pyCalls = combos.map((combo) => {
        const args = Object.entries(combo)
          .map(
            ([key, value]) =>
              `${PY_NAMES[key as (typeof FILTERS)[number]]}=${value ? 'True' : 'False'}`,
          )
          .join(', ');
        return `[p.name for p in c.get_ports(${args})]`;
      });
      const expected = pyJson<string[][]>(
        server,
        `c = jack.Client('pygp', no_start_server=True)
print(json.dumps([${pyCalls.join(', ')}]))`,
      );
      combos.forEach((combo, index) => {
        const ours = client.getPorts('', combo).map((port) => port.name);
        const theirs = (expected[index] ?? []).filter((name) => !name.startsWith('pygp:'));
        expect(ours, JSON.stringify(combo)).toEqual(theirs);
      });
      // And the filters really filter: each selected port has the property.
      for (const name of FILTERS) {
        const selected = client.getPorts('', { [name]: true });
        expect(selected.length, name).toBeGreaterThan(0);
        for (const port of selected) expect(port[name], `${port.name}.${name}`).toBe(true);
        const total = client.getPorts().length;
        if (name !== 'isAudio' && name !== 'isMidi')
          expect(selected.length, name).toBeLessThan(total);
      }
      expect(client.getPorts('gp:', { isMidi: true }).map((p) => p.name)).toEqual([
        'gp:midi_in',
        'gp:midi_out',
      ]);
    },
  );

  it('takes a POSIX extended regular expression, as libjack does', () => {
    const client = populate();
    // [[:digit:]] is POSIX-only: a JS regex would not understand it.
    expect(client.getPorts('^gp:in_[[:digit:]]$').map((p) => p.name)).toEqual([
      'gp:in_1',
      'gp:in_2',
    ]);
    // Sorted: PipeWire lists a client's outputs before its inputs, JACK2 in registration order.
    expect(
      client
        .getPorts('^gp:(in_2|out_1)$')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['gp:in_2', 'gp:out_1']);
    // Unanchored, like jack_get_ports.
    expect(
      client
        .getPorts('midi')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['gp:midi_in', 'gp:midi_out']);
    expect(client.getPorts('no-such-thing')).toEqual([]);
    const expected = pyJson<string[]>(
      server,
      `c = jack.Client('pyre', no_start_server=True)
print(json.dumps([p.name for p in c.get_ports('^gp:in_[[:digit:]]$')]))`,
    );
    expect(expected).toEqual(['gp:in_1', 'gp:in_2']);
  });

  it('takes a JS RegExp (flags honoured, g and y harmless), with the options', () => {
    const client = populate();
    expect(client.getPorts(/^GP:IN_\d$/i).map((p) => p.name)).toEqual(['gp:in_1', 'gp:in_2']);
    expect(client.getPorts(/^GP:IN_\d$/).map((p) => p.name)).toEqual([]);
    const global = /^gp:.*_1$/g;
    const first = client.getPorts(global).map((p) => p.name);
    const second = client.getPorts(global).map((p) => p.name);
    // Sorted: PipeWire lists a client's outputs before its inputs.
    expect([...first].sort()).toEqual(['gp:in_1', 'gp:out_1']);
    expect(second).toEqual(first);
    expect(client.getPorts(/^gp:.*_1$/, { isOutput: true }).map((p) => p.name)).toEqual([
      'gp:out_1',
    ]);
  });

  it('returns Port objects of the right classes, equal to getPortByName’s', () => {
    const client = populate();
    const ports = client.getPorts();
    expect(ports.map((p) => p.name)).toEqual(
      lspNames(server).filter((name) => !name.startsWith('cl-')),
    );
    for (const port of ports) {
      expect(port).toBeInstanceOf(Port);
      expect(client.getPortByName(port.name)).toBe(port);
      expect(port instanceof OwnPort).toBe(port.name.startsWith('gp:'));
    }
  });
});

describe('getPortByName and getAllConnections', () => {
  it('finds any port and lists connections made from outside', async () => {
    const {
      playback: [playback1, playback2],
    } = devicePorts();
    const client = open('cl-conn');
    const input = client.inports.register('in');
    client.activate();
    const capture = client.getPortByName(CAPTURE_1);
    expect(capture.name).toBe(CAPTURE_1);
    expect(capture.isOutput).toBe(true);
    // Physical on both servers (PipeWire's monitor ports, the capture stand-ins, are not).
    expect(client.getPortByName(playback1).isPhysical).toBe(true);
    expect(client.getAllConnections(capture)).toEqual([]);

    tool(server, 'jack_connect', [CAPTURE_1, 'cl-conn:in']);
    tool(server, 'jack_connect', [CAPTURE_1, playback2]);
    // A port we do not own, by object and by name.
    await poll(() =>
      client
        .getAllConnections(capture)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['cl-conn:in', playback2].sort());
    const viaName = client.getAllConnections(CAPTURE_1);
    expect(viaName).toContain(input);
    expect(client.getAllConnections(input)).toEqual([capture]);
    expect(client.getAllConnections(playback1)).toEqual([]);
    tool(server, 'jack_disconnect', [CAPTURE_1, playback2]);
    await poll(() => client.getAllConnections(capture)).toEqual([input]);
  });
});
