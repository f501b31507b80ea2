// Port objects: names, renames, aliases, type, UUID, flags, monitoring and
// latency, for our own ports and for ports of other clients, checked from
// outside with jack_lsp and the Python `jack` module.

import {
  devicePorts,
  type JackServer,
  onPipeWire,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIO_TYPE,
  Client,
  JackError,
  MIDI_TYPE,
  MidiPort,
  OwnMidiPort,
  OwnPort,
  PORT_CAN_MONITOR,
  PORT_IS_INPUT,
  PORT_IS_OUTPUT,
  PORT_IS_PHYSICAL,
  PORT_IS_TERMINAL,
  Port,
} from '../lib/index.js';
import { lspAliases, lspNames, pythonPorts, tool } from './fixtures/graph.js';
import { type PyExec, startPyExec } from './fixtures/py-exec.js';

let server: JackServer;
let peer: PyExec;
const open = clientOpener((name: string) => new Client(name, { serverName: server.name }));

beforeAll(async () => {
  server = await startJackServer();
  peer = await startPyExec(server, 'pyp');
  // The peer's ports: audio and MIDI, one of each direction, and one that can monitor.
  await peer.run(`
ain = c.inports.register('ain')
aout = c.outports.register('aout')
min = c.midi_inports.register('min')
mout = c.midi_outports.register('mout', is_terminal=True)
jack._lib.jack_port_register(c._ptr, b'mon', jack._AUDIO,
    jack._lib.JackPortIsInput | jack._lib.JackPortCanMonitor, 0)`);
});
afterAll(async () => {
  await peer?.stop();
  await server.stop();
});

/** Latency ranges as `jack_lsp -l` prints them. */
function lspLatency(name: string): { capture: [number, number]; playback: [number, number] } {
  const text = tool(server, 'jack_lsp', ['-l', name]);
  const range = (mode: string): [number, number] => {
    const match = new RegExp(`port ${mode} latency = \\[ (\\d+) (\\d+) \\]`).exec(text);
    if (!match) throw new Error(`no ${mode} latency in: ${text}`);
    return [Number(match[1]), Number(match[2])];
  };
  return { capture: range('capture'), playback: range('playback') };
}

describe('names', () => {
  it('name and shortname of own and other ports', () => {
    const client = open('pn');
    const port = client.outports.register('out_a');
    expect(port.name).toBe('pn:out_a');
    expect(port.shortname).toBe('out_a');
    const peerPort = client.getPortByName('pyp:mout');
    expect(peerPort.name).toBe('pyp:mout');
    expect(peerPort.shortname).toBe('mout');
    // A device port: system:playback_2 on JACK2, nullsink:playback_FR on PipeWire.
    const [, device] = devicePorts().playback;
    expect(client.getPortByName(device).shortname).toBe(device.split(':')[1]);
  });

  it('a rename is made, or refused as unsupported where the server keeps names (PipeWire)', () => {
    const client = open('pnot');
    const port = client.inports.register('before');
    client.activate();
    const rename = () => {
      port.shortname = 'after';
    };
    const [kept, gone] = onPipeWire() ? ['before', 'after'] : ['after', 'before'];
    if (onPipeWire()) expect(rename).toThrow(expect.objectContaining({ kind: 'unsupported' }));
    else rename();
    expect(port.name).toBe(`pnot:${kept}`);
    expect(lspNames(server)).toContain(`pnot:${kept}`);
    expect(lspNames(server)).not.toContain(`pnot:${gone}`);
  });

  for (const active of [false, true]) {
    unlessPipeWire(it, 'renameLogsOnly')(
      `renaming an own port (${active ? 'active' : 'inactive'} client) is seen by jack_lsp and Python`,
      async () => {
        const client = open(`pren${active ? 'a' : 'i'}`);
        const prefix = client.name;
        const port = client.inports.register('before');
        if (active) client.activate();
        port.shortname = 'after';
        expect(port.shortname).toBe('after');
        expect(port.name).toBe(`${prefix}:after`);
        const names = lspNames(server);
        expect(names).toContain(`${prefix}:after`);
        expect(names).not.toContain(`${prefix}:before`);
        const seen = await peer.run<[string, boolean]>(`
p = c.get_port_by_name('${prefix}:after')
try:
    c.get_port_by_name('${prefix}:before')
    old = True
except jack.JackError:
    old = False
result = [p.shortname, old]`);
        expect(seen).toEqual(['after', false]);
        // The same object under its new name; the old name is gone.
        expect(client.getPortByName(`${prefix}:after`)).toBe(port);
        expect(() => client.getPortByName(`${prefix}:before`)).toThrow(JackError);
        expect(client.inports[0]).toBe(port);
      },
    );

    unlessPipeWire(it, 'renameLogsOnly')(
      `a rename by the Python peer is seen by us (${active ? 'active' : 'inactive'} client)`,
      async () => {
        const client = open(`pobs${active ? 'a' : 'i'}`);
        if (active) client.activate();
        const short = `tmp_${active ? 'a' : 'i'}`;
        await peer.run(`tmp = c.outports.register('${short}')`);
        const port = client.getPortByName(`pyp:${short}`);
        await peer.run(`tmp.shortname = '${short}_renamed'`);
        await waitFor(() => port.name === `pyp:${short}_renamed`, 3000, 'rename to be seen');
        expect(port.shortname).toBe(`${short}_renamed`);
        expect(client.getPortByName(`pyp:${short}_renamed`)).toBe(port);
        expect(() => client.getPortByName(`pyp:${short}`)).toThrow(JackError);
        await peer.run('tmp.unregister()');
      },
    );
  }
});

