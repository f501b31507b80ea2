// Patches are coalesced: a storm of JACK notifications becomes at most 60
// patches a second, and the patches still add up to the exact graph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphSnapshot } from '../src/contract.js';
import {
  applyPatch,
  diffGraphs,
  graphFromSnapshot,
  isEmptyPatch,
  snapshotFromGraph,
} from '../src/patch.js';
import { JackbayService } from '../src/service.js';
import {
  execPeer,
  GraphMirror,
  type JackServer,
  lsp,
  lspConnections,
  SERVER_WAIT_MS,
  snapshotConnections,
  startServer,
  waitFor,
} from './helpers.js';

describe('patch arithmetic', () => {
  // A small deterministic generator, so a failure can be replayed.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }

  function randomGraph(next: () => number): GraphSnapshot {
    const clients = ['a', 'b:c', 'd e'].filter(() => next() < 0.8);
    const ports = clients.flatMap((client) =>
      ['1', '2', '3']
        .filter(() => next() < 0.7)
        .map((short) => ({
          name: `${client}:${short}`,
          client,
          shortName: short,
          type: 'audio' as const,
          typeString: '32 bit float mono audio',
          direction: (next() < 0.5 ? 'input' : 'output') as 'input' | 'output',
          isPhysical: false,
          isTerminal: false,
          canMonitor: false,
          flags: 1,
          aliases: next() < 0.2 ? ['alias'] : [],
          prettyName: next() < 0.3 ? 'pretty' : null,
          uuid: String(Math.floor(next() * 3)),
          latency: { capture: { min: 0, max: 0 }, playback: { min: 0, max: 0 } },
        })),
    );
    const outs = ports.filter((p) => p.direction === 'output');
    const ins = ports.filter((p) => p.direction === 'input');
    const connections = outs.flatMap((o) =>
      ins.filter(() => next() < 0.4).map((i) => ({ source: o.name, destination: i.name })),
    );
    return {
      clients: clients.map((name) => ({ name, prettyName: null, uuid: name })),
      ports,
      connections,
    };
  }

  const canonical = (s: GraphSnapshot) => ({
    clients: [...s.clients].sort((a, b) => a.name.localeCompare(b.name)),
    ports: [...s.ports].sort((a, b) => a.name.localeCompare(b.name)),
    connections: snapshotConnections(s),
  });

  it('applying diff(a, b) to a gives b, for many random pairs', () => {
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const a = randomGraph(next);
      const b = randomGraph(next);
      const patch = diffGraphs(graphFromSnapshot(a), graphFromSnapshot(b));
      const applied = applyPatch(graphFromSnapshot(a), patch);
      expect(canonical(snapshotFromGraph(applied))).toEqual(canonical(b));
      // Re-applying is harmless, and a graph has no difference to itself.
      expect(canonical(snapshotFromGraph(applyPatch(applied, patch)))).toEqual(canonical(b));
      expect(isEmptyPatch(diffGraphs(graphFromSnapshot(b), graphFromSnapshot(b)))).toBe(true);
    }
  });

  it('round-trips a graph through a snapshot', () => {
    const graph = randomGraph(random(7));
    expect(snapshotFromGraph(graphFromSnapshot(graph))).toEqual(graph);
  });
});

describe('coalescing against a real server', () => {
  let server: JackServer;
  let service: JackbayService;
  let mirror: GraphMirror;

  beforeAll(async () => {
    server = await startServer();
    service = new JackbayService({ serverName: server.name });
    service.start();
    await waitFor(() => service.isUp, 5000, 'service up');
    // Let the initial read settle before the mirror starts counting.
    await new Promise((resolve) => setTimeout(resolve, 400));
    mirror = new GraphMirror(service);
  }, SERVER_WAIT_MS + 20000);

  afterAll(async () => {
    mirror?.close();
    await service?.close();
    await server?.stop();
  });

  it('sends at most 60 patches a second through a notification storm', async () => {
    const peer = await execPeer(server, 'storm');
    const started = performance.now();
    // Some 2000 notifications: ports come, connect, disconnect and go, in a
    // steady stream over a second or more, so the limit is what holds them back.
    await peer.run(`
for k in range(100):
    ps = [c.outports.register('s%d_%d' % (k, j)) for j in range(5)]
    for p in ps: c.connect(p, 'system:playback_1')
    for p in ps[:4]: c.disconnect(p, 'system:playback_1')
    for p in ps[:3]: p.unregister()
    time.sleep(0.005)
`);
    await waitFor(
      () => mirror.snapshot.ports.filter((p) => p.client === 'storm').length === 200,
      5000,
      'survivors',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const times = mirror.patches.map((p) => p.at).filter((t) => t >= started);
    expect(times.length).toBeGreaterThan(5);
    // Far fewer patches than the ~2000 notifications (how many depends on
    // how long the storm lasts on a busy machine: the limit is per second)...
    expect(times.length).toBeLessThan(500);
    // ...and never more than 60 in any one-second window. Counts, not gaps:
    // a gap between two wall-clock readings jitters by the scheduler's whim.
    for (let i = 0; i < times.length; i++) {
      const windowEnd = (times[i] as number) + 1000;
      const inWindow = times.filter((t) => t >= (times[i] as number) && t < windowEnd).length;
      expect(inWindow).toBeLessThanOrEqual(60);
    }

    // The sum of all patches is exactly what JACK has.
    const listed = (await lsp(server))
      .split('\n')
      .filter((line) => line.startsWith('storm:'))
      .sort();
    expect(
      mirror.snapshot.ports
        .filter((p) => p.client === 'storm')
        .map((p) => p.name)
        .sort(),
    ).toEqual(listed);
    const outputs = new Set(
      mirror.snapshot.ports.filter((p) => p.direction === 'output').map((p) => p.name),
    );
    expect(snapshotConnections(mirror.snapshot)).toEqual(
      lspConnections(await lsp(server, ['-c']), outputs),
    );
    expect(mirror.snapshot).toEqual(service.snapshot());
    await peer.stop();
  });

  it('sends nothing while nothing changes', async () => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    const before = mirror.patches.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(mirror.patches.length).toBe(before);
  });
});
