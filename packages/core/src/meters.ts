// Live meters for pages: each page (a WebSocket, an Electron window) says
// which audio ports it wants metered; the hub keeps one meter tap per port
// in the union of those sets (shared by refcount), on the service's own
// client, and while anyone asks, reads them at display rate and sends each
// page one binary frame (meter-frame.ts) of its ports, in its order.
import type { Client, MeterTap } from '@jackbay/jack-native';
import { JackbayRpcError } from './errors.js';
import { levelToDb, NOT_METERED, newMeterFrame } from './meter-frame.js';
import {
  type PortNodeKind,
  type PortSubscriptionSource,
  PortSubscriptions,
  type Subscription,
} from './port-subscriptions.js';

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

export type MeterHubSource = PortSubscriptionSource;

interface Subscriber extends Subscription {
  sink: (frame: Uint8Array) => void;
}

const meterKind: PortNodeKind<MeterTap> = {
  noun: 'meter',
  check(port, name) {
    if (!port.isAudio)
      throw new JackbayRpcError('incompatible-types', `'${name}' is not an audio port`);
  },
  fits: (port) => port.type === 'audio',
  make: (client, name) => client.addMeter(name),
};

export class MeterHub {
  readonly #source: MeterHubSource;
  readonly #log: (message: string) => void;
  readonly #pages: PortSubscriptions<MeterTap, Subscriber>;
  #readings = new Float32Array(0);

  constructor(source: MeterHubSource, options: { intervalMs: number; log: (m: string) => void }) {
    this.#source = source;
    this.#log = options.log;
    this.#pages = new PortSubscriptions(source, meterKind, {
      tick: () => this.#tick(),
      intervalMs: options.intervalMs,
      log: options.log,
    });
  }

  open(sink: (frame: Uint8Array) => void): MeterPeer {
    const subscriber: Subscriber = { ports: [], generation: 0, sink };
    this.#pages.add(subscriber);
    return {
      set: (ports) => this.#pages.set(subscriber, ports),
      close: () => this.#pages.remove(subscriber),
    };
  }

  /** Makes the taps match what pages ask for and what the graph has. */
  sync(): void {
    this.#pages.sync();
  }

  /** The client closed: its taps went with it. */
  sessionEnded(): void {
    this.#pages.sessionEnded();
  }

  close(): void {
    this.#pages.close();
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
    for (const subscriber of this.#pages.subscribers) {
      const { ports } = subscriber;
      if (ports.length === 0) continue;
      const frame = newMeterFrame(subscriber.generation, ports.length);
      const values = frame.values;
      for (let index = 0; index < ports.length; index++) {
        const tap = this.#pages.nodes.get(ports[index] as string);
        const offset = tap ? at.get(tap) : undefined;
        const out = index * 3;
        values[out] = levelToDb(offset === undefined ? 0 : (readings[offset] ?? 0));
        values[out + 1] = levelToDb(offset === undefined ? 0 : (readings[offset + 1] ?? 0));
        values[out + 2] =
          offset !== undefined
            ? (readings[offset + 2] ?? 0)
            : this.#pages.refused.has(ports[index] as string)
              ? NOT_METERED
              : 0;
      }
      try {
        subscriber.sink(frame.bytes);
      } catch (error) {
        this.#log(`a meter frame could not be sent: ${(error as Error).message}`);
      }
    }
  }
}