describe('aliases', () => {
  unlessPipeWire(it, 'aliasesFixed')(
    'setAlias/unsetAlias on our port are seen by jack_lsp -A and Python',
    async () => {
      const client = open('pal');
      const port = client.outports.register('out');
      expect(port.aliases).toEqual([]);
      port.setAlias('first alias');
      port.setAlias('pal:second');
      expect(port.aliases).toEqual(['first alias', 'pal:second']);
      expect(lspAliases(server).get('pal:out')).toEqual(['first alias', 'pal:second']);
      expect(await peer.run(`result = c.get_port_by_name('pal:out').aliases`)).toEqual([
        'first alias',
        'pal:second',
      ]);
      port.unsetAlias('pal:second');
      expect(port.aliases).toEqual(['first alias']);
      expect(lspAliases(server).get('pal:out')).toEqual(['first alias']);
      expect(await peer.run(`result = c.get_port_by_name('pal:out').aliases`)).toEqual([
        'first alias',
      ]);
      port.setAlias('pal:second');
      // Unsetting the first alias leaves the second in JACK's second slot
      // (jack_lsp -A mishandles that case, the Python module does not).
      port.unsetAlias('first alias');
      expect(port.aliases).toEqual(['pal:second']);
      expect(await peer.run(`result = c.get_port_by_name('pal:out').aliases`)).toEqual([
        'pal:second',
      ]);
      expect(tool(server, 'jack_lsp', ['-A'])).not.toContain('first alias');
      // Ports can be found by alias, as libjack's jack_port_by_name allows.
      expect(client.getPortByName('pal:second')).toBe(port);
    },
  );

  unlessPipeWire(it, 'aliasesFixed')('aliases set by the Python peer are seen by us', async () => {
    const client = open('pal2');
    const port = client.getPortByName('pyp:ain');
    await peer.run(`ain.set_alias('python alias')`);
    expect(port.aliases).toEqual(['python alias']);
    await peer.run(`ain.unset_alias('python alias')`);
    expect(port.aliases).toEqual([]);
  });

  it('device ports have the driver’s aliases', () => {
    const client = open('pal3');
    const {
      capture: [capture],
      playback: [, playback],
    } = devicePorts();
    for (const name of [capture, playback])
      expect(client.getPortByName(name).aliases).toEqual(lspAliases(server).get(name));
    expect(client.getPortByName(capture).aliases.length).toBeGreaterThan(0);
  });
});

