// Never lose a patch: a client that quits stays as a ghost and gets its
// connections back when it returns; a connection someone removed is
// forgotten; restoring can be turned off, undone and told which differently
// named clients are one. Python peers are the clients; jack_lsp, an
// independent reader, says what is connected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { RestoreState } from '../src/contract.js';
import type { JackbayService } from '../src/service.js';
import {
  type ExecPeer,
  execPeer,
  type JackServer,
  lsp,
  STAGE_WAIT_MS,
  type Stage,
  startStage,
  stopStage,
  waitFor,
} from './helpers.js';

let server: JackServer;
let service: JackbayService;
let stage: Stage;
let source: ExecPeer;
const states: RestoreState[] = [];
const last = () => states.at(-1);

const FX_PORTS = `for n in ('in_1', 'in_2'): c.inports.register(n)
for n in ('out_1', 'out_2'): c.outports.register(n)`;

beforeAll(async () => {
  stage = await startStage({
    service: { retryIntervalMs: 200 },
    subscribe: (s) => s.subscribe('restore', (state) => states.push(state)),
    peers: [['src', `for n in ('out_1', 'out_2'): c.outports.register(n)`]],
  });
  ({ server, service } = stage);
  source = stage.peer('src');
}, STAGE_WAIT_MS);

afterAll(() => stopStage(stage));

/** The connections jack_lsp lists, as "source -> destination". */
async function connections(): Promise<string[]> {
  const out = await lsp(server, ['-c']);
  const found: string[] = [];
  let port = '';
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith(' ')) port = line;
    else if (port.includes(':out') || port.startsWith('system:capture'))
      found.push(`${port} -> ${line.trim()}`);
  }
  return found.sort();
}

async function request(method: string, params: object): Promise<unknown> {
  const reply = await answer(service, method, params);
  if ('error' in reply) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}

async function seen(name: string): Promise<void> {
  await waitFor(() => service.snapshot().clients.some((c) => c.name === name), 5000, name);
}

async function patchFx(): Promise<ExecPeer> {
  const fx = await execPeer(server, 'hoFx', FX_PORTS);
  await seen('hoFx');
  for (const [s, d] of [
    ['src:out_1', 'hoFx:in_1'],
    ['src:out_2', 'hoFx:in_2'],
    ['hoFx:out_1', 'system:playback_1'],
  ])
    await request('connect', { source: s, destination: d });
  await waitFor(async () => (await connections()).length === 3, 5000, 'three connections');
  // As a person would: the connections are on screen before the client quits.
  await waitFor(() => service.snapshot().connections.length === 3, 5000, 'service saw them');
  return fx;
}

const FX_CONNECTIONS = [
  'hoFx:out_1 -> system:playback_1',
  'src:out_1 -> hoFx:in_1',
  'src:out_2 -> hoFx:in_2',
];

/** Waits until jack_lsp and the service both show `count` connections. */
async function seenAt(count: number): Promise<void> {
  await waitFor(async () => (await connections()).length === count, 5000, `${count} connections`);
  await waitFor(() => service.snapshot().connections.length === count, 5000, 'service saw it');
}

async function quit(peer: ExecPeer, name: string): Promise<void> {
  await peer.stop();
  await waitFor(() => last()?.ghosts.clients.some((c) => c.name === name), 5000, `${name} ghost`);
}

