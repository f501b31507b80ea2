// Taps come and go by the hundred while another client rewires the graph
// without pause: the client must survive. JACK2's libjack walks a client's own
// port list on its notification thread (latency recomputation) while
// jack_port_unregister erases from it, so an engine that unregistered a
// probe per removed tap died here in JackGraphManager::AssertPort; it now
// keeps idle probes (engine.ts) and this client never unregisters one.
import {
  type JackServer,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  startJackServer,
} from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../lib/index.js';
import { type EnginePeer, peerPort, startEnginePeer } from './fixtures/engine-peer.js';

let server: JackServer;
let peer: EnginePeer;

beforeAll(async () => {
  server = await startJackServer({ rate: 48000, period: 256, startTimeoutMs: PATIENT_START_MS });
  peer = await startEnginePeer(server, 'rewirer');
}, PATIENT_TIMEOUT);

afterAll(async () => {
  await peer?.stop();
  await server?.stop();
});

const openClient = clientOpener(
  () => new Client('churn', { serverName: server.name, noStartServer: true }),
);

const PORTS = 32;
// Unregistering probes, the old engine died within these rounds about every other run.
const ROUNDS = 60;

it(
  'adds and removes taps on many ports while another client rewires them',
  async () => {
    const outs = [];
    const ins = [];
    for (let i = 0; i < PORTS; i++) {
      outs.push(await peerPort(peer, 'audio_out', 'o'));
      ins.push(await peerPort(peer, 'audio_in', 'i'));
    }
    // The peer connects and disconnects its own ports, 20 changes a second:
    // every change makes JACK recompute latencies, walking each client's ports.
    await peer.run(`import threading
rewiring = [True]
def rewire():
    outs = ${JSON.stringify(outs.map((p) => p.full))}
    ins = ${JSON.stringify(ins.map((p) => p.full))}
    while rewiring[0]:
        for o, i in zip(outs, ins):
            client.connect(o, i)
            time.sleep(0.05)
        for o, i in zip(outs, ins):
            client.disconnect(o, i)
            time.sleep(0.05)
threading.Thread(target=rewire, daemon=True).start()`);
    const client = openClient();
    client.activate();
    try {
      const probes = new Set<string>();
      for (let round = 0; round < ROUNDS; round++) {
        // Outputs are metered by a probe each, inputs through their sources.
        const taps = [...outs, ...ins].map((port) => client.addMeter(port.full));
        for (const tap of taps) if (tap.probe) probes.add(tap.probe.name);
        await new Promise((resolve) => setTimeout(resolve, 10));
        for (const tap of taps) tap.remove();
      }
      // The probes were reused: never more than one round's worth.
      expect(probes.size).toBeLessThanOrEqual(2 * PORTS);
      expect(client.meters.length).toBe(0);
    } finally {
      await peer.run('rewiring[0] = False');
    }
  },
  PATIENT_TIMEOUT,
);