describe('type, UUID and flags', () => {
  it('type strings match jack_lsp -t', () => {
    const client = open('pty');
    const audio = client.outports.register('a');
    const midi = client.midiInports.register('m');
    expect(audio.type).toBe(AUDIO_TYPE);
    expect(midi.type).toBe(MIDI_TYPE);
    expect(AUDIO_TYPE).toBe('32 bit float mono audio');
    expect(MIDI_TYPE).toBe('8 bit raw midi');
    const text = tool(server, 'jack_lsp', ['-t']);
    for (const port of client.getPorts()) expect(text).toContain(`${port.name}\n\t${port.type}\n`);
  });

  it('every port agrees with the Python module: UUID, shortname, aliases and flag getters', () => {
    const client = open('pfl');
    client.inports.register('in', { isTerminal: true });
    client.outports.register('out', { isPhysical: true });
    client.midiOutports.register('mout');
    const theirs = pythonPorts(server);
    const ours = client.getPorts();
    expect(ours.map((p) => p.name).sort()).toEqual(
      [...theirs.keys()].filter((name) => !name.startsWith('pyview')).sort(),
    );
    for (const port of ours) {
      const py = theirs.get(port.name);
      expect(py, port.name).toBeDefined();
      if (!py) continue;
      expect(
        {
          uuid: port.uuid,
          shortname: port.shortname,
          aliases: port.aliases,
          isAudio: port.isAudio,
          isMidi: port.isMidi,
          isInput: port.isInput,
          isOutput: port.isOutput,
          isPhysical: port.isPhysical,
          canMonitor: port.canMonitor,
          isTerminal: port.isTerminal,
        },
        port.name,
      ).toEqual({
        uuid: py.uuid,
        shortname: py.shortname,
        aliases: py.aliases,
        // The Python module's Port says is_audio for every non-MIDI port.
        isAudio: py.isAudio && !py.isMidi,
        isMidi: py.isMidi,
        isInput: py.isInput,
        isOutput: py.isOutput,
        isPhysical: py.isPhysical,
        canMonitor: py.canMonitor,
        isTerminal: py.isTerminal,
      });
    }
    // Different ports, different UUIDs.
    expect(new Set(ours.map((p) => p.uuid)).size).toBe(ours.length);
  });

  unlessPipeWire(it, 'portFlagsDiffer')('raw flags match jack_lsp -p', () => {
    const client = open('praw');
    client.inports.register('in', { isTerminal: true, isPhysical: true });
    const bits: Array<[string, number]> = [
      ['input', PORT_IS_INPUT],
      ['output', PORT_IS_OUTPUT],
      ['physical', PORT_IS_PHYSICAL],
      ['can-monitor', PORT_CAN_MONITOR],
      ['terminal', PORT_IS_TERMINAL],
    ];
    const text = tool(server, 'jack_lsp', ['-p']);
    const seenBits = new Set<number>();
    for (const port of client.getPorts()) {
      const match = new RegExp(`^${port.name}\\n\\s+properties: ([a-z,-]*)`, 'm').exec(text);
      expect(match, port.name).not.toBeNull();
      const words = (match?.[1] ?? '').split(',').filter(Boolean);
      const expected = bits
        .filter(([word]) => words.includes(word))
        .reduce((sum, [, bit]) => sum | bit, 0);
      expect(port.flags, port.name).toBe(expected);
      seenBits.add(port.flags);
    }
    // The comparison covered ports with different flags, can-monitor included.
    expect(client.getPortByName('pyp:mon').flags).toBe(PORT_IS_INPUT | PORT_CAN_MONITOR);
    expect(client.getPortByName('praw:in').flags).toBe(
      PORT_IS_INPUT | PORT_IS_PHYSICAL | PORT_IS_TERMINAL,
    );
    expect(seenBits.size).toBeGreaterThan(3);
  });
});

describe('classes', () => {
  it('picks Port, MidiPort, OwnPort and OwnMidiPort by type and owner', () => {
    const client = open('pcls');
    const ownAudio = client.outports.register('a');
    const ownMidi = client.midiOutports.register('m');
    const peerAudio = client.getPortByName('pyp:aout');
    const peerMidi = client.getPortByName('pyp:mout');
    expect(ownAudio).toBeInstanceOf(OwnPort);
    expect(ownAudio).not.toBeInstanceOf(MidiPort);
    expect(ownMidi).toBeInstanceOf(OwnMidiPort);
    expect(ownMidi).toBeInstanceOf(OwnPort);
    expect(ownMidi).toBeInstanceOf(MidiPort);
    expect(peerAudio).toBeInstanceOf(Port);
    expect(peerAudio).not.toBeInstanceOf(OwnPort);
    expect(peerAudio).not.toBeInstanceOf(MidiPort);
    expect(peerMidi).toBeInstanceOf(MidiPort);
    expect(peerMidi).not.toBeInstanceOf(OwnPort);
    expect(peerMidi.isMidi && !peerMidi.isAudio).toBe(true);
    // Ports of another client of ours are not own ports of this one.
    const other = open('pcls2');
    expect(other.getPortByName('pcls:a')).not.toBeInstanceOf(OwnPort);
    expect(String(ownAudio)).toContain('pcls:a');
  });
});

describe('monitoring', () => {
  unlessPipeWire(it, 'noMonitorFlag')(
    'requestMonitor counts requests that another process sees',
    async () => {
      const client = open('pmon');
      const port = client.getPortByName('pyp:mon');
      expect(port.canMonitor).toBe(true);
      // libjack's jack_port_monitoring_input, called by the Python process
      // through ctypes: the Python module itself has no getter for it.
      const monitoring = () =>
        peer.run<number>(`
import ctypes
lib = ctypes.CDLL('libjack.so.0')
lib.jack_port_monitoring_input.argtypes = [ctypes.c_void_p]
port = c.get_port_by_name('pyp:mon')
result = lib.jack_port_monitoring_input(int(jack._ffi.cast('uintptr_t', port._ptr)))`);
      expect(await monitoring()).toBe(0);
      port.requestMonitor(true);
      expect(await monitoring()).toBeGreaterThan(0);
      port.requestMonitor(false);
      expect(await monitoring()).toBe(0);
    },
  );
});

