// Live meters for pages: each page (a WebSocket, an Electron window) says
// which audio ports it wants metered; the hub keeps one meter tap per port
// in the union of those sets (shared by refcount), on the service's own
// client, and while anyone asks, reads them at display rate and sends each
// page one binary frame (meter-frame.ts) of its ports, in its order.
import type { Client, MeterTap } from '@jackbay/jack-native';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import { levelToDb, newMeterFrame } from './meter-frame.js';
import type { Graph } from './patch.js';

/** One page's meter subscription. */
export interface MeterPeer {
  /** Replaces the page's set of metered ports; returns the new generation. */
  set(ports: readonly string[]): number;
  /** The page went away: its taps go unless another page shares them. */
  close(): void;
}

/** What can open meter subscriptions: the service. */
export interface MeterHost {
  /** Opens a subscription whose frames go to `sink` (bytes it may keep). */
  openMeters(sink: (frame: Uint8Array) => void): MeterPeer;
}

export interface MeterHubSource {
  readonly isUp: boolean;
  client(): Client;
  /** The graph as last published: a port not in it gets no tap. */
  readonly published: Graph;
}

interface Subscriber {
  ports: readonly string[];
  generation: number;
  sink: (frame: Uint8Array) => void;
}

export class MeterHub {
  readonly #source: MeterHubSource;
  readonly #intervalMs: number;
  readonly #log: (message: string) => void;
  readonly #subscribers = new Set<Subscriber>();
  // Port name -> its tap on the service's client (absent: none could be made).
  readonly #taps = new Map<string, MeterTap>();
  #timer: NodeJS.Timeout | null = null;
  #readings = new Float32Array(0);
  #closed = false;

  constructor(source: MeterHubSource, options: { intervalMs: number; log: (m: string) => void }) {
    this.#source = source;
    this.#intervalMs = options.intervalMs;
    this.#log = options.log;
  }

  open(sink: (frame: Uint8Array) => void): MeterPeer {
    const subscriber: Subscriber = { ports: [], generation: 0, sink };
    this.#subscribers.add(subscriber);
    return {
      set: (ports) => this.#set(subscriber, ports),
      close: () => {
        if (!this.#subscribers.delete(subscriber)) return;
        this.sync();
      },
    };
  }

  // Checks every port first, so a bad request changes nothing.
  #set(subscriber: Subscriber, ports: readonly string[]): number {
    if (!this.#subscribers.has(subscriber))
      throw new JackbayRpcError('bad-request', 'this meter subscription is closed');
    if (ports.length > 0) {
      const client = this.#source.client();
      for (const name of ports) {
        let isAudio: boolean;
        try {
          isAudio = client.getPortByName(name).isAudio;
        } catch (error) {
          if (isSessionError(error)) throw error;
          throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
        }
        if (!isAudio)
          throw new JackbayRpcError('incompatible-types', `'${name}' is not an audio port`);
      }
    }
    subscriber.ports = [...ports];
    subscriber.generation += 1;
    this.sync();
    return subscriber.generation;
  }

  /**
   * Makes the taps match the union of what pages ask for and what the graph
   * has: a port that went away loses its tap without a word, and one that
   * comes back gets it again. Runs on every set change and graph patch.
   */
  sync(): void {
    if (this.#closed) return;
    const wanted = new Set<string>();
    for (const subscriber of this.#subscribers)
      for (const port of subscriber.ports) wanted.add(port);
    const up = this.#source.isUp;
    const ports = this.#source.published.ports;
    for (const [name, tap] of this.#taps) {
      if (up && wanted.has(name) && ports.has(name) && !tap.removed) continue;
      this.#taps.delete(name);
      this.#drop(tap);
    }
    if (up) {
      for (const name of wanted) {
        if (this.#taps.has(name) || ports.get(name)?.type !== 'audio') continue;
        try {
          this.#taps.set(name, this.#source.client().addMeter(name));
        } catch (error) {
          if (isSessionError(error)) break;
          // Gone between the graph read and now: the next patch settles it.
          this.#log(`no meter on '${name}': ${(error as Error).message}`);
        }
      }
    }
    const running = up && [...this.#subscribers].some((s) => s.ports.length > 0);
    if (running && !this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    } else if (!running && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** The client closed: its taps went with it. */
  sessionEnded(): void {
    this.#taps.clear();
    this.sync();
  }

  close(): void {
    this.#subscribers.clear();
    this.sync();
    this.#closed = true;
  }

  #drop(tap: MeterTap): void {
    try {
      tap.remove();
    } catch (error) {
      // A port that went away takes its tap with it; only the server's end matters.
      if (!isSessionError(error)) this.#log(`removing a meter failed: ${(error as Error).message}`);
    }
  }

  #tick(): void {
    let client: Client;
    try {
      client = this.#source.client();
    } catch {
      return;
    }
    const taps = client.meters;
    if (this.#readings.length < taps.length * 3) this.#readings = new Float32Array(taps.length * 3);
    const readings = client.readMeters(this.#readings);
    const at = new Map<MeterTap, number>();
    for (let index = 0; index < taps.length; index++) at.set(taps[index] as MeterTap, index * 3);
    for (const subscriber of this.#subscribers) {
      const { ports } = subscriber;
      if (ports.length === 0) continue;
      const frame = newMeterFrame(subscriber.generation, ports.length);
      const values = frame.values;
      for (let index = 0; index < ports.length; index++) {
        const tap = this.#taps.get(ports[index] as string);
        const offset = tap ? at.get(tap) : undefined;
        const out = index * 3;
        values[out] = levelToDb(offset === undefined ? 0 : (readings[offset] ?? 0));
        values[out + 1] = levelToDb(offset === undefined ? 0 : (readings[offset + 1] ?? 0));
        values[out + 2] = offset === undefined ? 0 : (readings[offset + 2] ?? 0);
      }
      try {
        subscriber.sink(frame.bytes);
      } catch (error) {
        this.#log(`a meter frame could not be sent: ${(error as Error).message}`);
      }
    }
  }
}
