// The service's connection to the JACK server. It opens the service's client,
// keeps trying while no server runs, notices the server shutting down or
// dying, and reopens the client when JACK2's metadata store was replaced
// under it. What it notices goes to its listener; it publishes nothing itself.
import { Client, JackOpenError, METADATA_PRETTY_NAME } from '@jackbay/jack-native';
import type { ServerStatus } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { GraphReader, isSessionError } from './graph.js';
import { metadataStoreId } from './metadata-store.js';
import type { Graph } from './patch.js';
import { downStatus, readStatus } from './status.js';
import { TimebaseMaster } from './timebase.js';

export interface SessionListener {
  /** A client is open and active (a reopened one too): read everything now. */
  connected(): void;
  /** The graph changed. `settle`: ports came or went, so read once more a little later. */
  graphChanged(settle: boolean): void;
  /** Part of the status changed (an xrun, the buffer size, the sample rate). */
  statusChanged(): void;
  /** The client closed, on purpose or because the server went away. */
  disconnected(): void;
  /** The graph read through the closed client no longer stands: it is empty now. */
  graphGone(): void;
  /** No server: the status says 'down' now. */
  down(): void;
}

export interface SessionOptions {
  serverName: string;
  clientName: string;
  retryIntervalMs: number;
  reconcileIntervalMs: number;
  demo: boolean;
  log: (message: string) => void;
}

interface OpenClient {
  client: Client;
  reader: GraphReader;
  /** The JACK2 metadata store this process's libjack opened (see metadata-store.ts). */
  storeId: string | null;
}

const GONE = 'the JACK server went away';

export class Session {
  readonly #options: SessionOptions;
  readonly #listener: SessionListener;
  #open: OpenClient | null = null;
  #downReason = 'not connected yet';
  #xrunCount = 0;
  #lastXrunDelayUs: number | null = null;
  #closed = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #reconcileTimer: NodeJS.Timeout | null = null;
  /** Whether Jackbay is timebase master, and its tempo: kept across clients and servers. */
  readonly timebase: TimebaseMaster;

  constructor(options: SessionOptions, listener: SessionListener) {
    this.#options = options;
    this.#listener = listener;
    this.timebase = new TimebaseMaster(options.log);
  }

