// Notification callbacks: each event through its setXCallback (the Python
// module's signature) and through client.on(), caused by us and by peers, and
// the rules around them: JS thread only, never inside a libjack call, settable
// after activate(), CallbackExit, exceptions, replacement and removal.
import { isMainThread } from 'node:worker_threads';
import {
  devicePorts,
  type JackServer,
  jackTool,
  type LongPeer,
  lockMetadata,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  python,
  pythonPeer,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CallbackExit,
  Client,
  type ClientEvent,
  type ClientEvents,
  JackError,
  type Listener,
  METADATA_PRETTY_NAME,
  OwnPort,
  Port,
  PROPERTY_CHANGED,
  PROPERTY_CREATED,
  PROPERTY_DELETED,
  Status,
} from '../lib/index.js';

// Not jackd's defaults, so values hard-coded in the library cannot pass.
const RATE = 44100;
const PERIOD = 256;
const WAIT = 10000;
const [PLAYBACK] = devicePorts().playback;

let server: JackServer;
const opened: Client[] = [];
const peers: LongPeer[] = [];

function open(name: string): Client {
  const client = new Client(name, { serverName: server.name });
  opened.push(client);
  return client;
}

// Set while our code is inside a call into libjack, so a listener can prove
// it never runs re-entrantly from inside one.
let insideJack = 0;
function jackCall<T>(fn: () => T): T {
  insideJack++;
  try {
    return fn();
  } finally {
    insideJack--;
  }
}

interface Call<E extends ClientEvent> {
  args: ClientEvents[E];
  reentrant: boolean;
  mainThread: boolean;
}

/** A listener that records its calls and the context of each. */
function recorder<E extends ClientEvent>(_event: E) {
  const calls: Call<E>[] = [];
  const fn = ((...args: ClientEvents[E]) => {
    calls.push({ args, reentrant: insideJack > 0, mainThread: isMainThread });
  }) as Listener<E>;
  return {
    fn,
    calls,
    get args(): ClientEvents[E][] {
      return calls.map((call) => call.args);
    },
  };
}

