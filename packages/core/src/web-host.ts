// The web host: the built renderer over HTTP and the contract over WebSocket,
// for a headless machine or a browser instead of Electron.
//
// Wire protocol on ws://<host>:<port>/ws?token=<token> (text frames, JSON):
//   client -> server  RequestMessage   { id, method, params }   (params required; {} for none)
//   server -> client  ResponseMessage  { id, result } | { id, error: { code, message } }
//   server -> client  EventMessage     { event: 'graphPatch' | 'status', data }
//   server -> client  binary           a meter frame (meter-frame.ts) for this socket's setMeters,
//                                      or a MIDI frame (midi-frame.ts) for its setMidiMonitor
// A frame that is not JSON, or JSON without a usable id, is answered with id -1.
// Binary frames from the client close the socket with 1003, frames over the
// size limit with 1009.
//
// Auth: the token travels as the `token` query parameter of the WebSocket URL
// (browsers cannot set headers on a WebSocket). The upgrade is refused with
// 401 without the right token and 403 when a browser's Origin is not this
// host's own http origin, before any WebSocket exists.
// A page cannot read the status of a refused upgrade, so `GET /auth` with
// `Authorization: Bearer <token>` answers 204 for the right token and 401
// otherwise: the page asks when its socket is refused, and says so instead
// of retrying forever.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { answer } from './answer.js';
import {
  type EventMessage,
  type EventName,
  events,
  RequestMessage,
  type ResponseMessage,
} from './contract.js';
import type { MeterPeer } from './meters.js';
import type { MidiPeer } from './midi-monitors.js';
import type { JackbayService } from './service.js';
import { StaticFiles, securityHeaders } from './static-files.js';

export interface WebHostOptions {
  service: JackbayService;
  /** Address to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** The secret a WebSocket must present; default 24 random bytes, base64url. */
  token?: string;
  /** The built renderer; default packages/ui/dist next to this package. */
  staticDir?: string;
  /** Largest accepted WebSocket message in bytes. */
  maxMessageBytes?: number;
  /** Most WebSocket connections at once. */
  maxConnections?: number;
  log?: (message: string) => void;
}

export interface WebHost {
  /** The URL to open, with the token in the fragment: http://127.0.0.1:<port>/#token=<token> */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly staticDir: string;
  close(): Promise<void>;
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;
// A slow client that lets this much pile up is closed; it reconnects and
// fetches a fresh snapshot, which is cheaper than an unbounded queue.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
// Meter frames are worth sending only while they arrive on time: a socket
// with this much queued skips frames until it drains.
const MAX_METER_BUFFERED_BYTES = 256 * 1024;
// MIDI frames carry every event, so they may queue longer than meter frames.
const MAX_MIDI_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Throws a TypeError naming the rule when a token cannot be used. */
export function checkToken(token: string): string {
  if (!TOKEN_PATTERN.test(token))
    throw new TypeError('the token must be 1 to 256 characters from A-Z a-z 0-9 . _ ~ -');
  return token;
}

// The host as a browser writes it in a URL.
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  const colon = hostHeader.lastIndexOf(':');
  return colon >= 0 ? hostHeader.slice(0, colon) : hostHeader;
}

