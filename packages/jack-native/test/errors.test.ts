// Bad input: each gives a typed error (JackError with a kind, or TypeError
// for wrong argument types) and leaves the JACK graph exactly as it was.

import { type JackServer, startJackServer, unlessPipeWire } from '@jackbay/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  clientNameSize,
  JackError,
  type JackErrorKind,
  type OwnMidiPort,
  type OwnPort,
  portNameSize,
} from '../lib/index.js';
import { lspGraph } from './fixtures/graph.js';
import { type PyExec, startPyExec } from './fixtures/py-exec.js';

let server: JackServer;
let peer: PyExec;
let client: Client;
let out: OwnPort;
let input: OwnPort;
let midiOut: OwnMidiPort;
let graphBefore: string;

beforeAll(async () => {
  server = await startJackServer();
  peer = await startPyExec(server, 'pye');
  await peer.run(`
ain = c.inports.register('ain')
aout = c.outports.register('aout')
min = c.midi_inports.register('min')
mout = c.midi_outports.register('mout')`);
  client = new Client('err', { serverName: server.name });
  out = client.outports.register('out');
  input = client.inports.register('in');
  midiOut = client.midiOutports.register('mout');
  client.midiInports.register('min');
  client.activate();
  out.connect('pye:ain');
  out.setAlias('err:out-alias');
});
afterAll(async () => {
  client?.close();
  await peer?.stop();
  await server.stop();
});
beforeEach(async () => {
  graphBefore = await settledGraph();
});

/**
 * The graph once it stops changing: JACK2 shows clients a connection change
 * from the next cycle on, so right after one jack_lsp may still list the old.
 */
async function settledGraph(): Promise<string> {
  let previous = lspGraph(server);
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    const current = lspGraph(server);
    if (current === previous) return current;
    previous = current;
  }
  return previous;
}

/** `fn` throws a JackError of `kind`, and the graph (from outside) is unchanged. */
function rejects(fn: () => unknown, kind: JackErrorKind): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'an error').toBeInstanceOf(JackError);
  expect((caught as JackError).kind, String(caught)).toBe(kind);
  expect(lspGraph(server)).toBe(graphBefore);
}

/** `fn` throws a TypeError, and the graph is unchanged. */
function rejectsType(fn: () => unknown): void {
  expect(fn).toThrow(TypeError);
  expect(lspGraph(server)).toBe(graphBefore);
}

// Wrong types on purpose: the API must check at run time too.
// biome-ignore lint/suspicious/noExplicitAny: deliberately bypassing the types
const loose = (value: unknown): any => value;

describe('unknown ports', () => {
  it('connect, disconnect and lookups of a port that does not exist', () => {
    rejects(() => client.connect('err:out', 'nope:nope'), 'port-not-found');
    rejects(() => client.connect('nope:nope', 'err:in'), 'port-not-found');
    rejects(() => client.disconnect('err:out', 'nope:nope'), 'port-not-found');
    rejects(() => out.connect('nope:nope'), 'port-not-found');
    rejects(() => out.disconnect('nope:nope'), 'port-not-found');
    rejects(() => client.getPortByName('nope:nope'), 'port-not-found');
    // JACK would match '' against a port without aliases.
    rejects(() => client.getPortByName(''), 'port-not-found');
    rejects(() => client.connect('err:out', ''), 'port-not-found');
    expect(client.owns('')).toBe(false);
    rejects(() => client.getAllConnections('nope:nope'), 'port-not-found');
  });
});

