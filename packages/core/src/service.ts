// The Jackbay service: one JACK client that watches the graph and serves the
// contract's requests. It survives the server coming and going: while no
// server runs it reports 'down' and keeps trying, and connects by itself when
// one appears.
import {
  Client,
  getProperty,
  JackOpenError,
  METADATA_PRETTY_NAME,
  POSITION_BBT,
  type Port,
} from '@jackbay/jack-native';
import {
  type EventName,
  type EventPayload,
  type JackbayApi,
  parseRequest,
  type RequestName,
  type RequestParams,
  type RequestResult,
  type RpcError,
  type ServerStatus,
  type TransportInfo,
} from './contract.js';
import { JackbayRpcError, toRpcError } from './errors.js';
import { GraphReader, isSessionError } from './graph.js';
import { routeLibjackMessages } from './libjack-messages.js';
import { metadataStoreId } from './metadata-store.js';
import {
  diffStates,
  emptyState,
  type GraphState,
  isEmptyPatch,
  snapshotFromState,
} from './patch.js';

export interface ServiceOptions {
  /** The JACK server to use; default JACK_DEFAULT_SERVER, else 'default'. */
  serverName?: string;
  /** Name of the service's own JACK client (it has no ports, so it is not in the graph). */
  clientName?: string;
  /** How often to try again while no server runs. */
  retryIntervalMs?: number;
  /** How often status (DSP load, transport) is sampled; it is sent when it changed. */
  statusIntervalMs?: number;
  /** Upper bound for graphPatch events per second. */
  maxPatchesPerSecond?: number;
  /** How often everything is re-read in full (aliases change without a notification). */
  reconcileIntervalMs?: number;
  /** Marks the status as a demo (set by createService when it runs the demo). */
  demo?: boolean;
  /** Diagnostics: server up/down, libjack's messages when `verbose`. */
  log?: (message: string) => void;
  /** Pass libjack's error and info messages to `log`. */
  verbose?: boolean;
}

/** A response body as the wire carries it (the web host adds the request id). */
export type ResponseBody = { result: unknown } | { error: RpcError };

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
type Handlers = { [M in RequestName]: (params: RequestParams<M>) => RequestResult<M> };

interface Session {
  client: Client;
  reader: GraphReader;
  /** The JACK2 metadata store this process's libjack opened (see metadata-store.ts). */
  storeId: string | null;
}

// JACK's transport state codes (jack/transport.h).
const TRANSPORT_STATES: Record<number, TransportInfo['state']> = {
  0: 'stopped',
  1: 'rolling',
  3: 'starting',
  4: 'netstarting',
};

// After a port or client comes or goes, JACK2 may still list a port that was
// just unregistered (jack2 #617); one more read a little later settles it.
const SETTLE_MS = 300;
// Status changes that cannot wait for the next regular sample (xruns,
// transport requests) still come at most this often.
const STATUS_MIN_MS = 50;

export class JackbayService implements JackbayApi {
  readonly serverName: string;
  readonly #clientName: string;
  readonly #retryMs: number;
  readonly #statusMs: number;
  readonly #patchIntervalMs: number;
  readonly #reconcileMs: number;
  readonly #demo: boolean;
  readonly #log: (message: string) => void;

  #session: Session | null = null;
  #downReason = 'not connected yet';
  #published: GraphState = emptyState();
  #lastPatchAt = Number.NEGATIVE_INFINITY;
  #lastReadAt = Number.NEGATIVE_INFINITY;
  #xrunCount = 0;
  #lastXrunDelayUs: number | null = null;
  #lastStatusJson = '';
  #lastStatusAt = Number.NEGATIVE_INFINITY;
  #statusSoon: NodeJS.Timeout | null = null;
  #closed = false;
  #onClose: Array<() => Promise<void> | void> = [];

  #refreshTimer: NodeJS.Timeout | null = null;
  #settleTimer: NodeJS.Timeout | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #statusTimer: NodeJS.Timeout | null = null;
  #reconcileTimer: NodeJS.Timeout | null = null;

