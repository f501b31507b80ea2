// Connections both ways: what our API connects and disconnects is seen by
// jack_lsp and the Python `jack` module, and what they do is seen by us.

import { devicePorts, type JackServer, startJackServer, waitFor } from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, JackError, type OwnPort, type Port } from '../lib/index.js';
import { lspConnections, lspNames, tool } from './fixtures/graph.js';
import { type PyExec, startPyExec } from './fixtures/py-exec.js';

let server: JackServer;
let peer: PyExec;
const open = clientOpener((name: string) => new Client(name, { serverName: server.name }));

// JACK2 applies a connection change to the graph it shows clients at the
// next cycle: read the result until it shows (or give up after a while).
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 5000, interval: 20 });

// JACK2's system ports, or the private PipeWire's null sink.
const {
  capture: [CAPTURE_1, CAPTURE_2],
  playback: [PLAYBACK_1, PLAYBACK_2],
} = devicePorts();

const names = (ports: Port[]) => ports.map((port) => port.name).sort();

/** Connections of one port, sorted, as jack_lsp -c lists them. */
function lspOf(name: string): string[] {
  return [...(lspConnections(server).get(name) ?? [])].sort();
}

/** Connections of one port, sorted, as the Python module lists them. */
function pyOf(name: string): Promise<string[]> {
  return peer.run<string[]>(
    `result = sorted(p.name for p in c.get_all_connections(c.get_port_by_name('${name}')))`,
  );
}

beforeAll(async () => {
  server = await startJackServer();
  peer = await startPyExec(server, 'pyc');
  await peer.run(`
ain = c.inports.register('ain')
aout = c.outports.register('aout')
min = c.midi_inports.register('min')
mout = c.midi_outports.register('mout')`);
});
afterEach(async () => {
  // Leave the peer's ports unconnected for the next test.
  await peer.run('for p in (ain, aout, min, mout): p.disconnect()');
});
afterAll(async () => {
  await peer?.stop();
  await server.stop();
});

