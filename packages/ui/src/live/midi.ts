// The live MIDI channel: binary MIDI frames in; the monitor's event log, its
// filtered view and its counts, and the ports' activity out. Never through
// the zustand store (see the comment at the top of store/store.ts): the
// monitor panel re-reads it at most once per animation frame, and activity
// lights switch a class on their own element.
import { decodeMidiFrame } from '@jackbay/core/midi-frame';
import { TransportTimeline } from '../midi/bbt';
import { MIDI_KINDS, type MidiKind } from '../midi/decode';
import { MidiLog } from '../midi/log';

type Listener = () => void;

export interface MidiFilter {
  /** Kinds not shown. */
  hiddenKinds: ReadonlySet<MidiKind>;
  /** Channels (1–16) shown; system messages are shown whatever this says. */
  channels: ReadonlySet<number>;
  /** Ports shown; null: every port. */
  ports: ReadonlySet<string> | null;
}

export const DEFAULT_MIDI_FILTER: MidiFilter = {
  hiddenKinds: new Set<MidiKind>(['clock', 'active-sensing']),
  channels: new Set(Array.from({ length: 16 }, (_, i) => i + 1)),
  ports: null,
};

export interface MidiCounts {
  /** Events that arrived on the monitored ports since the last clear. */
  received: number;
  /** Of them, lost before reaching this page (a full ring or a slow link). */
  lost: number;
  /** Cycles JACK skipped for the service (xruns): their events were never seen, not counted. */
  missedCycles: number;
  /** Held in the log (the newest MIDI_LOG_CAPACITY). */
  held: number;
  /** Held and passing the filter. */
  shown: number;
  /** Held but filtered out, per kind. */
  hidden: ReadonlyMap<MidiKind, number>;
  /** Arrived while paused, so not held. */
  skipped: number;
}

export class MidiChannel {
  readonly log = new MidiLog();
  /** Where the transport was, to give events their bar|beat|tick (fed by the link's status). */
  readonly transport = new TransportTimeline();
  #ports: readonly string[] = [];
  #portNumbers: number[] = [];
  #generation = -1;
  #filter: MidiFilter = DEFAULT_MIDI_FILTER;
  // Sequence numbers of shown events, oldest first, from #head on.
  #shown: number[] = [];
  #head = 0;
  readonly #hiddenByKind = new Int32Array(MIDI_KINDS.length);
  #received = 0;
  #lost = 0;
  #missedCycles = 0;
  #skipped = 0;
  #paused = false;
  #changed = false;
  #frame = 0;
  readonly #listeners = new Set<Listener>();
  readonly #activity = new Map<string, Set<Listener>>();

  /** Frames of `generation` carry `ports`, in this order; older frames are dropped. */
  expect(ports: readonly string[], generation: number): void {
    this.#ports = [...ports];
    this.#portNumbers = ports.map((port) => this.log.portNumber(port));
    this.#generation = generation;
    this.#touch();
  }

  get ports(): readonly string[] {
    return this.#ports;
  }

  /** Takes one binary frame from the transport; false when it was dropped. */
  feed(data: ArrayBuffer | ArrayBufferView): boolean {
    const frame = decodeMidiFrame(data);
    if (!frame || frame.generation !== this.#generation) return false;
    this.#received += frame.received;
    this.#lost += frame.lost;
    this.#missedCycles += frame.missedCycles;
    const active = new Set<number>();
    for (const event of frame.events) {
      const number = this.#portNumbers[event.port];
      if (number === undefined) continue;
      active.add(event.port);
      if (this.#paused) {
        this.#skipped++;
        continue;
      }
      const evicted = this.log.length === this.log.capacity ? this.log.first : -1;
      if (evicted >= 0) this.#forget(evicted);
      const seq = this.log.push(event.time, number, event.data);
      if (this.#passes(seq)) this.#shown.push(seq);
      else this.#countHidden(seq, 1);
    }
    for (const index of active) {
      const listeners = this.#activity.get(this.#ports[index] as string);
      if (listeners) for (const listener of listeners) listener();
    }
    this.#touch();
    return true;
  }

  get filter(): MidiFilter {
    return this.#filter;
  }

  setFilter(filter: MidiFilter): void {
    this.#filter = filter;
    this.#rebuild();
    this.#touch();
  }

  get paused(): boolean {
    return this.#paused;
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#touch();
  }

  /** Forgets every event and count. */
  clear(): void {
    this.log.clear();
    this.#received = 0;
    this.#lost = 0;
    this.#missedCycles = 0;
    this.#skipped = 0;
    this.#rebuild();
    this.#touch();
  }

  /** The link went away: frames of the old subscription no longer count. */
  disconnect(): void {
    this.#ports = [];
    this.#portNumbers = [];
    this.#generation = -1;
  }

  counts(): MidiCounts {
    const hidden = new Map<MidiKind, number>();
    MIDI_KINDS.forEach((kind, index) => {
      const count = this.#hiddenByKind[index] as number;
      if (count > 0) hidden.set(kind, count);
    });
    return {
      received: this.#received,
      lost: this.#lost,
      missedCycles: this.#missedCycles,
      held: this.log.length,
      shown: this.shownCount,
      hidden,
      skipped: this.#skipped,
    };
  }

  get shownCount(): number {
    return this.#shown.length - this.#head;
  }

  /** The sequence number of the index-th shown event. */
  shownAt(index: number): number {
    return this.#shown[this.#head + index] as number;
  }

  /** Calls `listener` at most once per animation frame after a change. */
  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls `listener` whenever a frame carries events of `port`. */
  onActivity(port: string, listener: Listener): () => void {
    let set = this.#activity.get(port);
    if (!set) {
      set = new Set();
      this.#activity.set(port, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#activity.delete(port);
    };
  }

  #passes(seq: number): boolean {
    const slot = this.log.slot(seq);
    const { hiddenKinds, channels, ports } = this.#filter;
    if (hiddenKinds.has(MIDI_KINDS[this.log.kind[slot] as number] as MidiKind)) return false;
    const channel = this.log.channel[slot] as number;
    if (channel !== 0 && !channels.has(channel)) return false;
    return ports === null || ports.has(this.log.portName(seq));
  }

  // The oldest event leaves the ring: out of the shown list or the hidden counts.
  #forget(seq: number): void {
    if (this.#head < this.#shown.length && this.#shown[this.#head] === seq) {
      this.#head++;
      // Compacted now and then, not on every event.
      if (this.#head > 65536) {
        this.#shown = this.#shown.slice(this.#head);
        this.#head = 0;
      }
    } else this.#countHidden(seq, -1);
  }

  #countHidden(seq: number, delta: number): void {
    const kind = this.log.kind[this.log.slot(seq)] as number;
    this.#hiddenByKind[kind] = (this.#hiddenByKind[kind] as number) + delta;
  }

  #rebuild(): void {
    this.#shown = [];
    this.#head = 0;
    this.#hiddenByKind.fill(0);
    for (let seq = this.log.first; seq < this.log.next; seq++) {
      if (this.#passes(seq)) this.#shown.push(seq);
      else this.#countHidden(seq, 1);
    }
  }

  #touch(): void {
    this.#changed = true;
    if (this.#frame) return;
    const run = () => {
      this.#frame = 0;
      if (!this.#changed) return;
      this.#changed = false;
      for (const listener of [...this.#listeners]) listener();
    };
    this.#frame =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame(run)
        : (setTimeout(run, 16) as unknown as number);
  }
}
