// The JS process callback, asynchronous and double-buffered.
//
// JavaScript cannot run inside JACK's realtime thread, so the native engine
// copies each cycle's inputs into one of a few slots of shared memory and
// wakes the JS thread; JS runs the callback on that slot and marks it done;
// in the NEXT cycle the engine plays the slot's outputs. That costs one period
// of latency. If JS is not done in time the engine plays silence and counts a
// late cycle; it never waits. When JS falls behind, it runs the callback for
// the newest cycle only: the inputs of the cycles in between (their MIDI
// events too) are dropped, as their outputs could no longer play in time.
// The shared memory's layout is BRIDGE in lib/layouts.ts (src/layouts.h).
import { CallbackExit, JackError } from './errors.js';
import { BRIDGE } from './layouts.js';
import type { PortHandle } from './native.js';
import type { OwnPort } from './port.js';

const SLOTS = 4;
const MIDI_AREA_BYTES = 32768;
const { globalBytes: GLOBAL_BYTES, slotHeaderBytes: SLOT_HEADER_BYTES } = BRIDGE;
const { midiAreaHeaderBytes: MIDI_HEADER_BYTES, midiRecordHeaderBytes: RECORD_HEADER_BYTES } =
  BRIDGE;
const { free: FREE, ready: READY, processing: PROCESSING, done: DONE } = BRIDGE.slotState;
const { cycle: CYCLE, frames: FRAMES, lastFrameTime: LAST_FRAME_TIME } = BRIDGE.slotHeader;
const { count: COUNT, used: USED, lost: LOST } = BRIDGE.midiArea;

export type ProcessCallback = (frames: number) => void;

interface PortSlot {
  kind: 'audioIn' | 'audioOut' | 'midiIn' | 'midiOut';
  index: number;
}

export interface BridgePorts {
  audioIn: OwnPort[];
  audioOut: OwnPort[];
  midiIn: OwnPort[];
  midiOut: OwnPort[];
}

export class ProcessBridge {
  readonly memory: ArrayBuffer;
  readonly #state: Int32Array;
  readonly #header: Uint32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #slotBytes: number;
  readonly #headerBytes: number;
  readonly #ports = new Map<OwnPort, PortSlot>();
  // Per slot, per audio port: a view of maxFrames samples.
  readonly #audioViews: Float32Array[][];
  #current = -1; // slot being processed, -1 outside the callback
  #frames = 0;
  #lastMidiTime: number[] = [];
  #enabled = true;