describe('a client that quits and returns', () => {
  let fx: ExecPeer;

  it('stays as a ghost with its ports and the connections that led to it', async () => {
    fx = await patchFx();
    await quit(fx, 'hoFx');
    const state = last() as RestoreState;
    expect(state.ghosts.ports.map((p) => p.name).sort()).toEqual([
      'hoFx:in_1',
      'hoFx:in_2',
      'hoFx:out_1',
      'hoFx:out_2',
    ]);
    expect(state.connections.map((c) => `${c.source} -> ${c.destination}`).sort()).toEqual(
      FX_CONNECTIONS,
    );
    expect(await connections()).toEqual([]);
  });

  it('gets every connection back, and the status names it', async () => {
    fx = await execPeer(server, 'hoFx', FX_PORTS);
    await waitFor(async () => (await connections()).length === 3, 5000, 'connections back');
    expect(await connections()).toEqual(FX_CONNECTIONS);
    await waitFor(() => last()?.lastRestore?.connections.length === 3, 3000, 'lastRestore');
    expect(last()?.lastRestore?.clients).toEqual(['hoFx']);
    expect(last()?.ghosts.clients).toEqual([]);
    expect(last()?.connections).toEqual([]);
  });

  it('forgets a connection someone removed while both ports existed', async () => {
    // Removed by another client: taken as meant once it has lasted a moment
    // with both ports there (a quitting client loses its connections a
    // moment before its ports, and those are kept).
    await source.run(`c.disconnect('src:out_2', 'hoFx:in_2')`);
    await seenAt(2);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await quit(fx, 'hoFx');
    expect(last()?.connections.length).toBe(2);
    fx = await execPeer(server, 'hoFx', FX_PORTS);
    await waitFor(async () => (await connections()).length === 2, 5000, 'two back');
    // Nothing more comes a moment later either.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await connections()).toEqual([
      'hoFx:out_1 -> system:playback_1',
      'src:out_1 -> hoFx:in_1',
    ]);
  });

  it('forgets at once a connection the person removes through Jackbay', async () => {
    await request('disconnect', { source: 'hoFx:out_1', destination: 'system:playback_1' });
    await quit(fx, 'hoFx');
    expect(last()?.connections.map((c) => `${c.source} -> ${c.destination}`)).toEqual([
      'src:out_1 -> hoFx:in_1',
    ]);
    fx = await execPeer(server, 'hoFx', FX_PORTS);
    await waitFor(async () => (await connections()).length === 1, 5000, 'one back');
    await request('connect', { source: 'hoFx:out_1', destination: 'system:playback_1' });
  });

  it('undoes a re-making: its connections go, and are forgotten', async () => {
    await request('connect', { source: 'src:out_2', destination: 'hoFx:in_2' });
    await waitFor(async () => (await connections()).length === 3, 5000, 'three');
    await quit(fx, 'hoFx');
    fx = await execPeer(server, 'hoFx', FX_PORTS);
    await waitFor(async () => (await connections()).length === 3, 5000, 'three back');
    await waitFor(() => last()?.lastRestore?.connections.length === 3, 5000, 'one re-making');
    const id = last()?.lastRestore?.id as number;
    await expect(answer(service, 'undoRestore', { id: id + 1 })).resolves.toMatchObject({
      error: { code: 'bad-request' },
    });
    await request('undoRestore', { id });
    await seenAt(0);
    // Nothing left to bring back: it leaves no ghost.
    await fx.stop();
    await waitFor(() => !service.snapshot().clients.some((c) => c.name === 'hoFx'), 5000, 'gone');
    expect(last()?.ghosts.clients).toEqual([]);
    expect(last()?.connections).toEqual([]);
    fx = await execPeer(server, 'hoFx', FX_PORTS);
    await seen('hoFx');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await connections()).toEqual([]);
    await fx.stop();
  });
});

describe('the person decides', () => {
  it('turns restoring off and on: ghosts stay, connections come back only when on', async () => {
    const fx = await patchFx();
    await request('setRestore', { enabled: false });
    expect(last()?.enabled).toBe(false);
    await quit(fx, 'hoFx');
    const back = await execPeer(server, 'hoFx', FX_PORTS);
    await seen('hoFx');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await connections()).toEqual([]);
    await request('setRestore', { enabled: true });
    await waitFor(async () => (await connections()).length === 3, 5000, 'made when on');
    expect(await connections()).toEqual(FX_CONNECTIONS);
    await back.stop();
  });

  it('dismisses a ghost: it and its connections are forgotten', async () => {
    await waitFor(() => last()?.ghosts.clients.some((c) => c.name === 'hoFx'), 5000, 'ghost');
    await expect(answer(service, 'dismissGhost', { client: 'nobody' })).resolves.toMatchObject({
      error: { code: 'client-not-found' },
    });
    await expect(answer(service, 'dismissGhost', { client: 'src' })).resolves.toMatchObject({
      error: { code: 'client-not-found' },
    });
    await request('dismissGhost', { client: 'hoFx' });
    expect(last()?.ghosts.clients).toEqual([]);
    expect(last()?.connections).toEqual([]);
    const fx = await execPeer(server, 'hoFx', FX_PORTS);
    await seen('hoFx');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await connections()).toEqual([]);
    await fx.stop();
  });

  it('merges differently named instances by a rule, and refuses a bad rule', async () => {
    await expect(answer(service, 'setMergeRules', { rules: ['Firefox-('] })).resolves.toMatchObject(
      { error: { code: 'bad-request' } },
    );
    expect(last()?.mergeRules).toEqual([]);
    await request('setMergeRules', { rules: ['^Firefox-\\d+$'] });
    const first = await execPeer(server, 'Firefox-233', `c.outports.register('out_1')`);
    await seen('Firefox-233');
    await request('connect', { source: 'Firefox-233:out_1', destination: 'system:playback_2' });
    await waitFor(async () => (await connections()).length === 1, 5000, 'firefox connected');
    await quit(first, 'Firefox-233');
    const second = await execPeer(server, 'Firefox-417', `c.outports.register('out_1')`);
    await waitFor(async () => (await connections()).length === 1, 5000, 'new instance connected');
    expect(await connections()).toEqual(['Firefox-417:out_1 -> system:playback_2']);
    expect(last()?.ghosts.clients).toEqual([]);
    await second.stop();
    await request('setMergeRules', { rules: [] });
  });
});