function refuse(socket: Socket, code: number, reason: string): void {
  const text = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { service } = options;
  const bindHost = options.host ?? '127.0.0.1';
  const token = checkToken(options.token ?? randomBytes(24).toString('base64url'));
  const tokenBytes = Buffer.from(token);
  const files = new StaticFiles(options.staticDir ?? DEFAULT_STATIC_DIR);
  const maxConnections = options.maxConnections ?? 64;
  const log = options.log ?? (() => {});

  const tokenMatches = (candidate: string | null): boolean => {
    if (candidate === null) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  // Browsers always send Origin on a WebSocket; other programs need not, and
  // still need the token. The origin must be the page this host served, and
  // the host an address or a name we were told to use: a foreign name that
  // resolves to us (DNS rebinding) is refused.
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const hostHeader = req.headers.host;
    if (!hostHeader || origin !== `http://${hostHeader}`) return false;
    const hostname = hostnameOf(hostHeader);
    return hostname === bindHost || hostname === 'localhost' || isIP(hostname) !== 0;
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes ?? 64 * 1024,
    perMessageDeflate: false,
  });

  const send = (ws: WebSocket, message: ResponseMessage | EventMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  // The response to one message, or null when the socket was closed instead.
  const respond = (
    ws: WebSocket,
    data: WebSocket.RawData,
    isBinary: boolean,
    meters: MeterPeer,
    midi: MidiPeer,
  ): ResponseMessage | Promise<ResponseMessage> | null => {
    if (isBinary) {
      ws.close(1003, 'text frames only');
      return null;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return { id: -1, error: { code: 'bad-request', message: 'the message is not JSON' } };
    }
    const parsed = RequestMessage.safeParse(message);
    if (!parsed.success) {
      const id = (message as { id?: unknown } | null)?.id;
      return {
        id: typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : -1,
        error: {
          code: 'bad-request',
          message: `not a request message: ${z.prettifyError(parsed.error)}`,
        },
      };
    }
    const { id, method, params } = parsed.data;
    return answer(service, method, params, meters, midi).then((body) => ({ id, ...body }));
  };

  const broadcast = (message: EventMessage): void => {
    if (wss.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.close(1013, 'too slow; reconnect');
      else ws.send(text);
    }
  };
  // Every event of the contract goes to every page.
  const unsubscribe = (Object.keys(events) as EventName[]).map((event) =>
    service.subscribe(event, (data) => broadcast({ event, data })),
  );

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/auth') {
      const header = req.headers.authorization ?? '';
      const candidate = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
      res.writeHead(tokenMatches(candidate) ? 204 : 401, {
        ...securityHeaders(req.headers.host),
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (path === '/ws') {
      res.writeHead(426, {
        ...securityHeaders(req.headers.host),
        Upgrade: 'websocket',
        'Content-Type': 'text/plain',
      });
      res.end('WebSocket only\n');
      return;
    }
    files.serve(req, res).catch(() => res.destroy());
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host');
    } catch {
      refuse(socket, 400, 'bad request');
      return;
    }
    if (url.pathname !== '/ws') return refuse(socket, 404, 'not found');
    if (!tokenMatches(url.searchParams.get('token')))
      return refuse(socket, 401, 'a valid token is required');
    if (!originAllowed(req)) return refuse(socket, 403, 'foreign origin');
    if (wss.clients.size >= maxConnections) return refuse(socket, 503, 'too many connections');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // ws reports protocol violations (oversized or malformed frames) here and
      // then closes the socket itself; the listener keeps them from being fatal.
      ws.on('error', (error) => log(`websocket: ${error.message}`));
      const meters = service.openMeters((frame) => {
        if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < MAX_METER_BUFFERED_BYTES)
          ws.send(frame, { binary: true });
      });
      // A MIDI frame that cannot go now is counted as lost by the service, never dropped unseen.
      const midi = service.openMidi((frame) => {
        if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount >= MAX_MIDI_BUFFERED_BYTES)
          return false;
        ws.send(frame, { binary: true });
        return true;
      });
      ws.on('close', () => {
        meters.close();
        midi.close();
      });
      const failed = (error: unknown) => {
        log(`websocket message failed: ${(error as Error).message}`);
        ws.close(1011, 'internal error');
      };
      // Responses go out in the order the requests came, however long each takes.
      let previous: Promise<void> = Promise.resolve();
      ws.on('message', (data, isBinary) => {
        let response: ReturnType<typeof respond>;
        try {
          response = respond(ws, data, isBinary, meters, midi);
        } catch (error) {
          failed(error);
          return;
        }
        if (response === null) return;
        const ready = response;
        previous = previous.then(async () => send(ws, await ready)).catch(failed);
      });
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);

  let closed = false;
  return {
    url: `http://${urlHost(bindHost)}:${port}/#token=${token}`,
    host: bindHost,
    port,
    token,
    staticDir: files.root,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const off of unsubscribe) off();
      for (const ws of wss.clients) {
        ws.close(1001, 'server shutting down');
        // A peer that never answers the close handshake must not hold us up.
        setTimeout(() => ws.terminate(), 500).unref();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