describe('latency', () => {
  it('reads any port’s latency ranges as jack_lsp -l does', () => {
    const client = open('plat');
    const {
      capture: [capture],
      playback: [playback],
    } = devicePorts();
    for (const name of [capture, playback, 'pyp:aout']) {
      const port = client.getPortByName(name);
      const lsp = lspLatency(name);
      expect(port.getLatencyRange('capture'), name).toEqual({
        min: lsp.capture[0],
        max: lsp.capture[1],
      });
      expect(port.getLatencyRange('playback'), name).toEqual({
        min: lsp.playback[0],
        max: lsp.playback[1],
      });
    }
  });

  unlessPipeWire(it, 'deviceLatencyZero')(
    'the dummy driver’s capture latency is one period',
    () => {
      const client = open('plat-dummy');
      expect(client.getPortByName('system:capture_1').getLatencyRange('capture').min).toBe(
        client.blocksize,
      );
    },
  );

  unlessPipeWire(it, 'latencyIgnored')(
    'setLatencyRange on an own port is read back by a second client and jack_lsp',
    () => {
      const client = open('plat2');
      const reader = open('plat2-reader');
      const out = client.outports.register('out');
      const input = client.inports.register('in');
      // Not activated: JACK recomputes the latencies of an active client's
      // ports from its connections whenever the graph changes (asynchronously,
      // through the client's latency callback), which would race with the
      // values set here.
      out.setLatencyRange('playback', { min: 100, max: 200 });
      out.setLatencyRange('capture', { min: 3, max: 4 });
      input.setLatencyRange('capture', { min: 7, max: 9 });
      expect(out.getLatencyRange('playback')).toEqual({ min: 100, max: 200 });
      expect(out.getLatencyRange('capture')).toEqual({ min: 3, max: 4 });
      expect(input.getLatencyRange('capture')).toEqual({ min: 7, max: 9 });
      expect(input.getLatencyRange('playback')).toEqual({ min: 0, max: 0 });
      const seenOut = reader.getPortByName('plat2:out');
      const seenIn = reader.getPortByName('plat2:in');
      expect(seenOut).not.toBe(out);
      expect(seenOut.getLatencyRange('playback')).toEqual({ min: 100, max: 200 });
      expect(seenOut.getLatencyRange('capture')).toEqual({ min: 3, max: 4 });
      expect(seenIn.getLatencyRange('capture')).toEqual({ min: 7, max: 9 });
      expect(lspLatency('plat2:out')).toEqual({ capture: [3, 4], playback: [100, 200] });
      expect(lspLatency('plat2:in')).toEqual({ capture: [7, 9], playback: [0, 0] });
      // A new range replaces the old one.
      out.setLatencyRange('playback', { min: 0, max: 0 });
      expect(seenOut.getLatencyRange('playback')).toEqual({ min: 0, max: 0 });
    },
  );
});

describe('identity', () => {
  it('one object per JACK port, through every way of getting it', async () => {
    const client = open('pid');
    const out = client.outports.register('out');
    const registered: Port[] = [];
    const connected: Array<[Port | null, Port | null]> = [];
    client.on('portRegistration', (port, register) => {
      if (port && register) registered.push(port);
    });
    client.on('portConnect', (a, b, connect) => {
      if (connect) connected.push([a, b]);
    });
    client.activate();

    const viaName = client.getPortByName('pyp:ain');
    const viaGetPorts = client.getPorts('^pyp:ain$')[0];
    expect(viaGetPorts).toBe(viaName);
    expect(client.getPortByName('pid:out')).toBe(out);
    expect(client.getPorts('pid:')[0]).toBe(out);

    out.connect('pyp:ain');
    // JACK2 shows a connection to clients from the next cycle on.
    await expect.poll(() => out.connections[0], { timeout: 5000 }).toBe(viaName);
    expect(client.getAllConnections(viaName)[0]).toBe(out);
    await waitFor(() => connected.length > 0, 3000, 'portConnect');
    expect(connected[0]?.[0]).toBe(out);
    expect(connected[0]?.[1]).toBe(viaName);

    await peer.run(`late = c.outports.register('late')`);
    await waitFor(
      () => registered.some((port) => port.name === 'pyp:late'),
      3000,
      'portRegistration',
    );
    const fromCallback = registered.find((port) => port.name === 'pyp:late');
    expect(client.getPortByName('pyp:late')).toBe(fromCallback);

    // Usable as Map and Set keys.
    const map = new Map<Port, string>([[viaName, 'input']]);
    expect(map.get(client.getPortByName('pyp:ain'))).toBe('input');
    const set = new Set([...client.getPorts(), ...client.getPorts()]);
    expect(set.size).toBe(client.getPorts().length);
    await peer.run('late.unregister()');
  });
});