describe('wrong connections', () => {
  it('audio to MIDI and MIDI to audio', () => {
    rejects(() => client.connect('err:out', 'pye:min'), 'incompatible-types');
    rejects(() => client.connect('pye:mout', 'err:in'), 'incompatible-types');
    rejects(() => out.connect('pye:min'), 'incompatible-types');
    rejects(() => midiOut.connect('pye:ain'), 'incompatible-types');
  });

  it('input to input and output to output', () => {
    rejects(() => client.connect('err:in', 'pye:ain'), 'wrong-direction');
    rejects(() => client.connect('pye:aout', 'err:out'), 'wrong-direction');
    rejects(() => client.connect('err:out', 'pye:aout'), 'wrong-direction');
    rejects(() => input.connect('pye:ain'), 'wrong-direction');
    rejects(() => out.connect('pye:aout'), 'wrong-direction');
  });

  it('connecting twice', async () => {
    await expect.poll(() => out.isConnectedTo('pye:ain'), { timeout: 5000 }).toBe(true);
    rejects(() => client.connect('err:out', 'pye:ain'), 'already-connected');
    rejects(() => out.connect('pye:ain'), 'already-connected');
    rejects(() => client.connect(out, client.getPortByName('pye:ain')), 'already-connected');
  });

  it('disconnecting what is not connected', () => {
    rejects(() => client.disconnect('err:out', 'system:playback_1'), 'failed');
  });
});

describe('names', () => {
  unlessPipeWire(it, 'duplicatePortNames')(
    'a duplicate short name, on register and on rename',
    () => {
      rejects(() => client.outports.register('out'), 'duplicate-name');
      rejects(() => client.inports.register('out'), 'duplicate-name');
      rejects(() => client.midiInports.register('in'), 'duplicate-name');
      rejects(() => {
        input.shortname = 'out';
      }, 'duplicate-name');
      expect(input.name).toBe('err:in');
      expect(client.inports.length).toBe(1);
      expect(client.outports.length).toBe(1);
    },
  );

  unlessPipeWire(it, 'longerNames')('port names longer than portNameSize() allows', () => {
    // portNameSize() counts the final NUL and JACK2 takes one byte less
    // still; it also cuts names in its requests to 256 bytes.
    const limit = Math.min(portNameSize() - 2, 256);
    const room = limit - 'err:'.length;
    rejects(() => client.outports.register('x'.repeat(room + 1)), 'name-too-long');
    rejects(() => client.outports.register('x'.repeat(portNameSize())), 'name-too-long');
    // Bytes count, not characters.
    rejects(() => client.outports.register('é'.repeat(Math.ceil((room + 1) / 2))), 'name-too-long');
    rejects(() => {
      out.shortname = 'y'.repeat(room + 1);
    }, 'name-too-long');
    rejects(() => out.setAlias('z'.repeat(limit + 1)), 'name-too-long');
    expect(out.name).toBe('err:out');
    // Exactly at the limit is fine (and undone at once).
    const longest = client.outports.register('w'.repeat(room));
    expect(Buffer.byteLength(longest.name)).toBe(limit);
    longest.shortname = 'v'.repeat(room);
    expect(longest.name).toBe(`err:${'v'.repeat(room)}`);
    longest.setAlias('a'.repeat(limit));
    expect(longest.aliases).toEqual(['a'.repeat(limit)]);
    longest.unregister();
  });

  it('client names longer than clientNameSize() allows', () => {
    const limit = clientNameSize() - 2;
    rejects(() => new Client('c'.repeat(limit + 1), { serverName: server.name }), 'name-too-long');
    rejects(
      () => new Client('c'.repeat(clientNameSize()), { serverName: server.name }),
      'name-too-long',
    );
    expect(() => client.getUuidForClientName('c'.repeat(limit))).toThrow(JackError);
    // At the limit a client opens.
    const longest = new Client('c'.repeat(limit), { serverName: server.name });
    try {
      expect(longest.name).toBe('c'.repeat(limit));
    } finally {
      longest.close();
    }
  });

  unlessPipeWire(it, 'aliasesFixed')(
    'more than two aliases, and unsetting an alias the port does not have',
    async () => {
      out.setAlias('err:second-alias');
      graphBefore = await settledGraph();
      try {
        rejects(() => out.setAlias('err:third-alias'), 'failed');
        rejects(() => out.unsetAlias('err:no-such-alias'), 'failed');
        expect(out.aliases).toEqual(['err:out-alias', 'err:second-alias']);
      } finally {
        out.unsetAlias('err:second-alias');
      }
    },
  );
});

