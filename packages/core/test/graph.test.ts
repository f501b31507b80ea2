// The graph model against a real jackd: clients, ports and connections made
// by Python peers and JACK's tools must show up in the service's snapshot and
// in the patch stream, and go away again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { GraphSnapshot } from '../src/contract.js';
import { JackbayService } from '../src/service.js';
import {
  execPeer,
  GraphMirror,
  type JackServer,
  jackTool,
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

beforeAll(async () => {
  server = await startServer();
  // A short reconcile interval: aliases change without any notification.
  service = new JackbayService({ serverName: server.name, reconcileIntervalMs: 400 });
  service.start();
  await waitFor(() => service.isUp, 5000, 'service up');
  await waitFor(() => service.snapshot().ports.length >= 4, 5000, 'system ports');
  mirror = new GraphMirror(service);
}, SERVER_WAIT_MS + 20000);

afterAll(async () => {
  mirror?.close();
  await service?.close();
  await server?.stop();
});

function snapshot(): GraphSnapshot {
  return GraphSnapshot.parse(service.snapshot());
}

describe('graph model', () => {
  it('reads the system ports with their JACK attributes', async () => {
    const capture = snapshot().ports.find((port) => port.name === 'system:capture_1');
    expect(capture).toMatchObject({
      client: 'system',
      shortName: 'capture_1',
      type: 'audio',
      typeString: '32 bit float mono audio',
      direction: 'output',
      isPhysical: true,
      isTerminal: true,
    });
    // Checked from outside: the Python module and jack_lsp.
    const peer = pythonJson<{ uuid: string; aliases: string[] }>(
      server,
      `c = jack.Client('inspect', no_start_server=True)
p = c.get_port_by_name('system:capture_1')
print(json.dumps({'uuid': str(p.uuid), 'aliases': p.aliases}))`,
    );
    expect(capture?.uuid).toBe(peer.uuid);
    expect(capture?.aliases).toEqual(peer.aliases);
    const listing = await lsp(server, ['-l', 'system:capture_1']);
    const range = (mode: string) =>
      listing
        .match(new RegExp(`port ${mode} latency = \\[ (\\d+) (\\d+) \\]`))
        ?.slice(1)
        .map(Number);
    expect([capture?.latency.capture.min, capture?.latency.capture.max]).toEqual(range('capture'));
    expect([capture?.latency.playback.min, capture?.latency.playback.max]).toEqual(
      range('playback'),
    );
    expect(snapshot().clients.find((client) => client.name === 'system')?.uuid).toMatch(/^\d+$/);
  });

  it('follows a client that comes, connects, and goes', async () => {
    const peer = await execPeer(
      server,
      'graph peer',
      `a = c.outports.register('out_1')
m = c.midi_inports.register('midi in')
i = c.inports.register('in_1')`,
    );
    try {
      await waitFor(() => mirror.port('graph peer:midi in'), 3000, 'peer ports in the mirror');
      expect(mirror.client('graph peer')).toBeTruthy();
      expect(mirror.port('graph peer:out_1')).toMatchObject({
        client: 'graph peer',
        shortName: 'out_1',
        type: 'audio',
        direction: 'output',
        isPhysical: false,
      });
      expect(mirror.port('graph peer:midi in')).toMatchObject({ type: 'midi', direction: 'input' });
      const uuid = JSON.parse(await peer.run('result = str(a.uuid)'));
      expect(mirror.port('graph peer:out_1')?.uuid).toBe(uuid);

      jackTool(server, 'jack_connect', ['graph peer:out_1', 'system:playback_1']);
      await peer.run("c.connect('system:capture_2', 'graph peer:in_1')");
      await waitFor(
        () =>
          mirror.connected('graph peer:out_1', 'system:playback_1') &&
          mirror.connected('system:capture_2', 'graph peer:in_1'),
        3000,
        'connections in the mirror',
      );
      jackTool(server, 'jack_disconnect', ['graph peer:out_1', 'system:playback_1']);
      await waitFor(
        () => !mirror.connected('graph peer:out_1', 'system:playback_1'),
        3000,
        'disconnection in the mirror',
      );
    } finally {
      await peer.stop();
    }
    await waitFor(() => !mirror.client('graph peer'), 3000, 'peer gone from the mirror');
    expect(mirror.snapshot.ports.some((port) => port.client === 'graph peer')).toBe(false);
    expect(mirror.snapshot.connections.some((c) => c.destination.startsWith('graph peer:'))).toBe(
      false,
    );
    // The patch stream and the service agree, and so does JACK.
    expect(mirror.snapshot).toEqual(snapshot());
  });

  it('sees renames as a removal plus an addition, connections included', async () => {
    const peer = await execPeer(server, 'renamer', `p = c.outports.register('before')`);
    try {
      await peer.run("c.connect(p, 'system:playback_2')");
      await waitFor(() => mirror.connected('renamer:before', 'system:playback_2'), 3000, 'port');
      const uuid = mirror.port('renamer:before')?.uuid;
      await peer.run("p.shortname = 'after'");
      await waitFor(() => mirror.port('renamer:after'), 3000, 'renamed port');
      expect(mirror.port('renamer:before')).toBeUndefined();
      expect(mirror.port('renamer:after')).toMatchObject({ shortName: 'after', uuid });
      await waitFor(() => mirror.connected('renamer:after', 'system:playback_2'), 3000, 'conn');
      expect(mirror.connected('renamer:before', 'system:playback_2')).toBe(false);
    } finally {
      await peer.stop();
    }
  });

  it('shows pretty names set and removed by another client', { timeout: 150000 }, async () => {
    // JACK2 keeps one metadata store for all servers of a machine, with UUIDs
    // that repeat between servers: hold the project's metadata lock meanwhile.
    const unlock = await lockMetadata();
    // Any jackd that stops deletes JACK2's metadata store, which leaves this
    // process reading a deleted copy: the service must notice and reopen.
    const other = await startServer();
    await other.stop();
    const peer = await execPeer(server, 'pretty peer', `p = c.outports.register('out')`);
    try {
      await waitFor(() => mirror.port('pretty peer:out'), 3000, 'port');
      expect(mirror.port('pretty peer:out')?.prettyName).toBeNull();
      const portName = `Port ${process.pid} ✓`;
      const clientName = `Client ${process.pid}`;
      await peer.run(`c.set_property(p, jack.METADATA_PRETTY_NAME, ${JSON.stringify(portName)})`);
      await peer.run(`c.set_property(c, jack.METADATA_PRETTY_NAME, ${JSON.stringify(clientName)})`);
      await waitFor(
        () =>
          mirror.port('pretty peer:out')?.prettyName === portName &&
          mirror.client('pretty peer')?.prettyName === clientName,
        3000,
        'pretty names',
      );
      await peer.run('c.remove_property(p, jack.METADATA_PRETTY_NAME)');
      await waitFor(() => mirror.port('pretty peer:out')?.prettyName === null, 3000, 'removed');
      expect(mirror.client('pretty peer')?.prettyName).toBe(clientName);
      await peer.run('c.remove_property(c, jack.METADATA_PRETTY_NAME)');
      await waitFor(() => mirror.client('pretty peer')?.prettyName === null, 3000, 'removed');
    } finally {
      await peer.stop();
      unlock();
    }
  });

  it('picks up aliases, which JACK announces to nobody', async () => {
    const peer = await execPeer(server, 'alias peer', `p = c.inports.register('in')`);
    try {
      await waitFor(() => mirror.port('alias peer:in'), 3000, 'port');
      await peer.run("p.set_alias('alias peer:first alias')");
      await waitFor(
        () => mirror.port('alias peer:in')?.aliases.includes('alias peer:first alias'),
        3000,
        'alias',
      );
    } finally {
      await peer.stop();
    }
  });

  it("finds the owner of a port whose client name contains ':'", async () => {
    const peer = await execPeer(server, 'pw:like node', `p = c.outports.register('out:1')`);
    try {
      await waitFor(() => mirror.port('pw:like node:out:1'), 3000, 'port');
      expect(mirror.port('pw:like node:out:1')).toMatchObject({
        client: 'pw:like node',
        shortName: 'out:1',
      });
      expect(mirror.client('pw:like node')).toBeTruthy();
      expect(mirror.client('pw')).toBeUndefined();
    } finally {
      await peer.stop();
    }
  });

  it('survives ports that vanish while it reads, and ends up exact', async () => {
    // A peer registers and unregisters ports as fast as it can while the
    // service re-reads the graph on every notification.
    const peer = await execPeer(server, 'churn');
    const churn = peer.run(`
for k in range(150):
    ps = [c.outports.register('p%d_%d' % (k, j)) for j in range(4)]
    for q in ps[:3]: q.unregister()
`);
    // Meanwhile read as fast as possible from our side too.
    let reads = 0;
    let done = false;
    churn.finally(() => {
      done = true;
    });
    while (!done) {
      expect(await answer(service, 'getSnapshot', {})).toHaveProperty('result');
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await churn;
    expect(reads).toBeGreaterThan(0);
    try {
      // 150 survivors: p<k>_3.
      await waitFor(
        () => mirror.snapshot.ports.filter((port) => port.client === 'churn').length === 150,
        5000,
        'churn survivors',
      );
      // No ghosts: exactly what jack_lsp lists, after things settle.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const listed = (await lsp(server))
        .split('\n')
        .filter((line) => line.startsWith('churn:'))
        .sort();
      const ours = mirror.snapshot.ports
        .filter((port) => port.client === 'churn')
        .map((port) => port.name)
        .sort();
      expect(ours).toEqual(listed);
      expect(ours.every((name) => name.endsWith('_3'))).toBe(true);
    } finally {
      await peer.stop();
    }
    await waitFor(() => !mirror.client('churn'), 3000, 'churn gone');
  });

  it('agrees with jack_lsp -c about every connection', async () => {
    const peer = await execPeer(
      server,
      'lsp peer',
      `o = [c.outports.register('o%d' % k) for k in range(3)]
i = [c.inports.register('i%d' % k) for k in range(3)]`,
    );
    try {
      await peer.run('for a in o:\n    for b in i:\n        c.connect(a, b)');
      await peer.run("c.connect('system:capture_1', i[0])");
      await waitFor(
        () =>
          mirror.snapshot.connections.filter((c) => c.source.startsWith('lsp peer:')).length === 9,
        3000,
        'nine connections',
      );
      await waitFor(() => mirror.connected('system:capture_1', 'lsp peer:i0'), 3000, 'capture');
      const outputs = new Set(
        mirror.snapshot.ports.filter((p) => p.direction === 'output').map((p) => p.name),
      );
      expect(snapshotConnections(mirror.snapshot)).toEqual(
        lspConnections(await lsp(server, ['-c']), outputs),
      );
    } finally {
      await peer.stop();
    }
  });
});
