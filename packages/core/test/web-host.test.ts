// The web host as a user starts it (`jackbay serve`), checked over real HTTP
// and real WebSockets: the one printed line, static files, the token and
// Origin checks, garbage on the socket, and a full request/event round trip.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GraphPatch, GraphSnapshot, ServerStatus } from '../src/contract.js';
import { decodeMeterFrame, METER_FLOOR_DB } from '../src/meter-frame.js';
import {
  type CliProcess,
  connectedPortsOf,
  execPeer,
  type JackServer,
  lsp,
  runCli,
  SERVER_WAIT_MS,
  startServer,
  waitFor,
} from './helpers.js';

const TOKEN = 'test-token_0123456789';
const LINE = /^Jackbay: http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9._~-]+)$/;

let server: JackServer;
let staticDir: string;
let cli: CliProcess;
let port: number;

beforeAll(async () => {
  server = await startServer();
  staticDir = mkdtempSync(join(tmpdir(), 'jackbay-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>test renderer</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(tmpdir(), 'jackbay-secret.txt'), 'secret');
  cli = runCli(['serve', '--server', server.name, '--token', TOKEN, '--static', staticDir]);
  const line = await cli.firstLine();
  const match = LINE.exec(line);
  if (!match) throw new Error(`unexpected first line: ${line}`);
  port = Number(match[1]);
}, SERVER_WAIT_MS + 20000);

afterAll(async () => {
  await cli?.stop();
  await server?.stop();
  rmSync(staticDir, { recursive: true, force: true });
});

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(path: string, method = 'GET'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket client that collects what it receives. */
class Client {
  readonly ws: WebSocket;
  readonly messages: Array<Record<string, unknown>> = [];
  readonly binary: Buffer[] = [];
  #nextId = 1;

  constructor(query = `?token=${TOKEN}`, origin?: string) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, origin ? { origin } : {});
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) this.binary.push(data as Buffer);
      else this.messages.push(JSON.parse(data.toString()));
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Resolves with the HTTP status of a refused upgrade. */
  refused(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      this.ws.once('open', () => reject(new Error('the connection was accepted')));
    });
  }

  closed(): Promise<number> {
    return new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  async call(method: string, params: unknown = {}): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return this.response(id);
  }

  async response(id: number): Promise<Record<string, unknown>> {
    const found = await waitFor(
      () => this.messages.find((m) => m.id === id),
      5000,
      `response ${id}`,
    );
    return found as Record<string, unknown>;
  }

  events(name: string): unknown[] {
    return this.messages.filter((m) => m.event === name).map((m) => m.data);
  }
}

