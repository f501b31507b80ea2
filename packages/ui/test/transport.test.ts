import { afterEach, describe, expect, it, vi } from 'vitest';
import { authenticatedUrl, readToken, TOKEN_STORAGE_KEY, webSocketBase } from '../src/api/endpoint';
import { RequestError, toRequestError } from '../src/api/errors';
import { connectWebSocket, type LinkState } from '../src/api/ws';

/**
 * The browser's WebSocket, reduced to what the transport touches, with hooks
 * to play the server's part: open, answer, push, drop.
 */
class Socket {
  static all: Socket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  constructor(readonly url: string) {
    Socket.all.push(this);
  }
  send(text: string) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
}

const last = () => Socket.all[Socket.all.length - 1] as Socket;

function connect(opts = {}) {
  return connectWebSocket('ws://127.0.0.1:7000/ws', 'sekret', {
    WebSocket: Socket,
    reconnectMinMs: 10,
    reconnectMaxMs: 40,
    requestTimeoutMs: 200,
    ...opts,
  });
}

afterEach(() => {
  Socket.all = [];
  vi.useRealTimers();
});

describe('WebSocket transport', () => {
  it('puts the token on the URL', () => {
    connect();
    expect(last().url).toBe('ws://127.0.0.1:7000/ws?token=sekret');
  });

  it('matches answers to requests by id, in any order', async () => {
    const api = connect();
    last().open();
    const a = api.request('getStatus', {});
    const b = api.request('connect', { source: 'x:o', destination: 'y:i' });
    const [ma, mb] = last().sent as Array<{ id: number; method: string; params: unknown }>;
    expect(ma?.method).toBe('getStatus');
    expect(mb).toEqual({
      id: mb?.id,
      method: 'connect',
      params: { source: 'x:o', destination: 'y:i' },
    });
    last().receive({ id: mb?.id, result: null });
    last().receive({ id: ma?.id, result: { server: 'down' } });
    await expect(a).resolves.toEqual({ server: 'down' });
    await expect(b).resolves.toBeNull();
  });

  it('rejects with the server’s code and message', async () => {
    const api = connect();
    last().open();
    const p = api.request('connect', { source: 'x:o', destination: 'y:i' });
    const id = (last().sent[0] as { id: number }).id;
    last().receive({ id, error: { code: 'incompatible-types', message: 'audio to MIDI' } });
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ code: 'incompatible-types', message: 'audio to MIDI' });
  });

  it('delivers events to their subscribers only, until unsubscribed', () => {
    const api = connect();
    last().open();
    const patches: unknown[] = [];
    const statuses: unknown[] = [];
    const off = api.subscribe('graphPatch', (p) => patches.push(p));
    api.subscribe('status', (s) => statuses.push(s));
    last().receive({ event: 'graphPatch', data: { n: 1 } });
    off();
    last().receive({ event: 'graphPatch', data: { n: 2 } });
    last().receive({ event: 'status', data: { s: 1 } });
    expect(patches).toEqual([{ n: 1 }]);
    expect(statuses).toEqual([{ s: 1 }]);
  });

  it('ignores garbage instead of crashing', () => {
    const api = connect();
    last().open();
    const seen: unknown[] = [];
    api.subscribe('status', (s) => seen.push(s));
    last().onmessage?.({ data: 'not json' } as MessageEvent);
    last().receive(42);
    last().receive({ id: 999, result: 1 });
    expect(seen).toEqual([]);
  });

  it('holds requests made before the socket opens and sends them when it does', async () => {
    const api = connect();
    const p = api.request('getSnapshot', {});
    expect(last().sent).toEqual([]);
    last().open();
    const id = (last().sent[0] as { id: number }).id;
    last().receive({ id, result: { clients: [] } });
    await expect(p).resolves.toEqual({ clients: [] });
  });

  it('fails requests lost with a dropped socket, reconnects, and reports the link state', async () => {
    const states: LinkState[] = [];
    const api = connect();
    api.onLinkChange?.((s) => states.push(s));
    last().open();
    const lost = api.request('getStatus', {});
    last().drop();
    await expect(lost).rejects.toMatchObject({ message: expect.stringMatching(/lost/) });
    await vi.waitFor(() => expect(Socket.all).toHaveLength(2));
    last().open();
    expect(states).toEqual(['connecting', 'open', 'closed', 'connecting', 'open']);
  });

  it('stops and reports "refused" when a socket is refused and the token is wrong', async () => {
    const states: LinkState[] = [];
    let asked = 0;
    const api = connect({
      checkToken: async () => {
        asked++;
        return false;
      },
    });
    api.onLinkChange?.((s) => states.push(s));
    const pending = api.request('getStatus', {});
    last().drop();
    await expect(pending).rejects.toBeInstanceOf(RequestError);
    await new Promise((r) => setTimeout(r, 60));
    expect(states.at(-1)).toBe('refused');
    expect(states).not.toContain('closed');
    expect(Socket.all).toHaveLength(1);
    expect(asked).toBe(1);
  });

  it('keeps retrying when the token is right or the host cannot tell', async () => {
    for (const answer of [true, null]) {
      Socket.all = [];
      const api = connect({ checkToken: async () => answer });
      last().drop();
      await vi.waitFor(() => expect(Socket.all.length).toBeGreaterThan(1));
      api.close?.();
    }
  });

  it('does not ask about the token when an open socket drops', async () => {
    let asked = 0;
    const api = connect({
      checkToken: async () => {
        asked++;
        return false;
      },
    });
    last().open();
    last().drop();
    await vi.waitFor(() => expect(Socket.all.length).toBe(2));
    expect(asked).toBe(0);
    api.close?.();
  });

  it('times out a request nobody answers', async () => {
    const api = connect({ requestTimeoutMs: 30 });
    last().open();
    await expect(api.request('getStatus', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('stops for good when closed', async () => {
    const api = connect();
    last().open();
    api.close?.();
    await new Promise((r) => setTimeout(r, 60));
    expect(Socket.all).toHaveLength(1);
    await expect(api.request('getStatus', {})).rejects.toBeInstanceOf(RequestError);
  });
});

describe('endpoint', () => {
  const store = () => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      m,
    };
  };

  it('reads the token from the fragment and remembers it for a reload without one', () => {
    const s = store();
    expect(readToken({ hash: '#token=abc%2B1' }, s)).toBe('abc+1');
    expect(s.m.get(TOKEN_STORAGE_KEY)).toBe('abc+1');
    expect(readToken({ hash: '' }, s)).toBe('abc+1');
    expect(readToken({ hash: '' }, null)).toBeNull();
  });

  it('derives ws:// or wss:// from the page', () => {
    expect(webSocketBase({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe(
      'ws://127.0.0.1:8080/ws',
    );
    expect(webSocketBase({ protocol: 'https:', host: 'box.local' })).toBe('wss://box.local/ws');
    expect(authenticatedUrl('ws://h/ws', 'a b&c')).toBe('ws://h/ws?token=a+b%26c');
    expect(authenticatedUrl('ws://h/ws', null)).toBe('ws://h/ws');
  });
});

describe('errors', () => {
  it('keeps a known code and falls back to internal', () => {
    expect(toRequestError({ code: 'server-down', message: 'no' })).toMatchObject({
      code: 'server-down',
    });
    expect(toRequestError({ code: 'bogus', message: 'x' })).toMatchObject({
      code: 'internal',
      message: 'x',
    });
    expect(toRequestError(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
    expect(toRequestError('plain')).toMatchObject({ code: 'internal', message: 'plain' });
  });
});