describe('patterns', () => {
  it('an invalid POSIX regular expression', () => {
    for (const pattern of ['[', '(', 'a{2,1}', '*x', '[[:nonsense:]]'])
      rejects(() => client.getPorts(pattern), 'bad-regex');
  });
});

describe('wrong argument types', () => {
  it('numbers, objects and undefined where strings are expected', () => {
    for (const bad of [42, {}, undefined, null, ['err:out'], Symbol('x')]) {
      rejectsType(() => client.connect(loose(bad), 'pye:ain'));
      rejectsType(() => client.connect('err:out', loose(bad)));
      rejectsType(() => client.disconnect(loose(bad), 'pye:ain'));
      rejectsType(() => client.getPortByName(loose(bad)));
      rejectsType(() => client.getAllConnections(loose(bad)));
      rejectsType(() => client.owns(loose(bad)));
      rejectsType(() => client.getUuidForClientName(loose(bad)));
      rejectsType(() => client.getClientNameByUuid(loose(bad)));
      rejectsType(() => client.outports.register(loose(bad)));
      rejectsType(() => out.isConnectedTo(loose(bad)));
      rejectsType(() => out.setAlias(loose(bad)));
      rejectsType(() => out.unsetAlias(loose(bad)));
      rejectsType(() => {
        out.shortname = loose(bad);
      });
      rejectsType(() => new Client(loose(bad), { serverName: server.name }));
      if (bad !== undefined && bad !== null) {
        rejectsType(() => out.connect(loose(bad)));
        rejectsType(() => out.disconnect(loose(bad)));
        rejectsType(() => client.getPorts(loose(bad)));
        rejectsType(() => new Client('err-bad', { serverName: loose(bad) }));
        rejectsType(
          () => new Client('err-bad', { serverName: server.name, sessionId: loose(bad) }),
        );
      }
    }
    expect(out.name).toBe('err:out');
  });

  it('bad option objects and numbers', () => {
    rejectsType(() => client.getPorts('', loose('isAudio')));
    rejectsType(() => client.getPorts('', loose(null)));
    rejectsType(() => client.outports.register('ok-name', loose(5)));
    rejectsType(() => new Client('err-bad', loose('options')));
    rejectsType(() => {
      client.blocksize = loose('512');
    });
    rejectsType(() => {
      client.blocksize = 0;
    });
    rejectsType(() => {
      client.blocksize = 100.5;
    });
    rejectsType(() => out.getLatencyRange(loose('sideways')));
    rejectsType(() => out.setLatencyRange(loose('sideways'), { min: 1, max: 2 }));
    rejectsType(() => out.setLatencyRange('playback', { min: 5, max: 2 }));
    rejectsType(() => out.setLatencyRange('playback', loose({ min: -1, max: 2 })));
    rejectsType(() => out.setLatencyRange('playback', loose(null)));
    expect(client.blocksize).toBe(256);
  });

  it('empty names', () => {
    rejectsType(() => client.outports.register(''));
    rejectsType(() => {
      out.shortname = '';
    });
    rejectsType(() => out.setAlias(''));
    rejectsType(() => new Client('', { serverName: server.name }));
  });
});