describe('made by us, seen from outside', () => {
  it('client.connect with names and with Port objects; client.disconnect', async () => {
    const client = open('cc');
    const out = client.outports.register('out');
    const input = client.inports.register('in');
    client.activate();

    client.connect('cc:out', 'pyc:ain');
    client.connect(client.getPortByName('pyc:aout'), input);
    client.connect(out, PLAYBACK_1);
    await poll(() => lspOf('cc:out')).toEqual(['pyc:ain', PLAYBACK_1].sort());
    await poll(() => lspOf('cc:in')).toEqual(['pyc:aout']);
    await poll(() => pyOf('cc:out')).toEqual(['pyc:ain', PLAYBACK_1].sort());
    await poll(() => pyOf('pyc:aout')).toEqual(['cc:in']);

    client.disconnect(out, 'pyc:ain');
    client.disconnect('pyc:aout', 'cc:in');
    await poll(() => lspOf('cc:out')).toEqual([PLAYBACK_1]);
    await poll(() => lspOf('cc:in')).toEqual([]);
    await poll(() => pyOf('pyc:ain')).toEqual([]);
  });

  it('port.connect works from either end, for audio and MIDI', async () => {
    const client = open('cp');
    const out = client.outports.register('out');
    const input = client.inports.register('in');
    const midiOut = client.midiOutports.register('mout');
    const midiIn = client.midiInports.register('min');
    client.activate();

    out.connect('pyc:ain'); // output → input
    input.connect('pyc:aout'); // input ← output: the direction is worked out
    midiOut.connect(client.getPortByName('pyc:min'));
    midiIn.connect('pyc:mout');
    input.connect(out); // own ports to each other
    await poll(() => lspOf('cp:out')).toEqual(['cp:in', 'pyc:ain']);
    await poll(() => lspOf('cp:in')).toEqual(['cp:out', 'pyc:aout']);
    await poll(() => lspOf('cp:mout')).toEqual(['pyc:min']);
    await poll(() => lspOf('cp:min')).toEqual(['pyc:mout']);
    await poll(() => pyOf('pyc:min')).toEqual(['cp:mout']);
    await poll(() => pyOf('pyc:mout')).toEqual(['cp:min']);
  });

  it('numberOfConnections, connections and isConnectedTo follow the graph', async () => {
    const client = open('cq');
    const out = client.outports.register('out');
    client.activate();
    await poll(() => out.numberOfConnections).toBe(0);
    await poll(() => out.connections).toEqual([]);
    out.connect('pyc:ain');
    out.connect(PLAYBACK_2);
    await poll(() => out.numberOfConnections).toBe(2);
    await poll(() => names(out.connections)).toEqual(['pyc:ain', PLAYBACK_2].sort());
    const ain = client.getPortByName('pyc:ain');
    await poll(() => out.isConnectedTo(ain)).toBe(true);
    await poll(() => out.isConnectedTo(PLAYBACK_2)).toBe(true);
    await poll(() => out.isConnectedTo(PLAYBACK_1)).toBe(false);
    await poll(() => out.isConnectedTo('no-such:port')).toBe(false);
    await poll(() => out.connections).toContain(ain);
  });

  it('disconnect(other) removes one connection, disconnect() all of them', async () => {
    const client = open('cd');
    const out = client.outports.register('out');
    const input = client.inports.register('in');
    client.activate();
    out.connect('pyc:ain');
    out.connect(PLAYBACK_1);
    out.connect(PLAYBACK_2);
    input.connect('pyc:aout');
    input.connect(CAPTURE_1);

    out.disconnect(PLAYBACK_1);
    await poll(() => lspOf('cd:out')).toEqual(['pyc:ain', PLAYBACK_2].sort());
    input.disconnect(client.getPortByName('pyc:aout'));
    await poll(() => lspOf('cd:in')).toEqual([CAPTURE_1]);

    out.disconnect();
    await poll(() => lspOf('cd:out')).toEqual([]);
    await poll(() => out.numberOfConnections).toBe(0);
    await poll(() => pyOf('pyc:ain')).toEqual([]);
    // Only this port lost its connections.
    await poll(() => lspOf('cd:in')).toEqual([CAPTURE_1]);
    input.disconnect();
    await poll(() => lspOf('cd:in')).toEqual([]);
  });

  it('unregister removes the port and its connections', async () => {
    const client = open('cu');
    const out = client.outports.register('out');
    const keep = client.outports.register('keep');
    client.activate();
    out.connect('pyc:ain');
    keep.connect('pyc:ain');
    await poll(() => pyOf('pyc:ain')).toEqual(['cu:keep', 'cu:out']);

    out.unregister();
    expect(out.isRegistered).toBe(false);
    expect(lspNames(server)).not.toContain('cu:out');
    await poll(() => pyOf('pyc:ain')).toEqual(['cu:keep']);
    expect(client.outports.length).toBe(1);
    expect(client.outports[0]).toBe(keep);
    expect(() => client.getPortByName('cu:out')).toThrow(JackError);
    expect(
      await peer.run(`
try:
    c.get_port_by_name('cu:out')
    result = True
except jack.JackError:
    result = False`),
    ).toBe(false);
    // The name is free again.
    const again = client.outports.register('out');
    expect(again).not.toBe(out);
    expect(again.name).toBe('cu:out');
  });
});

