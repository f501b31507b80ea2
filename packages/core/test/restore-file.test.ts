// The restore memory outlives the service: a Jackbay started again shows the
// ghosts of the last run and re-makes their connections when they return.
// The file is written atomically, and an unreadable one is set aside.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { RestoreState } from '../src/contract.js';
import { readSavedMemory, SavedMemoryWriter } from '../src/restore-file.js';
import { JackbayService } from '../src/service.js';
import { execPeer, type JackServer, lsp, SERVER_WAIT_MS, startServer, waitFor } from './helpers.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'jackbay-memory-'));

describe('the restore memory file', () => {
  it('is written once for a burst of changes, and at once on flush', async () => {
    const path = join(fresh(), 'restore.json');
    const writer = new SavedMemoryWriter(path, () => {});
    const memory = (n: number) => ({
      version: 1 as const,
      enabled: true,
      mergeRules: [],
      connections: [{ source: `a:out_${n}`, destination: 'b:in' }],
      ghosts: [],
    });
    writer.write(memory(1));
    writer.write(memory(2));
    expect(readSavedMemory(path, () => {})).toBeNull();
    writer.flush();
    expect(readSavedMemory(path, () => {})?.connections).toEqual(memory(2).connections);
  });

  it('that cannot be read is set aside and reported; the memory starts empty', () => {
    const dir = fresh();
    const path = join(dir, 'restore.json');
    writeFileSync(path, '{"version":1,"enabled":"yes"}');
    const said: string[] = [];
    expect(readSavedMemory(path, (m) => said.push(m))).toBeNull();
    expect(said.join()).toMatch(/restore memory .* is unreadable .* set aside as .*corrupt-/);
    expect(readdirSync(dir).filter((f) => f.startsWith('restore.json.corrupt-'))).toHaveLength(1);
  });

  it('says why it cannot be written, and the service goes on', () => {
    const said: string[] = [];
    // A directory that is a file: no write can succeed.
    const file = join(fresh(), 'plain-file');
    writeFileSync(file, '');
    const writer = new SavedMemoryWriter(join(file, 'restore.json'), (m) => said.push(m));
    writer.write({ version: 1, enabled: true, mergeRules: [], connections: [], ghosts: [] });
    writer.flush();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/cannot keep the restore memory/);
  });
});

describe('a Jackbay started again', () => {
  let server: JackServer;
  const file = join(fresh(), 'restore.json');

  beforeAll(async () => {
    server = await startServer();
  }, SERVER_WAIT_MS);
  afterAll(async () => {
    await server?.stop();
  });

  const open = async () => {
    const service = new JackbayService({
      serverName: server.name,
      retryIntervalMs: 200,
      memoryFile: file,
    });
    service.start();
    await waitFor(() => service.isUp, 10000, 'service up');
    return service;
  };
  const request = async (service: JackbayService, method: string, params: object) => {
    const reply = await answer(service, method, params);
    if ('error' in reply) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result;
  };
  const fxConnections = async () =>
    (await lsp(server, ['-c'])).split('\n').filter((line) => /^\s+keepFx:/.test(line));

  it('shows the last run’s ghosts and re-makes their connections when they return', async () => {
    const first = await open();
    let fx = await execPeer(server, 'keepFx', `c.inports.register('in_1')`);
    await waitFor(() => first.snapshot().ports.some((p) => p.name === 'keepFx:in_1'), 5000, 'fx');
    await request(first, 'connect', { source: 'system:capture_1', destination: 'keepFx:in_1' });
    await waitFor(async () => (await fxConnections()).length === 1, 5000, 'connected');
    await waitFor(() => first.snapshot().connections.length === 1, 5000, 'seen');
    await first.close();
    await fx.stop();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { connections: unknown[] };
    expect(saved.connections).toEqual([{ source: 'system:capture_1', destination: 'keepFx:in_1' }]);

    const second = await open();
    try {
      const state = (await request(second, 'getRestore', {})) as RestoreState;
      expect(state.ghosts.clients.map((c) => c.name)).toEqual(['keepFx']);
      expect(state.connections).toEqual([
        { source: 'system:capture_1', destination: 'keepFx:in_1' },
      ]);
      fx = await execPeer(server, 'keepFx', `c.inports.register('in_1')`);
      await waitFor(async () => (await fxConnections()).length === 1, 5000, 're-made');
      await fx.stop();
    } finally {
      await second.close();
    }
  }, 60000);
});