describe('jackbay serve', () => {
  it('prints exactly one line, the URL with the token', async () => {
    // Give it time to print anything else it might.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const lines = cli.stdout().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(lines[0]).toMatch(LINE);
    expect(lines[0]).toContain(`#token=${TOKEN}`);
  });

  it('makes up a random token when given none, and refuses a bad one', async () => {
    const other = runCli(['serve', '--server', server.name, '--port', '0', '--static', staticDir]);
    try {
      const match = LINE.exec(await other.firstLine());
      expect(match?.[2]).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Number(match?.[1])).not.toBe(port);
    } finally {
      await other.stop();
    }
    const bad = runCli(['serve', '--token', 'has space', '--server', server.name]);
    expect((await bad.exited()).code).toBe(2);
    expect(bad.stdout()).toBe('');
    expect(bad.stderr()).toMatch(/token/);
  });

  it('listens on the port it is told', async () => {
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const other = runCli([
      'serve',
      '--server',
      server.name,
      '--host',
      '127.0.0.1',
      '--port',
      String(free),
      '--token',
      'abc',
    ]);
    try {
      expect(await other.firstLine()).toBe(`Jackbay: http://127.0.0.1:${free}/#token=abc`);
    } finally {
      await other.stop();
    }
    const bad = runCli(['serve', '--port', '70000']);
    expect((await bad.exited()).code).toBe(2);
    expect(bad.stdout()).toBe('');
  });

  it('serves the renderer and nothing outside it', async () => {
    const index = await http('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('test renderer');
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const script = await http('/assets/app-1234.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await http('/assets/app-1234.js', 'HEAD')).body).toBe('');
    expect((await http('/', 'POST')).status).toBe(405);
    expect((await http('/missing.js')).status).toBe(404);
    for (const path of [
      '/../jackbay-secret.txt',
      '/%2e%2e/jackbay-secret.txt',
      '/assets/..%2f..%2fjackbay-secret.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const result = await http(path);
      expect(result.status, path).toBe(404);
      expect(result.body).not.toContain('secret');
    }
    expect((await http('/ws')).status).toBe(426);
  });

  it('refuses a WebSocket without the right token', async () => {
    expect(await new Client('').refused()).toBe(401);
    expect(await new Client('?token=wrong').refused()).toBe(401);
    expect(await new Client(`?token=${TOKEN}x`).refused()).toBe(401);
    expect(await new Client(`?token=${TOKEN.slice(0, -1)}`).refused()).toBe(401);
  });

  it('tells a page whether its token is right: GET /auth', async () => {
    const status = async (authorization?: string) =>
      (
        await fetch(`http://127.0.0.1:${port}/auth`, {
          headers: authorization ? { authorization } : {},
        })
      ).status;
    expect(await status(`Bearer ${TOKEN}`)).toBe(204);
    expect(await status('Bearer wrong')).toBe(401);
    expect(await status(`Bearer ${TOKEN}x`)).toBe(401);
    expect(await status(TOKEN)).toBe(401);
    expect(await status()).toBe(401);
  });

  it('refuses a foreign Origin, accepts its own', async () => {
    expect(await new Client(undefined, 'http://evil.example').refused()).toBe(403);
    expect(await new Client(undefined, `http://evil.example:${port}`).refused()).toBe(403);
    expect(await new Client(undefined, `https://127.0.0.1:${port}`).refused()).toBe(403);
    expect(await new Client(undefined, 'null').refused()).toBe(403);
    const own = new Client(undefined, `http://127.0.0.1:${port}`);
    await own.opened();
    own.ws.close();
    const localhost = new Client(undefined, `http://localhost:${port}`);
    // The Host header says 127.0.0.1 here, so localhost is another origin.
    expect(await localhost.refused()).toBe(403);
  });

  it('answers garbage with typed errors and stays up', async () => {
    const client = new Client();
    await client.opened();
    const send = (text: string) => client.ws.send(text);
    send('not json');
    send('[1, 2, 3]');
    send('null');
    send('{"id": "seven", "method": "getStatus"}');
    send('{"id": 7, "method": 12}');
    send('{"id": 8, "method": "getStatus", "params": {}, "extra": 1}');
    send('{"id": 9, "method": "launchMissiles", "params": {}}');
    send('{"id": 10, "method": "connect", "params": {"source": 1}}');
    send('{"id": 11, "method": "__proto__", "params": {}}');
    send('{"id": 12, "method": "getStatus"}');
    // Responses only: status events arrive on the same socket meanwhile.
    const responses = () => client.messages.filter((m) => 'id' in m);
    await waitFor(() => responses().length >= 10, 5000, 'ten answers');
    const errors = responses().map((m) => (m.error as { code: string } | undefined)?.code);
    expect(errors).toEqual([
      'bad-request',
      'bad-request',
      'bad-request',
      'bad-request',
      'bad-request',
      'bad-request',
      'unknown-method',
      'bad-request',
      'unknown-method',
      'bad-request', // params must be present, even if empty
    ]);
    expect(responses().map((m) => m.id)).toEqual([-1, -1, -1, -1, 7, 8, 9, 10, 11, 12]);
    // Still answering on the same socket.
    expect((await client.call('getStatus', {})).result).toMatchObject({ server: 'up' });

    // A binary frame and an oversized message close the socket, nothing else.
    client.ws.send(Buffer.from([1, 2, 3]));
    expect(await client.closed()).toBe(1003);
    const big = new Client();
    await big.opened();
    big.ws.send(JSON.stringify({ id: 1, method: 'getStatus', params: { x: 'y'.repeat(200000) } }));
    expect(await big.closed()).toBe(1009);

    const after = new Client();
    await after.opened();
    expect((await after.call('getStatus')).result).toMatchObject({ server: 'up' });
    after.ws.close();
  });

  it('sends meter frames as binary messages to the socket that asked, and drops its taps when it closes', async () => {
    const metered = new Client();
    const other = new Client();
    await Promise.all([metered.opened(), other.opened()]);
    const status = ServerStatus.parse((await metered.call('getStatus')).result);
    const probes = async () => connectedPortsOf(status.ownClient, await lsp(server, ['-c']));
    try {
      const response = await metered.call('setMeters', {
        ports: ['system:capture_1', 'system:capture_2'],
      });
      expect(response.result).toEqual({ generation: 1 });
      const frame = decodeMeterFrame(
        (await waitFor(() => metered.binary.at(0), 3000, 'a binary meter frame')) as Buffer,
      );
      expect(frame?.generation).toBe(1);
      expect(frame?.values.length).toBe(6);
      expect(frame?.values[0]).toBe(METER_FLOOR_DB);
      expect(await probes()).toHaveLength(2);
      expect(other.binary).toHaveLength(0);
      const closed = metered.closed();
      metered.ws.close();
      await closed;
      await waitFor(async () => (await probes()).length === 0, 5000, 'probes gone');
      expect(other.binary).toHaveLength(0);
    } finally {
      metered.ws.close();
      other.ws.close();
    }
  });

  it('does a full round trip: snapshot, connect, patch event, status events', async () => {
    const peer = await execPeer(server, 'ws peer', "o = c.outports.register('out')");
    const client = new Client();
    await client.opened();
    try {
      await waitFor(
        async () => {
          const snap = GraphSnapshot.parse((await client.call('getSnapshot', {})).result);
          return snap.ports.some((p) => p.name === 'ws peer:out');
        },
        5000,
        'peer port in the snapshot',
      );
      const response = await client.call('connect', {
        source: 'ws peer:out',
        destination: 'system:playback_1',
      });
      expect(response).toEqual({ id: expect.any(Number), result: null });
      expect(await lsp(server, ['-c', 'ws peer:out'])).toContain('system:playback_1');
      await waitFor(
        () =>
          client
            .events('graphPatch')
            .map((data) => GraphPatch.parse(data))
            .some((patch) =>
              patch.connectionsAdded.some(
                (c) => c.source === 'ws peer:out' && c.destination === 'system:playback_1',
              ),
            ),
        3000,
        'graphPatch event with the connection',
      );
      const failed = await client.call('connect', {
        source: 'ws peer:out',
        destination: 'system:playback_1',
      });
      expect(failed.error).toEqual({ code: 'already-connected', message: expect.any(String) });

      // Patches from someone else reach us too.
      await peer.run('o.disconnect()');
      await waitFor(
        () =>
          client
            .events('graphPatch')
            .some((data) =>
              GraphPatch.parse(data).connectionsRemoved.some((c) => c.source === 'ws peer:out'),
            ),
        3000,
        'removal event',
      );
      await waitFor(() => client.events('status').length >= 2, 3000, 'status events');
      for (const status of client.events('status')) ServerStatus.parse(status);
    } finally {
      client.ws.close();
      await peer.stop();
    }
  });
});