  /** Makes the first connection attempt; later ones follow by themselves. */
  start(): void {
    if (this.#closed || this.#open || this.#retryTimer) return;
    this.#connect();
  }

  get isUp(): boolean {
    return this.#open !== null;
  }

  /** A server was just started: try to connect now rather than at the next retry. */
  retryNow(): void {
    if (this.#closed || this.#open || !this.#retryTimer) return;
    clearTimeout(this.#retryTimer);
    this.#connect();
  }

  /** The open client, or a 'server-down' error for the caller. */
  client(): Client {
    const open = this.#open;
    if (!open) throw new JackbayRpcError('server-down', `no JACK server: ${this.#downReason}`);
    return open.client;
  }

  /** Pretty names were written: the next read takes them from the store. */
  metadataChanged(): void {
    this.#open?.reader.metadataChanged();
  }

  /** The graph as JACK sees it now, or null when no server runs (or it just went away). */
  readGraph(): Graph | null {
    const open = this.#open;
    if (!open) return null;
    try {
      return open.reader.read();
    } catch (error) {
      if (!isSessionError(error)) throw error;
      this.lost(GONE);
      return null;
    }
  }

  // Reading the status is how a dead server is noticed when no shutdown
  // notification came; then the status says 'down'.
  status(): ServerStatus {
    try {
      return this.#readStatus();
    } catch (error) {
      if (!isSessionError(error)) throw error;
      this.lost(GONE);
      return this.#readStatus();
    }
  }

  #readStatus(): ServerStatus {
    const base = {
      serverName: this.#options.serverName,
      xrunCount: this.#xrunCount,
      lastXrunDelayUs: this.#lastXrunDelayUs,
      demo: this.#options.demo,
    };
    const open = this.#open;
    return open ? readStatus(open.client, base, this.timebase) : downStatus(base, this.#downReason);
  }

  /** Jackbay's count of xruns starts again from zero (JACK keeps none a client can reset). */
  resetXruns(): void {
    this.#xrunCount = 0;
    this.#lastXrunDelayUs = null;
    this.#listener.statusChanged();
  }

  /** A call through the client failed because the session is gone: report 'down', retry. */
  failed(error: unknown): void {
    if (isSessionError(error)) this.lost(GONE);
  }

  // The server went away: drop the graph, report 'down', start retrying.
  lost(reason: string): void {
    if (!this.#open) return;
    this.#disconnect();
    this.#listener.graphGone();
    this.#down(reason);
  }

  /**
   * Reopens the client when JACK2's metadata store was replaced under us
   * (metadata-store.ts); true when it did. From a notification it waits for
   * the next turn (closing the client inside the library's dispatch would cut
   * the batch short); before a write (`now`) it happens at once.
   */
  renewIfStoreReplaced(now = false): boolean {
    const open = this.#open;
    if (!open) return false;
    const current = metadataStoreId();
    if (current === open.storeId) return false;
    if (open.storeId === null) {
      // Created since we connected (libjack creates it on first use).
      open.storeId = current;
      return false;
    }
    // Deleted (and perhaps created anew): what we have open reaches nobody.
    this.#options.log('the JACK2 metadata store was deleted (another jackd stopped); reopening');
    open.storeId = current;
    const renew = () => {
      if (this.#open !== open) return;
      this.#disconnect();
      this.#connect(true);
    };
    if (now) renew();
    else setImmediate(renew);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#disconnect();
  }

  // `renewing`: the old client was closed on purpose and the graph published
  // from it still stands; the new client's first read patches it.
  #connect(renewing = false): void {
    this.#retryTimer = null;
    if (this.#closed) return;
    const { serverName } = this.#options;
    const fail = (reason: string): void => {
      if (renewing) this.#listener.graphGone();
      this.#down(reason);
    };
    let client: Client;
    try {
      client = new Client(this.#options.clientName, { noStartServer: true, serverName });
    } catch (error) {
      fail(this.#openFailure(error));
      return;
    }
    try {
      const reader = new GraphReader(client);
      this.#open = { client, reader, storeId: metadataStoreId() };
      this.#listen(client, reader);
      client.activate();
      this.timebase.reclaim(client);
    } catch (error) {
      this.#open = null;
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
      this.#options.log(`connected to JACK server '${serverName}'`);
    }
    this.#listener.connected();
    // Aliases change without a notification, and a replaced metadata store
    // says nothing either: both are caught by a full read now and then.
    this.#reconcileTimer = setInterval(() => {
      if (this.renewIfStoreReplaced()) return;
      this.#open?.reader.everythingChanged();
      this.#listener.graphChanged(false);
    }, this.#options.reconcileIntervalMs);
    this.#reconcileTimer.unref();
  }

  #openFailure(error: unknown): string {
    const { serverName } = this.#options;
    if (error instanceof JackOpenError) {
      if (error.status.serverFailed || error.status.serverError)
        return `JACK server '${serverName}' is not running`;
      return `could not connect to JACK server '${serverName}' (${error.status.flags.join(', ')})`;
    }
    return (error as Error).message;
  }

  #listen(client: Client, reader: GraphReader): void {
    const listener = this.#listener;
    client.on('portRegistration', () => listener.graphChanged(true), { onlyAvailable: false });
    client.on('clientRegistration', (name) => {
      reader.clientChanged(name);
      listener.graphChanged(true);
    });
    client.on(
      'portConnect',
      () => {
        reader.latencyChanged();
        listener.graphChanged(false);
      },
      { onlyAvailable: false },
    );
    try {
      client.on('portRename', () => listener.graphChanged(false), { onlyAvailable: false });
    } catch {
      // A libjack without the rename callback: the periodic full read covers renames.
    }
    client.on('propertyChange', (_subject, key) => {
      if (key !== METADATA_PRETTY_NAME && key !== '') return;
      if (this.renewIfStoreReplaced()) return;
      reader.metadataChanged();
      listener.graphChanged(false);
    });
    client.on('graphOrder', () => {
      reader.latencyChanged();
      listener.graphChanged(false);
    });
    client.on('xrun', (delayedUsecs) => {
      this.#xrunCount += 1;
      this.#lastXrunDelayUs = delayedUsecs;
      listener.statusChanged();
    });
    client.on('blocksize', () => {
      reader.latencyChanged();
      listener.statusChanged();
    });
    client.on('samplerate', () => listener.statusChanged());
    client.on('shutdown', (_status, reason) => {
      // Not from inside the library's dispatch: closing the client there would
      // cut the remaining notifications of the batch short.
      setImmediate(() => this.lost(`the JACK server shut down${reason ? `: ${reason}` : ''}`));
    });
  }

  #down(reason: string): void {
    const { retryIntervalMs, log } = this.#options;
    if (reason !== this.#downReason)
      log(`${reason}; trying again every ${retryIntervalMs / 1000} s`);
    this.#downReason = reason;
    this.#listener.down();
    if (!this.#closed && !this.#retryTimer) {
      this.#retryTimer = setTimeout(() => this.#connect(), retryIntervalMs);
      this.#retryTimer.unref();
    }
  }

  #disconnect(): void {
    const open = this.#open;
    this.#open = null;
    if (this.#reconcileTimer) clearInterval(this.#reconcileTimer);
    this.#reconcileTimer = null;
    this.#listener.disconnected();
    if (!open) return;
    try {
      open.client.deactivate();
      open.client.close();
    } catch {
      // The server is gone; the client is as closed as it gets.
    }
  }
}
