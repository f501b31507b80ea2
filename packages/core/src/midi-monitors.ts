// MIDI monitors for pages: each page says which MIDI output ports it watches;
// the hub keeps one engine MidiMonitor per port in the union of those sets
// (shared by refcount), on the service's own client, drains them a few times
// a second while anyone watches, and sends each page one binary frame
// (midi-frame.ts) of the events on its ports, oldest first. Nothing is lost
// without being counted: a full monitor ring counts in the engine, a frame
// the transport could not send counts here, and both reach the page as lost.
import type { Client, MidiMonitor } from '@jackbay/jack-native';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import { encodeMidiFrame, type MidiFrameEvent } from './midi-frame.js';
import type { Graph } from './patch.js';

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

export interface MidiHubSource {
  readonly isUp: boolean;
  client(): Client;
  /** The graph as last published: a port not in it gets no monitor. */
  readonly published: Graph;
}

interface Subscriber {
  ports: readonly string[];
  generation: number;
  sink: MidiSink;
  // Counts not yet reported to the page (its last frame could not be sent).
  received: number;
  lost: number;
}

interface Watched {
  monitor: MidiMonitor;
  // The engine's lost count already handed out.
  lost: number;
}

export class MidiHub {
  readonly #source: MidiHubSource;
  readonly #intervalMs: number;
  readonly #log: (message: string) => void;
  readonly #subscribers = new Set<Subscriber>();
  readonly #watched = new Map<string, Watched>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(source: MidiHubSource, options: { intervalMs: number; log: (m: string) => void }) {
    this.#source = source;
    this.#intervalMs = options.intervalMs;
    this.#log = options.log;
  }

  open(sink: MidiSink): MidiPeer {
    const subscriber: Subscriber = { ports: [], generation: 0, sink, received: 0, lost: 0 };
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
      throw new JackbayRpcError('bad-request', 'this MIDI monitor subscription is closed');
    if (ports.length > 0) {
      const client = this.#source.client();
      for (const name of ports) {
        let port: { isMidi: boolean; isOutput: boolean };
        try {
          port = client.getPortByName(name);
        } catch (error) {
          if (isSessionError(error)) throw error;
          throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
        }
        if (!port.isMidi)
          throw new JackbayRpcError('incompatible-types', `'${name}' is not a MIDI port`);
        if (!port.isOutput)
          throw new JackbayRpcError(
            'incompatible-types',
            `'${name}' is an input: monitor the outputs that feed it`,
          );
      }
    }
    // What was drained for the old set is flushed under the old generation first.
    this.#tick();
    subscriber.ports = [...ports];
    subscriber.generation += 1;
    this.sync();
    return subscriber.generation;
  }

  /**
   * Makes the monitors match the union of what pages ask for and what the
   * graph has; runs on every set change and graph patch.
   */
  sync(): void {
    if (this.#closed) return;
    const wanted = new Set<string>();
    for (const subscriber of this.#subscribers)
      for (const port of subscriber.ports) wanted.add(port);
    const up = this.#source.isUp;
    const ports = this.#source.published.ports;
    for (const [name, watched] of this.#watched) {
      if (up && wanted.has(name) && ports.has(name) && !watched.monitor.removed) continue;
      this.#watched.delete(name);
      this.#drop(watched.monitor);
    }
    if (up) {
      for (const name of wanted) {
        const port = ports.get(name);
        if (this.#watched.has(name) || port?.type !== 'midi' || port.direction !== 'output')
          continue;
        try {
          this.#watched.set(name, { monitor: this.#source.client().addMidiMonitor(name), lost: 0 });
        } catch (error) {
          if (isSessionError(error)) break;
          // Gone between the graph read and now: the next patch settles it.
          this.#log(`no MIDI monitor on '${name}': ${(error as Error).message}`);
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

  /** The client closed: its monitors went with it. */
  sessionEnded(): void {
    this.#watched.clear();
    this.sync();
  }

  close(): void {
    this.#subscribers.clear();
    this.sync();
    this.#closed = true;
  }

  #drop(monitor: MidiMonitor): void {
    try {
      monitor.remove();
    } catch (error) {
      if (!isSessionError(error))
        this.#log(`removing a MIDI monitor failed: ${(error as Error).message}`);
    }
  }

  // Drains every monitor once and hands each page the events of its ports.
  #tick(): void {
    if (this.#watched.size === 0) return;
    const drained = new Map<string, { events: MidiFrameEvent[]; lost: number }>();
    for (const [name, watched] of this.#watched) {
      const events: MidiFrameEvent[] = [];
      try {
        watched.monitor.drain((time, data) => events.push({ time, port: 0, data: data.slice() }));
        const lost = watched.monitor.lost;
        drained.set(name, { events, lost: lost - watched.lost });
        watched.lost = lost;
      } catch (error) {
        // The server went away mid-drain: the session reports it.
        if (!isSessionError(error)) throw error;
        return;
      }
    }
    for (const subscriber of this.#subscribers) {
      const { ports } = subscriber;
      if (ports.length === 0) continue;
      const events: MidiFrameEvent[] = [];
      let lost = subscriber.lost;
      let received = subscriber.received;
      for (let index = 0; index < ports.length; index++) {
        const batch = drained.get(ports[index] as string);
        if (!batch) continue;
        lost += batch.lost;
        received += batch.lost + batch.events.length;
        for (const event of batch.events) events.push({ ...event, port: index });
      }
      if (received === 0) continue;
      // Each port's events are in order already; between ports, time decides
      // (as a difference, so a wrap of the 32-bit frame time sorts right).
      events.sort((a, b) => (a.time - b.time) | 0 || a.port - b.port);
      const frame = encodeMidiFrame({
        generation: subscriber.generation,
        received,
        lost,
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
    }
  }
}
