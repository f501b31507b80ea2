// The web host's bounds on what a peer can make it do (issue 9, section 5):
// per-connection buffering of replies, connections (TCP and WebSocket), message
// rate, a token given twice, a symlink out of the static root, NUL in names.
// The slow reader runs against `jackbay serve` (its RSS is what we measure);
// the small limits against a host started in this process.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { JackbayService } from '../src/service.js';
import { startWebHost, type WebHost } from '../src/web-host.js';
import {
  type CliProcess,
  type ExecPeer,
  execPeer,
  type JackServer,
  lsp,
  runCli,
  SERVER_WAIT_MS,
  startServer,
  waitFor,
} from './helpers.js';

const TOKEN = 'limits-token_0123456789';
const LINE = /^Jackbay: http:\/\/127\.0\.0\.1:(\d+)\/#token=/;

let server: JackServer;
let staticDir: string;
let secretDir: string;
let cli: CliProcess;
let port: number;
let peer: ExecPeer;

beforeAll(async () => {
  server = await startServer();
  staticDir = mkdtempSync(join(tmpdir(), 'jackbay-static-'));
  secretDir = mkdtempSync(join(tmpdir(), 'jackbay-secret-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>limits</title>');
  writeFileSync(join(staticDir, 'inside.txt'), 'inside');
  writeFileSync(join(secretDir, 'secret.txt'), 'secret');
  symlinkSync(join(secretDir, 'secret.txt'), join(staticDir, 'leak.txt'));
  symlinkSync(secretDir, join(staticDir, 'leakdir'));
  symlinkSync('/etc/passwd', join(staticDir, 'passwd'));
  symlinkSync(join(staticDir, 'inside.txt'), join(staticDir, 'alias.txt'));
  // 256 ports make a snapshot of tens of kB: a reader that never reads fills
  // the bound quickly.
  peer = await execPeer(
    server,
    'bulk',
    "ps = [c.outports.register(f'out_{i}') for i in range(256)]",
  );
  cli = runCli(['serve', '--server', server.name, '--token', TOKEN, '--static', staticDir]);
  const match = LINE.exec(await cli.firstLine());
  if (!match) throw new Error('no URL line');
  port = Number(match[1]);
}, SERVER_WAIT_MS + 30000);

afterAll(async () => {
  await cli?.stop();
  await peer?.stop();
  await server?.stop();
  rmSync(staticDir, { recursive: true, force: true });
  rmSync(secretDir, { recursive: true, force: true });
});

function open(query = `?token=${TOKEN}`, at = port): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${at}/ws${query}`);
}

function refusedStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('accepted')));
    ws.once('error', () => resolve(0));
  });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

/** A request and its reply on an open socket. */
function call(
  ws: WebSocket,
  id: number,
  method: string,
  params: unknown = {},
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

describe('static files', () => {
  it('refuses symlinks that lead out of the static root, serves those that stay in', async () => {
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    for (const path of ['/leak.txt', '/leakdir/secret.txt', '/passwd']) {
      const result = await get(path);
      expect(result.status, path).toBe(404);
      expect(result.body).not.toMatch(/secret|root:/);
    }
    expect(await get('/alias.txt')).toEqual({ status: 200, body: 'inside' });
  });
});

describe('the token', () => {
  it('must appear exactly once', async () => {
    for (const query of [
      `?token=${TOKEN}&token=bad`,
      `?token=bad&token=${TOKEN}`,
      `?token=${TOKEN}&token=${TOKEN}`,
      `?token=&token=${TOKEN}`,
    ])
      expect(await refusedStatus(open(query)), query).toBe(401);
    const ws = open();
    await opened(ws);
    ws.close();
  });
});

describe('names with a NUL byte', () => {
  it('are refused as bad requests and change nothing', async () => {
    const ws = open();
    await opened(ws);
    try {
      expect(
        (await call(ws, 1, 'connect', { source: 'bulk:out_0', destination: 'system:playback_1' }))
          .result,
      ).toBeNull();
      const before = await lsp(server, ['-c']);
      const attempts: Array<[string, unknown]> = [
        ['disconnectAll', { port: 'bulk:out_0\u0000x' }],
        ['disconnect', { source: 'bulk:out_0\u0000x', destination: 'system:playback_1' }],
        ['connect', { source: 'bulk:out_1', destination: 'system:playback_1\u0000x' }],
        ['setPrettyName', { kind: 'port', name: 'bulk:out_0\u0000x', prettyName: 'x' }],
        ['setPrettyName', { kind: 'port', name: 'bulk:out_0', prettyName: 'a\u0000b' }],
      ];
      let id = 2;
      for (const [method, params] of attempts) {
        const reply = await call(ws, id++, method, params);
        expect((reply.error as { code: string } | undefined)?.code, method).toBe('bad-request');
        expect((reply.error as { message: string }).message).toMatch(/NUL/);
      }
      expect(await lsp(server, ['-c'])).toBe(before);
      expect((await call(ws, id++, 'disconnectAll', { port: 'bulk:out_0' })).result).toBeNull();
    } finally {
      ws.close();
    }
  });
});

describe('a peer that never reads its replies', () => {
  it('is dropped once its unread replies pass the bound; the memory of the host stays bounded', async () => {
    const pid = cli.child.pid as number;
    const base = rssKb(pid);
    const readers = Array.from({ length: 4 }, () => open());
    await Promise.all(readers.map(opened));
    const snapshotBytes = JSON.stringify(
      (await call(readers[0] as WebSocket, 0, 'getSnapshot')).result,
    ).length;
    let peak = base;
    const results = await Promise.all(
      readers.map(async (ws) => {
        // Stop reading: replies pile up in the kernel's buffers, then in the host's.
        (ws as unknown as { _socket: Socket })._socket.pause();
        const done = closed(ws);
        let sent = 0;
        let isClosed = false;
        void done.then(() => {
          isClosed = true;
        });
        // Within the rate limit: 100 requests every 150 ms.
        while (!isClosed && sent < 20000) {
          for (let i = 0; i < 100 && ws.readyState === WebSocket.OPEN; i++)
            ws.send(JSON.stringify({ id: ++sent, method: 'getSnapshot', params: {} }));
          peak = Math.max(peak, rssKb(pid));
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        return { sent, close: await done };
      }),
    );
    for (const { close } of results) expect(close.code).toBe(1006); // dropped, no close frame
    // Each was dropped long before 20,000 requests: a few MB of replies each.
    for (const { sent } of results) expect(sent).toBeLessThan(20000);
    // The host lives on and answers.
    const fresh = open();
    await opened(fresh);
    expect((await call(fresh, 1, 'getStatus')).result).toMatchObject({ server: 'up' });
    fresh.close();
    await waitFor(() => rssKb(pid) - base < 64 * 1024, 15000, 'RSS within 64 MB of the start');
    const after = rssKb(pid);
    console.log(
      `slow readers: snapshot ${snapshotBytes} B; requests sent before the drop ${results.map((r) => r.sent).join(', ')}; ` +
        `host RSS ${Math.round(base / 1024)} MB before, ${Math.round(peak / 1024)} MB peak, ${Math.round(after / 1024)} MB after`,
    );
    expect(peak - base).toBeLessThan(4 * 64 * 1024); // well under 4 × the 67 MB seen before
  }, 60_000);
});

describe('limits of a host with small ones', () => {
  let service: JackbayService;
  let host: WebHost;
  const MAX = 2;

  beforeAll(async () => {
    service = new JackbayService({ serverName: server.name });
    service.start();
    host = await startWebHost({
      service,
      token: TOKEN,
      staticDir,
      maxConnections: MAX,
      maxMessagesPerSecond: 50,
    });
  });
  afterAll(async () => {
    await host?.close();
    await service?.close();
  });

  it('refuses WebSockets over the limit, and TCP connections far over it', async () => {
    const kept = Array.from({ length: MAX }, () => open(undefined, host.port));
    await Promise.all(kept.map(opened));
    expect(await refusedStatus(open(undefined, host.port))).toBe(503);
    for (const ws of kept) ws.close();
    await Promise.all(kept.map(closed));
    // Idle TCP connections (an upgrade that never comes) count too: past
    // the limit the host stops taking connections until they go.
    const idle: Socket[] = [];
    for (let i = 0; i < MAX + 40; i++) {
      const socket = tcpConnect(host.port, '127.0.0.1');
      socket.on('error', () => {});
      idle.push(socket);
    }
    await Promise.all(idle.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    const refusedWhileFull = await new Promise<boolean>((resolve) => {
      const ws = open(undefined, host.port);
      ws.once('open', () => {
        ws.close();
        resolve(false);
      });
      ws.once('error', () => resolve(true));
      ws.once('unexpected-response', () => resolve(true));
    });
    expect(refusedWhileFull).toBe(true);
    for (const socket of idle) socket.destroy();
    await waitFor(
      async () => {
        const ws = open(undefined, host.port);
        const ok = await new Promise<boolean>((resolve) => {
          ws.once('open', () => resolve(true));
          ws.once('error', () => resolve(false));
          ws.once('unexpected-response', () => resolve(false));
        });
        ws.close();
        return ok;
      },
      5000,
      'a connection once the idle ones are gone',
    );
  });

  it('closes a connection that sends more messages than the rate limit, with a reason', async () => {
    const ws = open(undefined, host.port);
    await opened(ws);
    let replies = 0;
    ws.on('message', (data, isBinary) => {
      if (!isBinary && 'id' in JSON.parse(data.toString())) replies++;
    });
    const done = closed(ws);
    for (let i = 0; i < 500; i++)
      ws.send(JSON.stringify({ id: i, method: 'getStatus', params: {} }));
    expect(await done).toEqual({ code: 1008, reason: 'too many messages' });
    expect(replies).toBeLessThanOrEqual(101); // the burst allowance, twice the rate
    const next = open(undefined, host.port);
    await opened(next);
    expect((await call(next, 1, 'getStatus')).result).toMatchObject({ server: 'up' });
    next.close();
  });
});
