// Transient clients: browser tabs and players recreate their JACK client on
// every track or seek, under a new name each time on PipeWire ("Firefox-233",
// then "Firefox-417"). With a merge rule they are one client: each new
// instance gets the connections of the one before, and no ghost piles up.
// Runs on JACK2 and, in the core-pipewire suite, on PipeWire.
import { devicePorts, pythonPeer } from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { RestoreState } from '../src/contract.js';
import { JackbayService } from '../src/service.js';
import { type JackServer, lsp, SERVER_WAIT_MS, startServer, waitFor } from './helpers.js';

let server: JackServer;
let service: JackbayService;
const states: RestoreState[] = [];
const last = () => states.at(-1);
const [, DEVICE] = devicePorts().playback;

beforeAll(async () => {
  server = await startServer();
  service = new JackbayService({ serverName: server.name, retryIntervalMs: 200 });
  service.subscribe('restore', (state) => states.push(state));
  service.start();
  await waitFor(() => service.isUp, 10000, 'service up');
}, SERVER_WAIT_MS + 20000);

afterAll(async () => {
  await service?.close();
  await server?.stop();
});

async function request(method: string, params: object): Promise<unknown> {
  const reply = await answer(service, method, params);
  if ('error' in reply) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}

/** What jack_lsp says `port` is connected to. */
async function connectionsOf(port: string): Promise<string[]> {
  const lines = (await lsp(server, ['-c', port])).split('\n');
  return lines.filter((line) => line.startsWith(' ')).map((line) => line.trim());
}

// A player that opens a new client every 300 ms, each under the next name,
// and closes the one before; after the last round it keeps its client open.
const RECREATING_PEER = `
n = 100
def instance(n):
    c = jack.Client('Player-%d' % n, no_start_server=True)
    c.outports.register('out_1')
    c.activate()
    return c
c = instance(n)
print('ready', c.name, flush=True)
sys.stdin.readline()
for _ in range(ROUNDS):
    time.sleep(0.3)
    c.close()
    n += 1
    c = instance(n)
print('settled', c.name, flush=True)
sys.stdin.readline()
c.close()
`;

describe('a client that recreates itself every 300 ms', () => {
  it('keeps its connection through every instance under a merge rule, and leaves no ghosts', async () => {
    await request('setRestore', { enabled: true });
    await request('setMergeRules', { rules: ['^Player-\\d+$'] });
    const peer = pythonPeer(server, RECREATING_PEER.replace('ROUNDS', '8'));
    try {
      const [, first] = (await peer.line()).split(' ');
      await waitFor(
        () => service.snapshot().ports.some((p) => p.name === `${first}:out_1`),
        5000,
        first ?? 'first instance',
      );
      await request('connect', { source: `${first}:out_1`, destination: DEVICE });
      await waitFor(
        async () => (await connectionsOf(`${first}:out_1`)).includes(DEVICE),
        5000,
        'first instance connected',
      );
      // The connection is on screen before the churn starts, as a person would see it.
      await waitFor(() => service.snapshot().connections.length > 0, 5000, 'service saw it');
      peer.send('go');
      const [, settled] = (await peer.line()).split(' ');
      expect(settled).toBe('Player-108');
      await waitFor(
        async () => (await connectionsOf(`${settled}:out_1`)).includes(DEVICE),
        15000,
        'the last instance connected',
      );
      // Eight instances came and went: one remembered connection, no ghost of a player.
      await waitFor(
        () => !last()?.ghosts.clients.some((client) => client.name.startsWith('Player-')),
        5000,
        'no player ghost',
      );
      expect(service.snapshot().clients.filter((c) => c.name.startsWith('Player-'))).toHaveLength(
        1,
      );
    } finally {
      peer.send('done');
      await peer.stop();
      await request('setMergeRules', { rules: [] });
    }
  }, 60000);
});