  constructor(
    readonly ports: BridgePorts,
    readonly maxFrames: number,
    private readonly callback: ProcessCallback,
    private readonly onStop: () => void,
  ) {
    const audioPorts = ports.audioIn.length + ports.audioOut.length;
    const midiPorts = ports.midiIn.length + ports.midiOut.length;
    this.#headerBytes = GLOBAL_BYTES + SLOTS * SLOT_HEADER_BYTES;
    this.#slotBytes = audioPorts * maxFrames * 4 + midiPorts * MIDI_AREA_BYTES;
    this.memory = new ArrayBuffer(this.#headerBytes + SLOTS * this.#slotBytes);
    this.#state = new Int32Array(this.memory, 0, this.#headerBytes / 4);
    this.#header = new Uint32Array(this.memory, 0, this.#headerBytes / 4);
    this.#bytes = new Uint8Array(this.memory);
    this.#view = new DataView(this.memory);
    // Touch every page now so the realtime thread never faults one in.
    this.#bytes.fill(0);
    for (const kind of ['audioIn', 'audioOut', 'midiIn', 'midiOut'] as const) {
      for (const [index, port] of ports[kind].entries()) this.#ports.set(port, { kind, index });
    }
    this.#audioViews = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      const views: Float32Array[] = [];
      for (let i = 0; i < audioPorts; i++)
        views.push(
          new Float32Array(this.memory, this.#slotStart(slot) + i * maxFrames * 4, maxFrames),
        );
      this.#audioViews.push(views);
    }
  }

  /** The plan description for the native engine. */
  spec(): {
    memory: ArrayBuffer;
    slots: number;
    maxFrames: number;
    midiArea: number;
    audioIn: PortHandle[];
    audioOut: PortHandle[];
    midiIn: PortHandle[];
    midiOut: PortHandle[];
  } {
    const handles = (list: OwnPort[]) => list.map((port) => port._handle);
    return {
      memory: this.memory,
      slots: SLOTS,
      maxFrames: this.maxFrames,
      midiArea: MIDI_AREA_BYTES,
      audioIn: handles(this.ports.audioIn),
      audioOut: handles(this.ports.audioOut),
      midiIn: handles(this.ports.midiIn),
      midiOut: handles(this.ports.midiOut),
    };
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** True while the callback runs: port buffers are valid only then. */
  get inCallback(): boolean {
    return this.#current >= 0;
  }

  /** Runs the callback for the newest cycle the engine handed over, if any. */
  run(): void {
    if (!this.#enabled || this.#current >= 0) return;
    let newest = -1;
    let newestCycle = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      if (Atomics.load(this.#state, this.#stateIndex(slot)) !== READY) continue;
      const cycle = this.#header[this.#headerIndex(slot) + CYCLE] ?? 0;
      if (newest < 0 || ((cycle - newestCycle) | 0) > 0) {
        newest = slot;
        newestCycle = cycle;
      }
    }
    if (newest < 0) return;
    // Older cycles are already too late to be played: give their slots back.
    for (let slot = 0; slot < SLOTS; slot++)
      if (slot !== newest)
        Atomics.compareExchange(this.#state, this.#stateIndex(slot), READY, FREE);
    if (Atomics.compareExchange(this.#state, this.#stateIndex(newest), READY, PROCESSING) !== READY)
      return;
    this.#current = newest;
    this.#frames = this.#header[this.#headerIndex(newest) + FRAMES] ?? 0;
    this.#lastMidiTime = this.ports.midiOut.map(() => -1);
    const views = this.#audioViews[newest] ?? [];
    for (let i = this.ports.audioIn.length; i < views.length; i++)
      views[i]?.fill(0, 0, this.#frames);
    try {
      this.callback(this.#frames);
    } catch (error) {
      // As in the Python module: no more calls after an exception;
      // CallbackExit stops silently.
      this.#enabled = false;
      if (!(error instanceof CallbackExit))
        console.error('jack: exception in process callback:', error);
    } finally {
      this.#current = -1;
      Atomics.store(this.#state, this.#stateIndex(newest), DONE);
    }
    if (!this.#enabled) this.onStop();
  }

  /** The frame time at the start of the cycle being processed. */
  get lastFrameTime(): number {
    this.#requireCallback();
    return this.#header[this.#headerIndex(this.#current) + LAST_FRAME_TIME] ?? 0;
  }

  // ---- per-port access, valid inside the callback only

  getArray(port: OwnPort): Float32Array {
    const slot = this.#slotOf(port);
    if (slot.kind !== 'audioIn' && slot.kind !== 'audioOut')
      throw new JackError(
        `'${port.name}' is a MIDI port: use its MIDI methods`,
        'incompatible-types',
      );
    const index = slot.kind === 'audioIn' ? slot.index : this.ports.audioIn.length + slot.index;
    const view = this.#audioViews[this.#current]?.[index];
    if (!view) throw new JackError('process bridge has no buffer for this port');
    return this.#frames === this.maxFrames ? view : view.subarray(0, this.#frames);
  }

  clearBuffer(port: OwnPort): void {
    const slot = this.#slotOf(port);
    if (slot.kind === 'midiOut') {
      const area = this.#midiArea(slot);
      this.#view.setUint32(area + COUNT, 0, true);
      this.#view.setUint32(area + USED, 0, true);
      this.#lastMidiTime[slot.index] = -1;
    } else if (slot.kind === 'audioOut') {
      this.getArray(port).fill(0);
    } else {
      throw new JackError(
        `'${port.name}' is an input port: its buffer cannot be cleared`,
        'wrong-direction',
      );
    }
  }

  *incomingMidiEvents(port: OwnPort): Generator<[time: number, data: Uint8Array]> {
    const slot = this.#slotOf(port);
    if (slot.kind !== 'midiIn')
      throw new JackError(`'${port.name}' is not a MIDI input port`, 'wrong-direction');
    const area = this.#midiArea(slot);
    const count = this.#view.getUint32(area + COUNT, true);
    let offset = area + MIDI_HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      const time = this.#view.getUint32(offset, true);
      const size = this.#view.getUint32(offset + 4, true);
      const data = offset + RECORD_HEADER_BYTES;
      yield [time, this.#bytes.subarray(data, data + size)];
      offset = data + ((size + 3) & ~3);
    }
  }

  lostMidiEvents(port: OwnPort): number {
    const slot = this.#slotOf(port);
    return slot.kind === 'midiIn' ? this.#view.getUint32(this.#midiArea(slot) + LOST, true) : 0;
  }

  maxEventSize(port: OwnPort): number {
    const slot = this.#slotOf(port);
    if (slot.kind !== 'midiOut') return 0;
    const used = this.#view.getUint32(this.#midiArea(slot) + USED, true);
    return Math.max(0, MIDI_AREA_BYTES - MIDI_HEADER_BYTES - used - RECORD_HEADER_BYTES);
  }

  reserveMidiEvent(port: OwnPort, time: number, size: number): Uint8Array {
    const slot = this.#slotOf(port);
    if (slot.kind !== 'midiOut')
      throw new JackError(`'${port.name}' is not a MIDI output port`, 'wrong-direction');
    if (!Number.isInteger(time) || time < 0)
      throw new TypeError('time must be a non-negative integer');
    if (!Number.isInteger(size) || size <= 0)
      throw new TypeError('size must be a positive integer');
    const last = this.#lastMidiTime[slot.index] ?? -1;
    if (time >= this.#frames || time < last || size > this.maxEventSize(port))
      return new Uint8Array(0);
    const area = this.#midiArea(slot);
    const count = this.#view.getUint32(area + COUNT, true);
    const used = this.#view.getUint32(area + USED, true);
    const offset = area + MIDI_HEADER_BYTES + used;
    this.#view.setUint32(offset, time, true);
    this.#view.setUint32(offset + 4, size, true);
    this.#view.setUint32(area + COUNT, count + 1, true);
    this.#view.setUint32(area + USED, used + RECORD_HEADER_BYTES + ((size + 3) & ~3), true);
    this.#lastMidiTime[slot.index] = time;
    const data = offset + RECORD_HEADER_BYTES;
    return this.#bytes.subarray(data, data + size);
  }

  writeMidiEvent(port: OwnPort, time: number, data: ArrayLike<number>): void {
    const slot = this.#slotOf(port);
    if (slot.kind !== 'midiOut')
      throw new JackError(`'${port.name}' is not a MIDI output port`, 'wrong-direction');
    if (!Number.isInteger(time) || time < 0)
      throw new TypeError('time must be a non-negative integer');
    const bytes = toBytes(data);
    if (bytes.length === 0)
      throw new JackError('a MIDI event needs at least one byte', 'bad-midi-event');
    if (time >= this.#frames)
      throw new JackError(
        `MIDI event time ${time} is outside this period (${this.#frames} frames)`,
        'bad-midi-event',
      );
    const last = this.#lastMidiTime[slot.index] ?? -1;
    if (time < last)
      throw new JackError(
        `MIDI events must be written in order: ${time} comes after ${last}`,
        'bad-midi-event',
      );
    if (bytes.length > this.maxEventSize(port))
      throw new JackError(
        `MIDI event of ${bytes.length} bytes is too large (at most ${this.maxEventSize(port)} left)`,
        'bad-midi-event',
      );
    this.reserveMidiEvent(port, time, bytes.length).set(bytes);
  }

  #slotOf(port: OwnPort): PortSlot {
    this.#requireCallback();
    const slot = this.#ports.get(port);
    if (!slot)
      throw new JackError(
        `'${port.name}' has no buffer in this cycle (registered after the process callback was set?)`,
      );
    return slot;
  }

  #requireCallback(): void {
    if (this.#current < 0)
      throw new JackError('port buffers can only be used inside the process callback');
  }

  #midiArea(slot: PortSlot): number {
    const audioBytes =
      (this.ports.audioIn.length + this.ports.audioOut.length) * this.maxFrames * 4;
    const index = slot.kind === 'midiIn' ? slot.index : this.ports.midiIn.length + slot.index;
    return this.#slotStart(this.#current) + audioBytes + index * MIDI_AREA_BYTES;
  }

  #slotStart(slot: number): number {
    return this.#headerBytes + slot * this.#slotBytes;
  }

  /** Index of a slot's header in the Int32/Uint32 views. */
  #headerIndex(slot: number): number {
    return (GLOBAL_BYTES + slot * SLOT_HEADER_BYTES) / 4;
  }

  #stateIndex(slot: number): number {
    return this.#headerIndex(slot) + BRIDGE.slotHeader.state;
  }
}

function toBytes(data: ArrayLike<number>): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data && typeof (data as ArrayLike<number>).length === 'number') return Uint8Array.from(data);
  throw new TypeError('MIDI data must be bytes or an array of numbers');
}