  readonly #listeners: { [E in EventName]: Set<Listener<E>> } = {
    graphPatch: new Set(),
    status: new Set(),
  };

  constructor(options: ServiceOptions = {}) {
    this.serverName = options.serverName ?? process.env.JACK_DEFAULT_SERVER ?? 'default';
    this.#clientName = options.clientName ?? 'jackbay';
    this.#retryMs = options.retryIntervalMs ?? 1000;
    this.#statusMs = options.statusIntervalMs ?? 100;
    this.#patchIntervalMs = Math.ceil(1000 / (options.maxPatchesPerSecond ?? 60));
    this.#reconcileMs = options.reconcileIntervalMs ?? 5000;
    this.#demo = options.demo ?? false;
    this.#log = options.log ?? (() => {});
    const verbose = options.verbose ?? false;
    routeLibjackMessages(verbose ? (message) => this.#log(`libjack: ${message}`) : () => {});
  }

  /** Makes the first connection attempt; later ones follow by themselves. */
  start(): void {
    if (this.#closed || this.#session || this.#retryTimer) return;
    this.#connect();
  }

  /** Runs `fn` when the service closes (e.g. to stop a demo server). */
  onClose(fn: () => Promise<void> | void): void {
    this.#onClose.push(fn);
  }

  get isUp(): boolean {
    return this.#session !== null;
  }

  // ---- The API: requests and events

  /** Validates and serves one request; never throws. */
  async handle(method: string, params: unknown): Promise<ResponseBody> {
    return this.handleSync(method, params);
  }

  /** As handle(), synchronously (every JACK call here is synchronous). */
  handleSync(method: string, params: unknown): ResponseBody {
    const parsed = parseRequest(typeof method === 'string' ? method : String(method), params);
    if (!parsed.ok) return { error: parsed.error };
    try {
      const handler = this.#handlers[parsed.method] as (p: unknown) => unknown;
      return { result: handler(parsed.params) };
    } catch (error) {
      if (isSessionError(error)) this.#lost(`the JACK server went away`);
      return { error: toRpcError(error) };
    }
  }

  /** JackbayApi: resolves with the result or rejects with a JackbayRpcError. */
  async request<M extends RequestName>(
    method: M,
    params: RequestParams<M>,
  ): Promise<RequestResult<M>> {
    const response = this.handleSync(method, params);
    if ('error' in response) throw new JackbayRpcError(response.error.code, response.error.message);
    return response.result as RequestResult<M>;
  }

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners[event] as Set<Listener<E>> | undefined;
    if (!set) throw new TypeError(`unknown event '${String(event)}'`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** The current status (also what getStatus returns). */
  status(): ServerStatus {
    return this.#statusOrDown();
  }

  #readStatus(): ServerStatus {
    const session = this.#session;
    const base = {
      serverName: this.serverName,
      xrunCount: this.#xrunCount,
      lastXrunDelayUs: this.#lastXrunDelayUs,
      demo: this.#demo,
    };
    if (!session)
      return {
        server: 'down',
        reason: this.#downReason,
        sampleRate: 0,
        bufferSize: 0,
        latencyMs: 0,
        dspLoad: 0,
        transport: null,
        ...base,
      };
    const { client } = session;
    const sampleRate = client.samplerate;
    const bufferSize = client.blocksize;
    return {
      server: 'up',
      reason: null,
      sampleRate,
      bufferSize,
      latencyMs: sampleRate > 0 ? (bufferSize / sampleRate) * 1000 : 0,
      dspLoad: Math.round(client.cpuLoad() * 100) / 100,
      transport: this.#transport(client),
      ...base,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of [
      this.#refreshTimer,
      this.#settleTimer,
      this.#retryTimer,
      this.#statusTimer,
      this.#reconcileTimer,
      this.#statusSoon,
    ])
      if (timer) clearTimeout(timer);
    this.#closeSession();
    this.#listeners.graphPatch.clear();
    this.#listeners.status.clear();
    for (const fn of this.#onClose.splice(0)) {
      try {
        await fn();
      } catch (error) {
        this.#log(`while closing: ${(error as Error).message}`);
      }
    }
  }

  // ---- Requests

  readonly #handlers: Handlers = {
    getSnapshot: () => snapshotFromState(this.#published),
    getStatus: () => this.#statusOrDown(),
    connect: ({ source, destination }) => {
      const client = this.#client();
      client.connect(this.#port(client, source), this.#port(client, destination));
      this.#scheduleRefresh();
      return null;
    },
    disconnect: ({ source, destination }) => {
      const client = this.#client();
      const src = this.#port(client, source);
      const dst = this.#port(client, destination);
      if (src.isOutput && dst.isInput && !client.getAllConnections(src).includes(dst))
        throw new JackbayRpcError(
          'not-connected',
          `'${source}' is not connected to '${destination}'`,
        );
      client.disconnect(src, dst);
      this.#scheduleRefresh();
      return null;
    },
    disconnectAll: ({ port }) => {
      const client = this.#client();
      const own = this.#port(client, port);
      for (const other of client.getAllConnections(own)) {
        try {
          if (own.isOutput) client.disconnect(own, other);
          else client.disconnect(other, own);
        } catch (error) {
          // The other end may have gone meanwhile; that connection is gone too.
          if (isSessionError(error)) throw error;
        }
      }
      this.#scheduleRefresh();
      return null;
    },
    setPrettyName: ({ kind, name, prettyName }) => {
      // Written into a deleted store, the name would reach nobody.
      this.#renewIfStoreReplaced(true);
      const client = this.#client();
      let uuid: string;
      if (kind === 'port') uuid = this.#port(client, name).uuid;
      else {
        try {
          uuid = client.getUuidForClientName(name);
        } catch (error) {
          if (isSessionError(error)) throw error;
          throw new JackbayRpcError('client-not-found', `no JACK client named '${name}'`);
        }
      }
      // An empty name would show as a blank label; it means "no pretty name".
      if (prettyName === null || prettyName === '') {
        if (getProperty(uuid, METADATA_PRETTY_NAME) !== null)
          client.removeProperty(uuid, METADATA_PRETTY_NAME);
      } else {
        client.setProperty(uuid, METADATA_PRETTY_NAME, prettyName, 'text/plain');
      }
      this.#session?.reader.metadataChanged();
      this.#scheduleRefresh();
      return null;
    },
    transportStart: () => {
      this.#client().transportStart();
      this.#scheduleStatus();
      return null;
    },
    transportStop: () => {
      this.#client().transportStop();
      this.#scheduleStatus();
      return null;
    },
    transportLocate: ({ frame }) => {
      this.#client().transportFrame = frame;
      this.#scheduleStatus();
      return null;
    },
    setBufferSize: ({ frames }) => {
      this.#client().blocksize = frames;
      this.#scheduleStatus();
      return null;
    },
  };

  #client(): Client {
    const session = this.#session;
    if (!session) throw new JackbayRpcError('server-down', `no JACK server: ${this.#downReason}`);
    return session.client;
  }

  #port(client: Client, name: string): Port {
    try {
      return client.getPortByName(name);
    } catch (error) {
      if (isSessionError(error)) throw error;
      throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
    }
  }

  #transport(client: Client): TransportInfo {
    const [state, position] = client.transportQueryStruct();
    return {
      state: TRANSPORT_STATES[state] ?? 'stopped',
      frame: position.frame,
      frameRate: position.frameRate,
      bbt:
        (position.valid & POSITION_BBT) === 0
          ? null
          : {
              bar: position.bar,
              beat: position.beat,
              tick: position.tick,
              beatsPerBar: position.beatsPerBar,
              beatType: position.beatType,
              beatsPerMinute: position.beatsPerMinute,
            },
    };
  }

  // Reading the status is how a dead server is noticed when no shutdown
  // notification came; then the status says 'down'.
  #statusOrDown(): ServerStatus {
    try {
      return this.#readStatus();
    } catch (error) {
      if (!isSessionError(error)) throw error;
      this.#lost('the JACK server went away');
      return this.#readStatus();
    }
  }

  // ---- Connection to the server

  // `renewing`: the old session was closed on purpose and the graph published
  // from it still stands; the new session's first read patches it.
  #connect(renewing = false): void {
    this.#retryTimer = null;
    if (this.#closed) return;
    const fail = (reason: string): void => {
      if (renewing) this.#publish(emptyState());
      this.#down(reason);
    };
    let client: Client;
    try {
      client = new Client(this.#clientName, { noStartServer: true, serverName: this.serverName });
    } catch (error) {
      fail(this.#openFailure(error));
      return;
    }
    try {
      const reader = new GraphReader(client);
      this.#session = { client, reader, storeId: metadataStoreId() };
      this.#listen(client, reader);
      client.activate();
    } catch (error) {
      this.#session = null;
      try {
        client.close();
      } catch {
        // Already unusable; nothing more to release.
      }
      fail(`could not start the JACK client: ${(error as Error).message}`);
      return;
    }
    if (!renewing) {
      this.#xrunCount = 0;
      this.#lastXrunDelayUs = null;
      this.#log(`connected to JACK server '${this.serverName}'`);
    }
    this.#refresh();
    this.#emitStatus();
    this.#statusTimer = setInterval(() => this.#emitStatus(), this.#statusMs);
    this.#statusTimer.unref();
    this.#reconcileTimer = setInterval(() => {
      if (this.#renewIfStoreReplaced()) return;
      this.#session?.reader.everythingChanged();
      this.#scheduleRefresh();
    }, this.#reconcileMs);
    this.#reconcileTimer.unref();
  }

  // Reopens the client when JACK2's metadata store was replaced under us
  // (metadata-store.ts); true when it did. From a notification it waits for
  // the next turn (closing the client inside the library's dispatch would cut
  // the batch short); before a write it happens at once.
  #renewIfStoreReplaced(now = false): boolean {
    const session = this.#session;
    if (!session) return false;
    const current = metadataStoreId();
    if (current === session.storeId) return false;
    if (session.storeId === null) {
      // Created since we connected (libjack creates it on first use).
      session.storeId = current;
      return false;
    }
    // Deleted (and perhaps created anew): what we have open reaches nobody.
    this.#log('the JACK2 metadata store was deleted (another jackd stopped); reopening');
    session.storeId = current;
    const renew = () => {
      if (this.#session !== session) return;
      this.#closeSession();
      this.#connect(true);
    };
    if (now) renew();
    else setImmediate(renew);
    return true;
  }

  #openFailure(error: unknown): string {
    if (error instanceof JackOpenError) {
      if (error.status.serverFailed || error.status.serverError)
        return `JACK server '${this.serverName}' is not running`;
      return `could not connect to JACK server '${this.serverName}' (${error.status.flags.join(', ')})`;
    }
    return (error as Error).message;
  }

  #listen(client: Client, reader: GraphReader): void {
    const changed = (): void => {
      this.#scheduleRefresh();
      this.#scheduleSettle();
    };
    client.on('portRegistration', changed, { onlyAvailable: false });
    client.on('clientRegistration', (name) => {
      reader.clientChanged(name);
      changed();
    });
    client.on(
      'portConnect',
      () => {
        reader.latencyChanged();
        this.#scheduleRefresh();
      },
      { onlyAvailable: false },
    );
    try {
      client.on('portRename', () => this.#scheduleRefresh(), { onlyAvailable: false });
    } catch {
      // A libjack without the rename callback: the periodic full read covers renames.
    }
    client.on('propertyChange', (_subject, key) => {
      if (key !== METADATA_PRETTY_NAME && key !== '') return;
      if (this.#renewIfStoreReplaced()) return;
      reader.metadataChanged();
      this.#scheduleRefresh();
    });
    client.on('graphOrder', () => {
      reader.latencyChanged();
      this.#scheduleRefresh();
    });
    client.on('xrun', (delayedUsecs) => {
      this.#xrunCount += 1;
      this.#lastXrunDelayUs = delayedUsecs;
      this.#scheduleStatus();
    });
    client.on('blocksize', () => {
      reader.latencyChanged();
      this.#scheduleStatus();
    });
    client.on('samplerate', () => this.#scheduleStatus());
    client.on('shutdown', (_status, reason) => {
      // Not from inside the library's dispatch: closing the client there would
      // cut the remaining notifications of the batch short.
      setImmediate(() => this.#lost(`the JACK server shut down${reason ? `: ${reason}` : ''}`));
    });
  }

  #down(reason: string): void {
    if (reason !== this.#downReason)
      this.#log(`${reason}; trying again every ${this.#retryMs / 1000} s`);
    this.#downReason = reason;
    this.#emitStatus();
    if (!this.#closed && !this.#retryTimer) {
      this.#retryTimer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryTimer.unref();
    }
  }

  // The server went away: drop the graph, report 'down', start retrying.
  #lost(reason: string): void {
    if (!this.#session) return;
    this.#closeSession();
    this.#publish(emptyState());
    this.#down(reason);
  }

  #closeSession(): void {
    const session = this.#session;
    this.#session = null;
    for (const timer of [this.#statusTimer, this.#reconcileTimer, this.#settleTimer])
      if (timer) clearInterval(timer);
    this.#statusTimer = null;
    this.#reconcileTimer = null;
    this.#settleTimer = null;
    if (!session) return;
    try {
      session.client.deactivate();
      session.client.close();
    } catch {
      // The server is gone; the client is as closed as it gets.
    }
  }

  // ---- Graph patches, at most one per patch interval

  #scheduleRefresh(): void {
    if (this.#refreshTimer || !this.#session || this.#closed) return;
    // Spaced from the last read (to bound the work) and from the last patch
    // sent: however long a read takes, two patches are never closer than this.
    const since = Math.max(this.#lastReadAt, this.#lastPatchAt);
    const wait = since + this.#patchIntervalMs - performance.now();
    // Node measures timers from the loop's cached clock, which can be a few
    // ms old after a long read, so a timer may fire early: check and wait on.
    this.#refreshTimer = setTimeout(
      () => {
        this.#refreshTimer = null;
        if (performance.now() - since < this.#patchIntervalMs) this.#scheduleRefresh();
        else this.#refresh();
      },
      Math.max(0, Math.ceil(wait)),
    );
  }

  #scheduleSettle(): void {
    if (this.#settleTimer) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      this.#scheduleRefresh();
    }, SETTLE_MS);
  }

  #refresh(): void {
    const session = this.#session;
    if (!session) return;
    this.#lastReadAt = performance.now();
    let next: GraphState;
    try {
      next = session.reader.read();
    } catch (error) {
      if (isSessionError(error)) this.#lost('the JACK server went away');
      else this.#log(`reading the graph failed: ${(error as Error).message}`);
      return;
    }
    this.#publish(next);
  }

  #publish(next: GraphState): void {
    const patch = diffStates(this.#published, next);
    this.#published = next;
    if (isEmptyPatch(patch)) return;
    this.#lastPatchAt = performance.now();
    this.#emit('graphPatch', patch);
  }

  // ---- Status

  // Soon, but coalesced: an xrun storm must not become a status storm.
  #scheduleStatus(): void {
    if (this.#statusSoon) return;
    const wait = Math.max(0, this.#lastStatusAt + STATUS_MIN_MS - performance.now());
    this.#statusSoon = setTimeout(() => {
      this.#statusSoon = null;
      this.#emitStatus();
    }, wait);
  }

  #emitStatus(): void {
    if (this.#closed) return;
    let status: ServerStatus;
    try {
      status = this.#statusOrDown();
    } catch (error) {
      // Runs from timers: an unexpected failure is logged, never thrown.
      this.#log(`reading the status failed: ${(error as Error).message}`);
      return;
    }
    const json = JSON.stringify(status);
    if (json === this.#lastStatusJson) return;
    this.#lastStatusJson = json;
    this.#lastStatusAt = performance.now();
    this.#emit('status', status);
  }

  #emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.#listeners[event]]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        this.#log(`a ${event} listener threw: ${(error as Error).message}`);
      }
    }
  }
}