describe('made from outside, seen by us', () => {
  it('jack_connect and jack_disconnect', async () => {
    const client = open('cj');
    const input = client.inports.register('in');
    client.activate();
    tool(server, 'jack_connect', [CAPTURE_1, 'cj:in']);
    tool(server, 'jack_connect', ['pyc:aout', 'cj:in']);
    await poll(() => input.numberOfConnections).toBe(2);
    await poll(() => names(input.connections)).toEqual(['pyc:aout', CAPTURE_1].sort());
    await poll(() => input.isConnectedTo(CAPTURE_1)).toBe(true);
    await poll(() => names(client.getAllConnections(CAPTURE_1))).toEqual(['cj:in']);
    tool(server, 'jack_disconnect', [CAPTURE_1, 'cj:in']);
    await poll(() => input.isConnectedTo(CAPTURE_1)).toBe(false);
    await poll(() => names(input.connections)).toEqual(['pyc:aout']);
  });

  it('the Python module connecting our ports and its own', async () => {
    const client = open('cpy');
    const input = client.inports.register('in');
    const midiOut = client.midiOutports.register('mout');
    client.activate();
    await peer.run(`c.connect('pyc:aout', 'cpy:in')
c.connect(c.get_port_by_name('cpy:mout'), min)
c.connect('${CAPTURE_2}', 'pyc:ain')`);
    await poll(() => names(input.connections)).toEqual(['pyc:aout']);
    await poll(() => midiOut.isConnectedTo('pyc:min')).toBe(true);
    await poll(() => names(client.getAllConnections('pyc:ain'))).toEqual([CAPTURE_2]);
    await poll(() => names(client.getAllConnections(CAPTURE_2))).toEqual(['pyc:ain']);
    await peer.run(`c.disconnect('pyc:aout', 'cpy:in')`);
    await poll(() => input.numberOfConnections).toBe(0);
    await poll(() => midiOut.numberOfConnections).toBe(1);
  });

  it('connect notifications carry the same objects as our queries', async () => {
    const client = open('cn');
    const input = client.inports.register('in');
    const events: Array<[Port | null, Port | null, boolean]> = [];
    client.on('portConnect', (a, b, connect) => events.push([a, b, connect]));
    client.activate();
    tool(server, 'jack_connect', ['pyc:aout', 'cn:in']);
    await waitFor(() => events.length >= 1, 3000, 'connect event');
    tool(server, 'jack_disconnect', ['pyc:aout', 'cn:in']);
    await waitFor(() => events.length >= 2, 3000, 'disconnect event');
    const aout = client.getPortByName('pyc:aout');
    expect(events[0]).toEqual([aout, input, true]);
    expect(events[0]?.[0]).toBe(aout);
    expect(events[0]?.[1]).toBe(input);
    expect(events[1]?.[0]).toBe(aout);
    expect(events[1]?.[2]).toBe(false);
  });

  it('ports connected between two clients of ours', async () => {
    const a = open('c2a');
    const b = open('c2b');
    const out: OwnPort = a.outports.register('out');
    const input = b.inports.register('in');
    a.activate();
    b.activate();
    out.connect('c2b:in');
    await poll(() => input.connections).toEqual([b.getPortByName('c2a:out')]);
    await poll(() => out.connections).toEqual([a.getPortByName('c2b:in')]);
    // Either client may undo it.
    b.disconnect('c2a:out', input);
    await poll(() => out.numberOfConnections).toBe(0);
  });
});

describe('a buffer-size change', () => {
  // PipeWire applies it as a new quantum, which restarts the graph; hosts
  // have lost their connections there (RaySession). Every one must stay.
  it('keeps every connection, as jack_lsp, the Python module and we see them', async () => {
    const client = open('cbuf');
    const out = client.outports.register('out');
    const input = client.inports.register('in');
    client.activate();
    client.connect(out, 'pyc:ain');
    client.connect(CAPTURE_1, input);
    await poll(() => lspOf('cbuf:out')).toEqual(['pyc:ain']);
    await poll(() => lspOf('cbuf:in')).toEqual([CAPTURE_1]);
    const before = client.blocksize;
    const next = before === 512 ? 256 : 512;
    try {
      client.blocksize = next;
      // PipeWire: the new quantum comes some cycles later.
      await expect.poll(() => client.blocksize, { timeout: 15000 }).toBe(next);
      const last = client.lastFrameTime;
      await waitFor(() => client.lastFrameTime > last + 2 * next, 5000, 'cycles at the new size');
      expect(lspOf('cbuf:out')).toEqual(['pyc:ain']);
      expect(lspOf('cbuf:in')).toEqual([CAPTURE_1]);
      expect(await pyOf('cbuf:out')).toEqual(['pyc:ain']);
      expect(names(input.connections)).toEqual([CAPTURE_1]);
    } finally {
      client.blocksize = before;
      await expect.poll(() => client.blocksize, { timeout: 15000 }).toBe(before);
    }
  });
});
