// JackbayApi over the web host's WebSocket. Requests are `{id, method,
// params}`, answered by `{id, result}` or `{id, error: {code, message}}`;
// events arrive as `{event, data}`; binary messages are meter or MIDI frames
// (told apart by their kind). The socket reconnects by itself with a
// growing delay; requests made while it is down wait for it (up to a timeout).
// A socket refused before it ever opened may be a wrong token: the transport
// asks (checkToken) and, if so, stops and reports 'refused' instead of
// retrying forever.
import type {
  EventName,
  EventPayload,
  JackbayApi,
  RequestName,
  RequestParams,
  RequestResult,
} from '@jackbay/core/contract';
import { binaryFrameKind, MIDI_FRAME_KIND } from '@jackbay/core/midi-frame';
import { authenticatedUrl } from './endpoint';
import { RequestError, toRequestError } from './errors';

/** 'refused': the service turned this page's token down; nothing more is tried. */
export type LinkState = 'connecting' | 'open' | 'closed' | 'refused';

/** Where the renderer runs: the web host in a browser, or the desktop app. */
export type Host = 'web' | 'desktop';

/** A transport may also report whether it is connected; the renderer uses that when offered. */
export interface JackbayTransport extends JackbayApi {
  onLinkChange?(listener: (state: LinkState) => void): () => void;
  close?(): void;
  /** Where the renderer runs (the desktop app's transport does not say). */
  readonly host?: Host;
}

type SocketLike = Pick<WebSocket, 'readyState' | 'send' | 'close'> & {
  binaryType?: BinaryType;
  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
};

export interface WebSocketOptions {
  /** The WebSocket constructor (the browser's by default). */
  WebSocket?: new (
    url: string,
  ) => SocketLike;
  requestTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * Asked when a socket is refused before opening: false means the token is
   * wrong (stop), true or null (could not tell) mean try again.
   */
  checkToken?: () => Promise<boolean | null>;
}

const OPEN = 1;

interface Pending {
  text: string;
  /** Sent on the current socket; if not, it goes out when the next one opens. */
  sent: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

export function connectWebSocket(
  url: string,
  token: string | null,
  options: WebSocketOptions = {},
): JackbayTransport {
  const Ctor =
    options.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike);
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const minDelay = options.reconnectMinMs ?? 500;
  const maxDelay = options.reconnectMaxMs ?? 5_000;
  const target = authenticatedUrl(url, token);

  let socket: SocketLike | null = null;
  let state: LinkState = 'connecting';
  let delay = minDelay;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(s: LinkState) => void>();
  const meterListeners = new Set<(frame: ArrayBuffer | Uint8Array) => void>();
  const midiListeners = new Set<(frame: ArrayBuffer | Uint8Array) => void>();

  const setState = (s: LinkState) => {
    if (s === state) return;
    state = s;
    for (const l of linkListeners) l(s);
  };

  const onMessage = (raw: unknown) => {
    if (raw instanceof ArrayBuffer) {
      const to = binaryFrameKind(raw) === MIDI_FRAME_KIND ? midiListeners : meterListeners;
      for (const l of to) l(raw);
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(String(raw));
    } catch {
      return; // Not ours to crash on; the service only sends JSON.
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as {
      id?: unknown;
      result?: unknown;
      error?: unknown;
      event?: unknown;
      data?: unknown;
    };
    if (typeof m.event === 'string') {
      for (const l of listeners.get(m.event) ?? []) l(m.data);
      return;
    }
    if (typeof m.id !== 'number') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if ('error' in m && m.error !== undefined) p.reject(toRequestError(m.error));
    else p.resolve(m.result ?? null);
  };

  const open = () => {
    reconnectTimer = null;
    if (closed) return;
    setState('connecting');
    const s = new Ctor(target);
    s.binaryType = 'arraybuffer';
    socket = s;
    let opened = false;
    s.onopen = () => {
      opened = true;
      delay = minDelay;
      setState('open');
      for (const p of pending.values())
        if (!p.sent) {
          p.sent = true;
          s.send(p.text);
        }
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => {
      // A close always follows an error; reconnecting is handled there.
    };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Answers to requests sent on this socket will never come; requests
      // still waiting for a socket keep waiting for the next one.
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        clearTimeout(p.timer);
        p.reject(new RequestError('internal', 'The connection to the Jackbay service was lost.'));
        pending.delete(id);
      }
      if (closed) return setState('closed');
      const retry = () => {
        setState('closed');
        reconnectTimer = setTimeout(open, delay);
        delay = Math.min(maxDelay, delay * 2);
      };
      if (opened || !options.checkToken) return retry();
      void options.checkToken().then(
        (accepted) => {
          if (closed) return;
          if (accepted !== false) return retry();
          closed = true;
          for (const [id, p] of pending) {
            clearTimeout(p.timer);
            p.reject(new RequestError('internal', 'The Jackbay service refused this page.'));
            pending.delete(id);
          }
          setState('refused');
        },
        () => retry(),
      );
    };
  };

  const api: JackbayTransport = {
    host: 'web',
    request<M extends RequestName>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
      if (closed) return Promise.reject(new RequestError('internal', 'The transport is closed.'));
      const id = nextId++;
      const text = JSON.stringify({ id, method, params });
      return new Promise<RequestResult<M>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new RequestError('internal', `No answer from the Jackbay service to '${method}'.`),
          );
        }, timeoutMs);
        const sent = socket !== null && socket.readyState === OPEN;
        pending.set(id, { text, sent, resolve: resolve as (v: unknown) => void, reject, timer });
        if (sent) socket?.send(text);
      });
    },
    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    onMeterFrame(listener) {
      meterListeners.add(listener);
      return () => {
        meterListeners.delete(listener);
      };
    },
    onMidiFrame(listener) {
      midiListeners.add(listener);
      return () => {
        midiListeners.delete(listener);
      };
    },
    onLinkChange(listener) {
      linkListeners.add(listener);
      listener(state);
      return () => {
        linkListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close();
    },
  };
  open();
  return api;
}
