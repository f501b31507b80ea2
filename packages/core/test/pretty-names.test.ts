// Pretty names Jackbay sets: written as JACK metadata that other clients
// read, remembered by JACK name and written again when the client returns,
// forgotten when removed, and a name JACK2 left on a reused UUID flagged as
// stale. Python peers are the clients and a fresh Python process reads the
// metadata from outside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { PrettyNamesState } from '../src/contract.js';
import { JackbayService } from '../src/service.js';
import {
  type ExecPeer,
  execPeer,
  lockMetadata,
  pythonJson,
  SERVER_WAIT_MS,
  type StartedJackServer,
  startServer,
  waitFor,
} from './helpers.js';

let server: StartedJackServer;
let service: JackbayService;
let unlock: () => void = () => {};
const states: PrettyNamesState[] = [];
const last = () => states.at(-1);
const peers: ExecPeer[] = [];
const name = `jb-names-${process.pid}`;

beforeAll(async () => {
  unlock = await lockMetadata();
  server = await startServer({ name });
  service = new JackbayService({ serverName: server.name, retryIntervalMs: 200 });
  service.subscribe('prettyNames', (state) => states.push(state));
  service.start();
  await waitFor(() => service.isUp, 10000, 'service up');
}, SERVER_WAIT_MS + 150000);

afterAll(async () => {
  for (const peer of peers.splice(0)) await peer.stop().catch(() => undefined);
  await service?.close();
  await server?.stop();
  unlock();
});

async function request(method: string, params: object): Promise<unknown> {
  const reply = await answer(service, method, params);
  if ('error' in reply) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}

async function peer(client: string, port: string): Promise<ExecPeer> {
  const started = await execPeer(server, client, `c.outports.register(${JSON.stringify(port)})`);
  peers.push(started);
  await waitFor(
    () => service.snapshot().ports.some((p) => p.name === `${client}:${port}`),
    5000,
    `${client} seen`,
  );
  return started;
}

async function stop(started: ExecPeer, client: string): Promise<void> {
  peers.splice(peers.indexOf(started), 1);
  await started.stop();
  await waitFor(() => !service.snapshot().clients.some((c) => c.name === client), 5000, 'gone');
}

const clientOf = (client: string) => service.snapshot().clients.find((c) => c.name === client);
const portOf = (port: string) => service.snapshot().ports.find((p) => p.name === port);

/** The pretty name on a UUID as a fresh process reads it. */
const seenOutside = (uuid: string | null | undefined): string | null =>
  pythonJson<string | null>(
    server,
    `c = jack.Client('pretty reader', no_start_server=True)
v = jack.get_property(${JSON.stringify(uuid)}, jack.METADATA_PRETTY_NAME)
print(json.dumps(v[0].decode().rstrip('\\x00') if v else None))`,
  );