function expectJsThread(calls: Array<{ reentrant: boolean; mainThread: boolean }>): void {
  for (const call of calls) {
    expect(call.reentrant).toBe(false);
    expect(call.mainThread).toBe(true);
  }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

/** A Python client driven line by line: register/rename/unregister ports, set metadata. */
async function startPeer(name: string): Promise<LongPeer> {
  const peer = pythonPeer(
    server,
    `
c = jack.Client(${JSON.stringify(name)}, no_start_server=True)
ports = {}
c.activate()
print('ready')
for line in sys.stdin:
    cmd, *args = line.split()
    if cmd == 'register':
        ports[args[0]] = c.outports.register(args[0])
    elif cmd == 'rename':
        ports[args[0]].shortname = args[1]
    elif cmd == 'unregister':
        ports.pop(args[0]).unregister()
    elif cmd == 'pretty':
        c.set_property(c, jack.METADATA_PRETTY_NAME, args[0])
    print('ok')
`,
  );
  peers.push(peer);
  expect(await peer.line()).toBe('ready');
  return peer;
}

async function command(peer: LongPeer, text: string): Promise<void> {
  peer.send(text);
  expect(await peer.line()).toBe('ok');
}

// Metadata is one store for all of a user's JACK servers: hold the lock.
let unlockMetadata: (() => void) | undefined;
beforeAll(async () => {
  unlockMetadata = await lockMetadata();
  server = await startJackServer({ rate: RATE, period: PERIOD, startTimeoutMs: PATIENT_START_MS });
}, PATIENT_TIMEOUT);
afterEach(async () => {
  vi.restoreAllMocks();
  for (const client of opened.splice(0)) client.close();
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
});
afterAll(async () => {
  unlockMetadata?.();
  await server?.stop();
});

describe('each notification, as setXCallback and as on()', () => {
  it('samplerate: called at activation with the server rate', async () => {
    const client = open('cb-rate');
    const slot = recorder('samplerate');
    const listener = recorder('samplerate');
    client.setSamplerateCallback(slot.fn);
    client.on('samplerate', listener.fn);
    jackCall(() => client.activate());
    // Delivery is asynchronous: nothing arrives inside activate().
    expect(slot.calls).toHaveLength(0);
    await waitFor(() => slot.calls.length > 0 && listener.calls.length > 0, WAIT, 'samplerate');
    expect(slot.args[0]).toEqual([RATE]);
    expect(listener.args[0]).toEqual([RATE]);
    expectJsThread([...slot.calls, ...listener.calls]);
  });

  it('blocksize: called with the new period size, even when set after activate()', async () => {
    const client = open('cb-blocksize');
    jackCall(() => client.activate());
    const slot = recorder('blocksize');
    const listener = recorder('blocksize');
    client.setBlocksizeCallback(slot.fn);
    client.on('blocksize', listener.fn);
    // JACK2 also reports the current size at activation.
    const changed = (calls: { args: [number] }[]) =>
      calls.filter(({ args: [frames] }) => frames !== PERIOD).map(({ args }) => args);
    try {
      const before = slot.calls.length;
      jackCall(() => {
        client.blocksize = PERIOD * 2;
      });
      expect(slot.calls).toHaveLength(before);
      await waitFor(
        () => changed(slot.calls).length > 0 && changed(listener.calls).length > 0,
        WAIT,
        'blocksize',
      );
      expect(changed(slot.calls)).toEqual([[PERIOD * 2]]);
      expect(changed(listener.calls)).toEqual([[PERIOD * 2]]);
    } finally {
      client.blocksize = PERIOD;
    }
    await waitFor(() => slot.args.at(-1)?.[0] === PERIOD, WAIT, 'blocksize back');
    expectJsThread([...slot.calls, ...listener.calls]);
  });

  it('freewheel: called with true when it starts and false when it stops', async () => {
    const client = open('cb-freewheel');
    const slot = recorder('freewheel');
    const listener = recorder('freewheel');
    client.setFreewheelCallback(slot.fn);
    client.on('freewheel', listener.fn);
    jackCall(() => client.activate());
    try {
      jackCall(() => client.setFreewheel(true));
      await waitFor(() => slot.calls.length >= 1 && listener.calls.length >= 1, WAIT, 'start');
    } finally {
      jackCall(() => client.setFreewheel(false));
    }
    await waitFor(() => slot.calls.length >= 2 && listener.calls.length >= 2, WAIT, 'stop');
    expect(slot.args).toEqual([[true], [false]]);
    expect(listener.args).toEqual([[true], [false]]);
    expectJsThread([...slot.calls, ...listener.calls]);
  });

  it('clientRegistration: a Python client opening and closing', async () => {
    const client = open('cb-clients');
    jackCall(() => client.activate());
    // Set after activate(): libjack would refuse, we must not.
    const slot = recorder('clientRegistration');
    const listener = recorder('clientRegistration');
    client.setClientRegistrationCallback(slot.fn);
    client.on('clientRegistration', listener.fn);
    python(server, "c = jack.Client('cb-visitor', no_start_server=True)\nc.close()");
    const expected = [
      ['cb-visitor', true],
      ['cb-visitor', false],
    ];
    await waitFor(() => slot.calls.length >= 2 && listener.calls.length >= 2, WAIT, 'visitor');
    expect(slot.args).toEqual(expected);
    expect(listener.args).toEqual(expected);
    expectJsThread([...slot.calls, ...listener.calls]);
  });

  it("portRegistration: a peer's port and our own, as the same Port objects", async () => {
    const client = open('cb-portreg');
    jackCall(() => client.activate());
    const slot = recorder('portRegistration');
    const listener = recorder('portRegistration');
    const everything = recorder('portRegistration');
    client.setPortRegistrationCallback(slot.fn);
    client.on('portRegistration', listener.fn);
    client.on('portRegistration', everything.fn, { onlyAvailable: false });

    const peer = await startPeer('cb-regpeer');
    await command(peer, 'register out1');
    await waitFor(() => slot.calls.length >= 1 && listener.calls.length >= 1, WAIT, 'register');
    const [port, registered] = slot.args[0] ?? [];
    expect(port).toBeInstanceOf(Port);
    expect(port).not.toBeInstanceOf(OwnPort);
    expect(port?.name).toBe('cb-regpeer:out1');
    expect(port?.isOutput).toBe(true);
    expect(registered).toBe(true);
    expect(listener.args[0]?.[0]).toBe(port);

    await command(peer, 'unregister out1');
    await waitFor(() => everything.calls.length >= 2, WAIT, 'unregister');
    // JACK2 still describes a port in its unregistration; a library that
    // cannot gets null here, and the onlyAvailable listeners are skipped.
    const [gone, stillRegistered] = everything.args[1] ?? [];
    expect(stillRegistered).toBe(false);
    if (gone !== null) {
      expect(gone).toBe(port);
      await waitFor(() => slot.calls.length >= 2, WAIT, 'unregister (slot)');
      expect(slot.args[1]).toEqual([port, false]);
    }

    const before = slot.calls.length;
    const own = jackCall(() => client.outports.register('mine'));
    expect(slot.calls).toHaveLength(before);
    await waitFor(() => slot.args.some(([p]) => p === own), WAIT, 'own port');
    expect(slot.args.at(-1)).toEqual([own, true]);
    expectJsThread([...slot.calls, ...listener.calls, ...everything.calls]);
  });

  it('portConnect and graphOrder: connections we make and jack_connect makes', async () => {
    const client = open('cb-connect');
    const out = client.outports.register('out');
    const inp = client.inports.register('in');
    jackCall(() => client.activate());
    const slot = recorder('portConnect');
    const listener = recorder('portConnect');
    const graph = recorder('graphOrder');
    const graphSlot = recorder('graphOrder');
    client.setPortConnectCallback(slot.fn);
    client.on('portConnect', listener.fn);
    client.on('graphOrder', graph.fn);
    client.setGraphOrderCallback(graphSlot.fn);

    jackCall(() => client.connect(out, inp));
    expect(slot.calls).toHaveLength(0);
    await waitFor(() => slot.calls.length >= 1 && listener.calls.length >= 1, WAIT, 'connect');
    expect(slot.args[0]).toEqual([out, inp, true]);
    expect(slot.args[0]?.[0]).toBe(out);
    expect(slot.args[0]?.[1]).toBe(inp);
    expect(listener.args[0]).toEqual(slot.args[0]);
    await waitFor(() => graph.calls.length >= 1 && graphSlot.calls.length >= 1, WAIT, 'graph');
    expect(graph.args[0]).toEqual([]);

    jackCall(() => client.disconnect(out, inp));
    await waitFor(() => slot.calls.length >= 2, WAIT, 'disconnect');
    expect(slot.args[1]).toEqual([out, inp, false]);

    // To a device's physical input (JACK2's system:playback_1, PipeWire's nullsink:playback_FL).
    jackTool(server, 'jack_connect', ['cb-connect:out', PLAYBACK]);
    await waitFor(() => slot.calls.length >= 3, WAIT, 'jack_connect');
    const [a, b, connected] = slot.args[2] ?? [];
    expect(a).toBe(out);
    expect(b?.name).toBe(PLAYBACK);
    expect(b?.isPhysical).toBe(true);
    expect(connected).toBe(true);
    expectJsThread([...slot.calls, ...listener.calls, ...graph.calls, ...graphSlot.calls]);
  });

  unlessPipeWire(it, 'renameLogsOnly')(
    "portRename: our rename and a peer's, with the old and new full names",
    async () => {
      const client = open('cb-rename');
      const mine = client.outports.register('before');
      jackCall(() => client.activate());
      const slot = recorder('portRename');
      const listener = recorder('portRename');
      client.setPortRenameCallback(slot.fn);
      client.on('portRename', listener.fn, { onlyAvailable: false });

      jackCall(() => {
        mine.shortname = 'after';
      });
      expect(slot.calls).toHaveLength(0);
      await waitFor(() => slot.calls.length >= 1 && listener.calls.length >= 1, WAIT, 'own rename');
      expect(slot.args[0]).toEqual([mine, 'cb-rename:before', 'cb-rename:after']);
      expect(slot.args[0]?.[0]).toBe(mine);
      expect(listener.args[0]).toEqual(slot.args[0]);

      const peer = await startPeer('cb-renpeer');
      await command(peer, 'register old');
      const theirs = client.getPortByName('cb-renpeer:old');
      await command(peer, 'rename old new');
      await waitFor(() => slot.calls.length >= 2, WAIT, 'peer rename');
      expect(slot.args[1]).toEqual([theirs, 'cb-renpeer:old', 'cb-renpeer:new']);
      expect(slot.args[1]?.[0]).toBe(theirs);
      expect(theirs.name).toBe('cb-renpeer:new');
      expectJsThread([...slot.calls, ...listener.calls]);
    },
  );

  unlessPipeWire(it, 'xrunsNotReported')(
    'xrun: a peer that sleeps in its process callback causes xruns with their delay',
    async () => {
      const client = open('cb-xrun');
      const slot = recorder('xrun');
      const listener = recorder('xrun');
      client.setXrunCallback(slot.fn);
      client.on('xrun', listener.fn);
      jackCall(() => client.activate());
      const sleepy = pythonPeer(
        server,
        `
c = jack.Client('cb-sleepy', no_start_server=True)
@c.set_process_callback
def process(frames):
    time.sleep(0.03)
c.activate()
print('ready')
sys.stdin.readline()
`,
      );
      peers.push(sleepy);
      expect(await sleepy.line()).toBe('ready');
      await waitFor(() => slot.calls.length >= 3 && listener.calls.length >= 3, WAIT, 'xruns');
      await sleepy.stop();
      for (const [delay] of slot.args) {
        expect(typeof delay).toBe('number');
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
      }
      expectJsThread([...slot.calls, ...listener.calls]);
    },
  );

  unlessPipeWire(it, 'metadataDiffers')(
    'propertyChange: created, changed and deleted, by us and by a peer',
    async () => {
      const client = open('cb-props');
      jackCall(() => client.activate());
      const slot = recorder('propertyChange');
      const listener = recorder('propertyChange');
      client.setPropertyChangeCallback(slot.fn);
      client.on('propertyChange', listener.fn);
      const uuid = client.uuid;

      jackCall(() => client.setProperty(client, 'urn:jackbay:test', 'one'));
      expect(slot.calls).toHaveLength(0);
      await waitFor(() => slot.calls.length >= 1, WAIT, 'created');
      jackCall(() => client.setProperty(client, 'urn:jackbay:test', 'two'));
      await waitFor(() => slot.calls.length >= 2, WAIT, 'changed');
      jackCall(() => client.removeProperty(client, 'urn:jackbay:test'));
      await waitFor(() => slot.calls.length >= 3 && listener.calls.length >= 3, WAIT, 'deleted');
      expect(slot.args.slice(0, 3)).toEqual([
        [uuid, 'urn:jackbay:test', PROPERTY_CREATED],
        [uuid, 'urn:jackbay:test', PROPERTY_CHANGED],
        [uuid, 'urn:jackbay:test', PROPERTY_DELETED],
      ]);
      expect(listener.args.slice(0, 3)).toEqual(slot.args.slice(0, 3));

      const peer = await startPeer('cb-proppeer');
      const peerUuid = client.getUuidForClientName('cb-proppeer');
      await command(peer, 'pretty Shiny');
      await waitFor(() => slot.args.some(([subject]) => subject === peerUuid), WAIT, 'peer');
      expect(slot.args.find(([subject]) => subject === peerUuid)).toEqual([
        peerUuid,
        METADATA_PRETTY_NAME,
        PROPERTY_CREATED,
      ]);
      expectJsThread([...slot.calls, ...listener.calls]);
    },
  );
});

describe('callback rules', () => {
  // Registering our own ports is a quick event that needs no peer.
  async function registerAndWait(client: Client, name: string, seen: () => number): Promise<void> {
    const before = seen();
    client.outports.register(name);
    await waitFor(() => seen() > before, WAIT, `registration of ${name}`);
  }

  it('a callback that throws CallbackExit gets no more calls; others go on', async () => {
    const client = open('cb-exit');
    jackCall(() => client.activate());
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    let slotCalls = 0;
    let onCalls = 0;
    const steady = recorder('portRegistration');
    client.setPortRegistrationCallback(() => {
      slotCalls++;
      throw new CallbackExit();
    });
    client.on('portRegistration', () => {
      onCalls++;
      throw new CallbackExit();
    });
    client.on('portRegistration', steady.fn);

    await registerAndWait(client, 'one', () => steady.calls.length);
    await registerAndWait(client, 'two', () => steady.calls.length);
    expect([slotCalls, onCalls, steady.calls.length]).toEqual([1, 1, 2]);
    expect(error).not.toHaveBeenCalled();
  });

  it('another exception is printed to stderr and breaks neither itself nor other listeners', async () => {
    const client = open('cb-throw');
    jackCall(() => client.activate());
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    let throws = 0;
    const steady = recorder('portRegistration');
    client.on('portRegistration', () => {
      throws++;
      throw new Error('listener boom');
    });
    client.on('portRegistration', steady.fn);

    await registerAndWait(client, 'one', () => steady.calls.length);
    await registerAndWait(client, 'two', () => steady.calls.length);
    expect(throws).toBe(2);
    expect(steady.calls).toHaveLength(2);
    expect(error).toHaveBeenCalledTimes(2);
    const printed = error.mock.calls[0]?.map(String).join(' ');
    expect(printed).toContain('portRegistration');
    expect(printed).toContain('listener boom');
  });

  it('a new setXCallback replaces the old one, null removes it, off() removes a listener', async () => {
    const client = open('cb-replace');
    jackCall(() => client.activate());
    const first = recorder('portRegistration');
    const second = recorder('portRegistration');
    const viaOn = recorder('portRegistration');
    const witness = recorder('portRegistration');
    client.on('portRegistration', witness.fn);
    client.setPortRegistrationCallback(first.fn);
    client.on('portRegistration', viaOn.fn);

    await registerAndWait(client, 'a', () => witness.calls.length);
    client.setPortRegistrationCallback(second.fn);
    await registerAndWait(client, 'b', () => witness.calls.length);
    client.setPortRegistrationCallback(null);
    await registerAndWait(client, 'c', () => witness.calls.length);
    client.off('portRegistration', viaOn.fn);
    // Removing what is not there changes nothing.
    client.off('portRegistration', first.fn);
    await registerAndWait(client, 'd', () => witness.calls.length);

    const names = (calls: { args: ClientEvents['portRegistration'] }[]) =>
      calls.map(({ args: [port] }) => port?.name);
    expect(names(first.calls)).toEqual(['cb-replace:a']);
    expect(names(second.calls)).toEqual(['cb-replace:b']);
    // setXCallback(null) leaves on() listeners alone.
    expect(names(viaOn.calls)).toEqual(['cb-replace:a', 'cb-replace:b', 'cb-replace:c']);
    expect(names(witness.calls)).toEqual([
      'cb-replace:a',
      'cb-replace:b',
      'cb-replace:c',
      'cb-replace:d',
    ]);
  });

  it('rejects unknown events and non-function callbacks with TypeError', () => {
    const client = open('cb-args');
    const fn = () => {};
    expect(() => client.on('nonsense' as ClientEvent, fn)).toThrow(TypeError);
    expect(() => client.off('nonsense' as ClientEvent, fn)).toThrow(TypeError);
    expect(() => client.on('xrun', 42 as unknown as Listener<'xrun'>)).toThrow(TypeError);
    expect(() => client.setXrunCallback('x' as unknown as Listener<'xrun'>)).toThrow(TypeError);
    expect(() => client.setShutdownCallback({} as unknown as Listener<'shutdown'>)).toThrow(
      TypeError,
    );
  });
});

describe('shutdown', () => {
  unlessPipeWire(it, 'noShutdownNotice')(
    'reports status and reason; port events after it give null to onlyAvailable=false',
    async () => {
      // Last in the file: it stops this file's server.
      {
        const client = open('cb-doomed');
        const out = client.outports.register('out');
        const slot = recorder('shutdown');
        const listener = recorder('shutdown');
        client.setShutdownCallback(slot.fn);
        client.on('shutdown', listener.fn);
        const available = recorder('portRegistration');
        const all = recorder('portRegistration');
        const connectAvailable = recorder('portConnect');
        const connectAll = recorder('portConnect');
        client.on('portRegistration', available.fn);
        client.setPortRegistrationCallback(all.fn, false);
        client.setPortConnectCallback(connectAvailable.fn, true);
        client.on('portConnect', connectAll.fn, { onlyAvailable: false });
        client.activate();
        client.connect(out, PLAYBACK);
        await waitFor(() => connectAll.calls.length >= 1, WAIT, 'connect before shutdown');
        const registeredBefore = available.calls.length;

        await server.stop();
        await waitFor(
          () => slot.calls.length === 1 && listener.calls.length === 1,
          WAIT,
          'shutdown',
        );
        const [status, reason] = slot.args[0] ?? [];
        expect(status).toBeInstanceOf(Status);
        expect(status?.failure).toBe(true);
        expect(status?.serverError).toBe(true);
        expect(reason).toMatch(/closed/i);
        expect(listener.args[0]).toEqual(slot.args[0]);
        const later = thrown(() => client.transportFrame);
        expect(later).toBeInstanceOf(JackError);
        expect((later as JackError).kind).toBe('shutdown');

        // JACK2 tells the shutdown first, then unregisters the system ports and
        // our own: by then no port is available.
        await waitFor(() => all.args.some(([port]) => port === null), WAIT, 'null port');
        await waitFor(
          () => connectAll.args.some(([a, b]) => a === null && b === null),
          WAIT,
          'null',
        );
        expect(available.args.slice(registeredBefore)).toEqual([]);
        expect(available.args.every(([port]) => port instanceof Port)).toBe(true);
        expect(connectAvailable.args.every(([a, b]) => a !== null && b !== null)).toBe(true);
        expect(all.args.filter(([port]) => port === null).every(([, reg]) => reg === false)).toBe(
          true,
        );
        expectJsThread([...slot.calls, ...listener.calls, ...all.calls, ...connectAll.calls]);
      }
    },
  );
});