describe('a closed client', () => {
  it('every method throws JackError kind "closed"; its ports too', async () => {
    const closed = new Client('err-closed', { serverName: server.name });
    const own = closed.outports.register('out');
    const midi = closed.midiInports.register('min');
    closed.activate();
    own.connect('pye:ain');
    const other = closed.getPortByName('pye:aout');
    closed.close();
    graphBefore = await settledGraph();
    const calls: Array<[string, () => unknown]> = [
      ['uuid', () => closed.uuid],
      ['samplerate', () => closed.samplerate],
      ['blocksize', () => closed.blocksize],
      [
        'blocksize =',
        () => {
          closed.blocksize = 512;
        },
      ],
      ['realtime', () => closed.realtime],
      ['framesSinceCycleStart', () => closed.framesSinceCycleStart],
      ['frameTime', () => closed.frameTime],
      ['lastFrameTime', () => closed.lastFrameTime],
      ['owns', () => closed.owns('err-closed:out')],
      ['activate', () => closed.activate()],
      ['deactivate', () => closed.deactivate()],
      ['cpuLoad', () => closed.cpuLoad()],
      ['connect', () => closed.connect('system:capture_1', 'pye:ain')],
      ['disconnect', () => closed.disconnect('err:out', 'pye:ain')],
      ['getPorts', () => closed.getPorts()],
      ['getPortByName', () => closed.getPortByName('system:capture_1')],
      ['getAllConnections', () => closed.getAllConnections('system:capture_1')],
      ['getUuidForClientName', () => closed.getUuidForClientName('err')],
      ['getClientNameByUuid', () => closed.getClientNameByUuid('1')],
      ['inports.register', () => closed.inports.register('new')],
      ['outports.clear', () => closed.outports.clear()],
      ['port.name', () => own.name],
      ['port.shortname', () => own.shortname],
      [
        'port.shortname =',
        () => {
          own.shortname = 'renamed';
        },
      ],
      ['port.aliases', () => own.aliases],
      ['port.setAlias', () => own.setAlias('err-closed:alias')],
      ['port.unsetAlias', () => own.unsetAlias('err-closed:alias')],
      ['port.uuid', () => own.uuid],
      ['port.requestMonitor', () => own.requestMonitor(true)],
      ['port.getLatencyRange', () => own.getLatencyRange('playback')],
      ['port.setLatencyRange', () => own.setLatencyRange('playback', { min: 1, max: 1 })],
      ['port.numberOfConnections', () => own.numberOfConnections],
      ['port.connections', () => own.connections],
      ['port.isConnectedTo', () => own.isConnectedTo('pye:ain')],
      ['port.connect', () => own.connect('pye:ain')],
      ['port.disconnect()', () => own.disconnect()],
      ['port.disconnect(other)', () => own.disconnect('pye:ain')],
      ['port.unregister', () => own.unregister()],
      ['midi.unregister', () => midi.unregister()],
      ['other.name', () => other.name],
      ['other.aliases', () => other.aliases],
      ['other.uuid', () => other.uuid],
      ['other.getLatencyRange', () => other.getLatencyRange('capture')],
    ];
    for (const [what, fn] of calls) {
      let caught: unknown;
      try {
        fn();
      } catch (error) {
        caught = error;
      }
      expect(caught, what).toBeInstanceOf(JackError);
      expect((caught as JackError).kind, what).toBe('closed');
    }
    expect(lspGraph(server)).toBe(graphBefore);
    // What does not need the server still answers.
    expect(closed.name).toBe('err-closed');
    expect(closed.closed).toBe(true);
    expect(own.type).toBe('32 bit float mono audio');
    expect(own.isOutput).toBe(true);
    // Closing again is harmless.
    closed.close();
    closed[Symbol.dispose]();
  });
});

describe('unregistered ports', () => {
  it('throw JackError kind "closed" and change nothing', async () => {
    const port = client.outports.register('gone');
    port.connect('pye:ain');
    port.unregister();
    graphBefore = await settledGraph();
    rejects(() => port.unregister(), 'closed');
    rejects(() => port.connect('pye:ain'), 'closed');
    rejects(() => port.disconnect(), 'closed');
    rejects(() => port.numberOfConnections, 'closed');
    rejects(() => port.connections, 'closed');
    rejects(() => port.isConnectedTo('pye:ain'), 'closed');
    rejects(() => port.setLatencyRange('playback', { min: 1, max: 1 }), 'closed');
    expect(client.owns(port)).toBe(false);
  });
});