// One server and one service carry over from test to test: a retry could not start afresh.
describe('pretty names Jackbay set', { retry: 0, timeout: SERVER_WAIT_MS + 30000 }, () => {
  it('are written, remembered by JACK name, and written again when the client returns', async () => {
    const zyn = await peer('zyn', 'out');
    await request('setPrettyName', { kind: 'client', name: 'zyn', prettyName: 'Zyn Pad Synth' });
    await request('setPrettyName', { kind: 'port', name: 'zyn:out', prettyName: 'Zyn out' });
    expect(seenOutside(clientOf('zyn')?.uuid)).toBe('Zyn Pad Synth');
    expect(seenOutside(portOf('zyn:out')?.uuid)).toBe('Zyn out');
    expect(last()?.remembered).toEqual([
      { kind: 'client', name: 'zyn', prettyName: 'Zyn Pad Synth' },
      { kind: 'port', name: 'zyn:out', prettyName: 'Zyn out' },
    ]);

    // JACK2 drops a client's metadata when it closes: the name is gone with it.
    await stop(zyn, 'zyn');
    await peer('zyn', 'out');
    await waitFor(
      () =>
        clientOf('zyn')?.prettyName === 'Zyn Pad Synth' &&
        portOf('zyn:out')?.prettyName === 'Zyn out',
      5000,
      'names set again',
    );
    expect(seenOutside(clientOf('zyn')?.uuid)).toBe('Zyn Pad Synth');
    expect(seenOutside(portOf('zyn:out')?.uuid)).toBe('Zyn out');
    expect(last()?.stale).toEqual([]);
  });

  it('are forgotten when removed: a returning client keeps none', async () => {
    await request('setPrettyName', { kind: 'port', name: 'zyn:out', prettyName: '' });
    await waitFor(() => portOf('zyn:out')?.prettyName === null, 5000, 'removed');
    expect(last()?.remembered).toEqual([
      { kind: 'client', name: 'zyn', prettyName: 'Zyn Pad Synth' },
    ]);
    const zyn = peers.find(() => true) as ExecPeer;
    await stop(zyn, 'zyn');
    await peer('zyn', 'out');
    await waitFor(() => clientOf('zyn')?.prettyName === 'Zyn Pad Synth', 5000, 'client name');
    expect(portOf('zyn:out')?.prettyName).toBeNull();
    expect(seenOutside(portOf('zyn:out')?.uuid)).toBeNull();
  });

  it('flags a name JACK2 left on a reused UUID after a server restart, and sets the right one again', async () => {
    await request('setPrettyName', { kind: 'port', name: 'zyn:out', prettyName: 'Zyn out' });
    await waitFor(() => portOf('zyn:out')?.prettyName === 'Zyn out', 5000, 'port named');
    const zynUuid = clientOf('zyn')?.uuid;
    const zynPortUuid = portOf('zyn:out')?.uuid;

    // Killed with its clients running, JACK2 leaves their metadata behind.
    server.process.kill('SIGKILL');
    await waitFor(() => !service.isUp, 5000, 'down');
    for (const p of peers.splice(0)) await p.stop().catch(() => undefined);
    await server.stop();
    server = await startServer({ name });
    await waitFor(() => service.isUp, 10000, 'up again');

    // Clients get UUIDs from a counter that starts afresh: open clients until
    // one gets the UUID before zyn's old one, then yoshimi takes zyn's.
    for (let tries = 0; tries < 8; tries++) {
      const filler = await execPeer(server, `filler${tries}`);
      peers.push(filler);
      const uuid = BigInt(JSON.parse(await filler.run('result = c.uuid')) as string);
      if (uuid + 1n >= BigInt(zynUuid ?? '0')) break;
    }
    await peer('yoshimi', 'out');
    expect(clientOf('yoshimi')?.uuid).toBe(zynUuid);
    expect(portOf('yoshimi:out')?.uuid).toBe(zynPortUuid);
    await waitFor(() => (last()?.stale.length ?? 0) === 2, 5000, 'stale names');
    expect(clientOf('yoshimi')?.prettyName).toBe('Zyn Pad Synth');
    expect(last()?.stale).toEqual([
      {
        kind: 'client',
        name: 'yoshimi',
        uuid: zynUuid,
        prettyName: 'Zyn Pad Synth',
        setFor: 'zyn',
      },
      {
        kind: 'port',
        name: 'yoshimi:out',
        uuid: zynPortUuid,
        prettyName: 'Zyn out',
        setFor: 'zyn:out',
      },
    ]);

    // zyn comes back on another UUID: its names are set there.
    await peer('zyn', 'out');
    await waitFor(
      () =>
        clientOf('zyn')?.prettyName === 'Zyn Pad Synth' &&
        portOf('zyn:out')?.prettyName === 'Zyn out',
      5000,
      'zyn named again',
    );
    expect(seenOutside(clientOf('zyn')?.uuid)).toBe('Zyn Pad Synth');

    // The person fixes yoshimi's names: nothing is stale any more.
    await request('setPrettyName', { kind: 'client', name: 'yoshimi', prettyName: '' });
    await request('setPrettyName', { kind: 'port', name: 'yoshimi:out', prettyName: null });
    await waitFor(() => last()?.stale.length === 0, 5000, 'fixed');
    expect(clientOf('yoshimi')?.prettyName).toBeNull();
    expect(seenOutside(clientOf('yoshimi')?.uuid)).toBeNull();
    expect(await request('getPrettyNames', {})).toEqual(last());
  });
});
