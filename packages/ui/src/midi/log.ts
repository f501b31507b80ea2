// The MIDI monitor's event log: a ring of the last CAPACITY events in typed
// arrays, outside React and the store, so 100,000 events cost a few
// megabytes and no objects per event. Each event has a sequence number that
// only grows; an event is held while seq >= first. Messages of up to three
// bytes are packed into one word; longer ones (sysex) are kept aside.
import { MIDI_KINDS, type MidiKind, midiKind } from './decode';

export const MIDI_LOG_CAPACITY = 131072; // a power of two over 100,000

const KIND_INDEX = new Map<MidiKind, number>(MIDI_KINDS.map((kind, index) => [kind, index]));

export interface LoggedEvent {
  seq: number;
  /** JACK frame time. */
  time: number;
  port: string;
  data: Uint8Array;
}

export class MidiLog {
  readonly capacity: number;
  readonly #mask: number;
  readonly #time: Uint32Array;
  readonly #port: Uint16Array;
  readonly #packed: Uint32Array;
  readonly #size: Uint8Array;
  /** Index into MIDI_KINDS. */
  readonly kind: Uint8Array;
  /** 0 for system messages, else 1–16. */
  readonly channel: Uint8Array;
  readonly #long = new Map<number, Uint8Array>();
  // Port names by their number in this log (numbers are never reused).
  readonly #portNames: string[] = [];
  readonly #portNumbers = new Map<string, number>();
  #next = 0;
  #first = 0;

  constructor(capacity = MIDI_LOG_CAPACITY) {
    if ((capacity & (capacity - 1)) !== 0) throw new RangeError('capacity must be a power of two');
    this.capacity = capacity;
    this.#mask = capacity - 1;
    this.#time = new Uint32Array(capacity);
    this.#port = new Uint16Array(capacity);
    this.#packed = new Uint32Array(capacity);
    this.#size = new Uint8Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.channel = new Uint8Array(capacity);
  }

  /** The oldest held event's sequence number. */
  get first(): number {
    return this.#first;
  }

  /** One past the newest event's sequence number. */
  get next(): number {
    return this.#next;
  }

  get length(): number {
    return this.#next - this.#first;
  }

  /** A number for a port name, the same for the log's whole life. */
  portNumber(name: string): number {
    let number = this.#portNumbers.get(name);
    if (number === undefined) {
      number = this.#portNames.length;
      this.#portNames.push(name);
      this.#portNumbers.set(name, number);
    }
    return number;
  }

  portName(seq: number): string {
    return this.#portNames[this.#port[seq & this.#mask] as number] ?? '';
  }

  /** Appends an event; the oldest goes when the ring is full. Returns its seq. */
  push(time: number, port: number, data: Uint8Array): number {
    const seq = this.#next++;
    if (this.#next - this.#first > this.capacity) {
      this.#long.delete(this.#first);
      this.#first++;
    }
    const at = seq & this.#mask;
    this.#time[at] = time;
    this.#port[at] = port;
    const size = data.byteLength;
    if (size <= 3) {
      this.#packed[at] = (data[0] ?? 0) | ((data[1] ?? 0) << 8) | ((data[2] ?? 0) << 16);
      this.#size[at] = size;
    } else {
      this.#long.set(seq, data.slice());
      this.#size[at] = 255;
    }
    const status = data[0] ?? 0;
    this.kind[at] = KIND_INDEX.get(midiKind(status, data[2] ?? 0, size)) ?? 0;
    this.channel[at] = status >= 0x80 && status < 0xf0 ? (status & 0x0f) + 1 : 0;
    return seq;
  }

  time(seq: number): number {
    return this.#time[seq & this.#mask] as number;
  }

  /** The slot of a held event, for reading `kind` and `channel`. */
  slot(seq: number): number {
    return seq & this.#mask;
  }

  data(seq: number): Uint8Array {
    const at = seq & this.#mask;
    const size = this.#size[at] as number;
    if (size === 255) return this.#long.get(seq) ?? new Uint8Array(0);
    const packed = this.#packed[at] as number;
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = (packed >>> (8 * i)) & 0xff;
    return out;
  }

  event(seq: number): LoggedEvent {
    return { seq, time: this.time(seq), port: this.portName(seq), data: this.data(seq) };
  }

  clear(): void {
    this.#first = this.#next;
    this.#long.clear();
  }
}
