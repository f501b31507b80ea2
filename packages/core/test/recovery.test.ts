// No server, then a server, then none again, then one again: the service
// reports each state by itself and rebuilds the graph every time.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { JackbayService } from '../src/service.js';
import {
  GraphMirror,
  SERVER_WAIT_MS,
  type StartedJackServer,
  startServer,
  waitFor,
} from './helpers.js';

const name = `jbrecover-${process.pid}-${randomBytes(3).toString('hex')}`;
let server: StartedJackServer | null = null;
const service = new JackbayService({ serverName: name, retryIntervalMs: 200 });
const mirror = new GraphMirror(service);

afterAll(async () => {
  mirror.close();
  await service.close();
  await server?.stop();
});

function lsp(): string {
  const result = spawnSync('jack_lsp', [], {
    env: { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' },
    encoding: 'utf8',
  });
  return result.status === 0 ? result.stdout : '';
}

const last = () => mirror.statuses.at(-1);

describe('server down and up', () => {
  it('reports down with a reason while no server runs', async () => {
    service.start();
    await waitFor(() => last()?.server === 'down', 3000, 'down status');
    expect(last()?.reason).toMatch(/not running/);
    expect(last()).toMatchObject({ serverName: name, sampleRate: 0, transport: null });
    expect(await answer(service, 'connect', { source: 'a:b', destination: 'c:d' })).toEqual({
      error: { code: 'server-down', message: expect.stringMatching(/not running/) },
    });
    expect(await answer(service, 'transportStart', {})).toMatchObject({
      error: { code: 'server-down' },
    });
    expect(await answer(service, 'getSnapshot', {})).toEqual({
      result: { clients: [], ports: [], connections: [] },
    });
    // Still down a few retries later, and nothing was started on our behalf.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(service.isUp).toBe(false);
    expect(lsp()).toBe('');
  });

  it('connects by itself when a server appears', { timeout: SERVER_WAIT_MS + 20000 }, async () => {
    server = await startServer({ name });
    await waitFor(() => last()?.server === 'up', 5000, 'up status');
    expect(last()).toMatchObject({ reason: null, sampleRate: 48000, bufferSize: 256 });
    await waitFor(() => mirror.port('system:playback_2'), 3000, 'system ports in the mirror');
    expect(
      await answer(service, 'connect', {
        source: 'system:capture_1',
        destination: 'system:playback_1',
      }),
    ).toEqual({ result: null });
    await waitFor(() => mirror.connected('system:capture_1', 'system:playback_1'), 3000, 'conn');
  });

  it('goes down when the server stops, and empties the graph', async () => {
    await server?.stop();
    server = null;
    await waitFor(() => last()?.server === 'down', 5000, 'down again');
    expect(last()?.reason).toMatch(/shut down|went away|not running/);
    await waitFor(() => mirror.snapshot.ports.length === 0, 3000, 'empty graph');
    expect(mirror.snapshot).toEqual({ clients: [], ports: [], connections: [] });
  });

  it('comes back with a new server, and down again when it is killed outright', {
    timeout: 3 * SERVER_WAIT_MS,
  }, async () => {
    server = await startServer({ name, period: 512 });
    await waitFor(() => last()?.server === 'up', 5000, 'up again');
    expect(last()?.bufferSize).toBe(512);
    // A fresh server: its ports are there, and the connection made on the
    // last one is made again (the service remembers it: restore.ts).
    await waitFor(() => mirror.port('system:capture_1'), 3000, 'ports again');
    expect(lsp()).toContain('system:capture_1');
    await waitFor(
      () => mirror.connected('system:capture_1', 'system:playback_1'),
      3000,
      'the connection re-made',
    );

    server.process.kill('SIGKILL');
    await waitFor(() => last()?.server === 'down', 5000, 'down after SIGKILL');
    await waitFor(() => mirror.snapshot.ports.length === 0, 3000, 'empty graph');
    await server.stop();
    server = await startServer({ name });
    await waitFor(() => last()?.server === 'up', 5000, 'up after SIGKILL');
    await waitFor(() => mirror.port('system:capture_1'), 3000, 'ports once more');
  });
});
