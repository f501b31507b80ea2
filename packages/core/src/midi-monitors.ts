// MIDI monitors for pages: each page says which MIDI output ports it watches;
// the hub keeps one engine MidiMonitor per port in the union of those sets
// (shared by refcount), on the service's own client, drains them a few times
// a second while anyone watches, and sends each page one binary frame
// (midi-frame.ts) of the events on its ports, oldest first. Nothing is lost
// without being counted: a full monitor ring counts in the engine, a frame
// the transport could not send counts here, and both reach the page as lost.
import type { MidiMonitor } from '@jackbay/jack-native';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import { encodeMidiFrame, type MidiFrameEvent } from './midi-frame.js';
import {
  type PortNode,
  type PortNodeKind,
  type PortSubscriptionSource,
  PortSubscriptions,
  type Subscription,
} from './port-subscriptions.js';

/** Takes a frame's bytes; false when it could not be sent (the page is too slow). */
export type MidiSink = (frame: Uint8Array) => boolean;

/** One page's MIDI monitor subscription. */
export interface MidiPeer {
  /** Replaces the page's set of monitored ports; returns the new generation. */
  set(ports: readonly string[]): number;
  /** The page went away: its monitors go unless another page shares them. */
  close(): void;
}

/** What can open MIDI monitor subscriptions: the service. */
export interface MidiHost {
  openMidi(sink: MidiSink): MidiPeer;
}

export type MidiHubSource = PortSubscriptionSource;

interface Subscriber extends Subscription {
  sink: MidiSink;
  // Counts not yet reported to the page (its last frame could not be sent).
  received: number;
  lost: number;
  missedCycles: number;
}

/** A monitor, with the engine's lost and missed counts already handed out to pages. */
class Watched implements PortNode {
  handedOutLost = 0;
  handedOutMissed = 0;
  constructor(readonly monitor: MidiMonitor) {}
  get removed(): boolean {
    return this.monitor.removed;
  }
  remove(): void {
    this.monitor.remove();
  }
}

// A page watches every MIDI output at once: 200 of them with the library's
// default ring (1 MiB, every page touched up front) held 200 MB. Drained every
// 50 ms, 128 KiB still holds over 300 ms of one port sending 20,000 events a
// second; what does not fit is counted as lost and shown.
const MONITOR_RING_BYTES = 128 * 1024;

const monitorKind: PortNodeKind<Watched> = {
  noun: 'MIDI monitor',
  check(port, name) {
    if (!port.isMidi)
      throw new JackbayRpcError('incompatible-types', `'${name}' is not a MIDI port`);
    if (!port.isOutput)
      throw new JackbayRpcError(
        'incompatible-types',
        `'${name}' is an input: monitor the outputs that feed it`,
      );
  },
  fits: (port) => port.type === 'midi' && port.direction === 'output',
  make: (client, name) =>
    new Watched(client.addMidiMonitor(name, { bufferBytes: MONITOR_RING_BYTES })),
};

export class MidiHub {
  readonly #log: (message: string) => void;
  readonly #pages: PortSubscriptions<Watched, Subscriber>;

  constructor(source: MidiHubSource, options: { intervalMs: number; log: (m: string) => void }) {
    this.#log = options.log;
    this.#pages = new PortSubscriptions(source, monitorKind, {
      tick: () => this.#tick(),
      intervalMs: options.intervalMs,
      log: options.log,
    });
  }

  open(sink: MidiSink): MidiPeer {
    const subscriber: Subscriber = {
      ports: [],
      generation: 0,
      sink,
      received: 0,
      lost: 0,
      missedCycles: 0,
    };
    this.#pages.add(subscriber);
    return {
      // What was drained for the old set is flushed under the old generation first.
      set: (ports) => this.#pages.set(subscriber, ports, () => this.#tick()),
      close: () => this.#pages.remove(subscriber),
    };
  }

  /** Makes the monitors match what pages ask for and what the graph has. */
  sync(): void {
    this.#pages.sync();
  }

  /** The client closed: its monitors went with it. */
  sessionEnded(): void {
    this.#pages.sessionEnded();
  }

  close(): void {
    this.#pages.close();
  }

  // Drains every monitor once and hands each page the events of its ports.
  #tick(): void {
    if (this.#pages.nodes.size === 0) return;
    const drained = new Map<
      string,
      { events: MidiFrameEvent[]; lost: number; missedCycles: number }
    >();
    for (const [name, watched] of this.#pages.nodes) {
      const events: MidiFrameEvent[] = [];
      try {
        watched.monitor.drain((time, data) => events.push({ time, port: 0, data: data.slice() }));
        const { lost, missedCycles } = watched.monitor;
        drained.set(name, {
          events,
          lost: lost - watched.handedOutLost,
          missedCycles: missedCycles - watched.handedOutMissed,
        });
        watched.handedOutLost = lost;
        watched.handedOutMissed = missedCycles;
      } catch (error) {
        // The server went away mid-drain: the session reports it.
        if (!isSessionError(error)) throw error;
        return;
      }
    }
    for (const subscriber of this.#pages.subscribers) {
      const { ports } = subscriber;
      if (ports.length === 0) continue;
      const events: MidiFrameEvent[] = [];
      let lost = subscriber.lost;
      let received = subscriber.received;
      // A skipped cycle is skipped for every monitor of the client: the
      // page's ports missed as many as the one that ran longest.
      let missed = 0;
      for (let index = 0; index < ports.length; index++) {
        const batch = drained.get(ports[index] as string);
        if (!batch) continue;
        lost += batch.lost;
        received += batch.lost + batch.events.length;
        missed = Math.max(missed, batch.missedCycles);
        for (const event of batch.events) events.push({ ...event, port: index });
      }
      const missedCycles = subscriber.missedCycles + missed;
      if (received === 0 && missedCycles === 0) continue;
      // Each port's events are in order already; between ports, time decides
      // (as a difference, so a wrap of the 32-bit frame time sorts right).
      events.sort((a, b) => (a.time - b.time) | 0 || a.port - b.port);
      const frame = encodeMidiFrame({
        generation: subscriber.generation,
        received,
        lost,
        missedCycles,
        events,
      });
      let sent = false;
      try {
        sent = subscriber.sink(frame);
      } catch (error) {
        this.#log(`a MIDI frame could not be sent: ${(error as Error).message}`);
      }
      // Unsent events are lost to the page: counted in its next frame.
      subscriber.received = sent ? 0 : received;
      subscriber.lost = sent ? 0 : lost + events.length;
      subscriber.missedCycles = sent ? 0 : missedCycles;
    }
  }
}
