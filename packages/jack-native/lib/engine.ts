// The realtime engine, JS side: the nodes a client runs inside JACK's process
// thread (meter taps, MIDI monitors, thru, sine generators, streams, the JS
// process bridge) and the plan that tells the native engine about them.
// Every change rebuilds the plan description and hands it to the addon, which
// publishes it to the realtime thread without locks (src/engine.cpp).
import { Analyser, type AnalyserOptions, type AnalyserTap } from './analyser.js';
import { JackError } from './errors.js';
import {
  METER_VALUES,
  MIDI_SEND_RECORD_HEADER_BYTES,
  MONITOR_RECORD_HEADER_BYTES,
} from './layouts.js';
import { call } from './library.js';
import { native as addon, type NativeClient, type PortHandle } from './native.js';
import { MIDI_TYPE, OwnPort, type Port } from './port.js';
import { ProcessBridge, type ProcessCallback } from './process.js';
import { RingBuffer } from './ringbuffer.js';

/** What the engine needs from its client (implemented by Client). */
export interface EngineHost {
  readonly native: NativeClient;
  readonly name: string;
  readonly active: boolean;
  ownPorts(): OwnPort[];
  resolvePort(port: string | Port): Port;
  registerHiddenInput(prefix: string, type: string): OwnPort;
  connectPorts(source: Port, destination: Port): void;
}

interface Node {
  readonly id: number;
  removed: boolean;
}

/** Converts dBFS to a linear gain. */
export function dbToGain(db: number): number {
  return db <= -200 ? 0 : 10 ** (db / 20);
}

/** Converts a linear gain to dBFS (-Infinity for silence). */
export function gainToDb(gain: number): number {
  return gain > 0 ? 20 * Math.log10(gain) : Number.NEGATIVE_INFINITY;
}

/** A meter on one audio port: its values come from Client.readMeters(). */
export class MeterTap implements Node {
  removed = false;
  /** @internal */
  constructor(
    readonly id: number,
    /** The port being metered. */
    readonly port: Port,
    /** The own input port that reads a foreign port (null for own ports). */
    readonly probe: OwnPort | null,
    private readonly engine: Engine,
  ) {}
  /** Position of this tap's [peak, rms, clips] triple in readMeters(), or -1 once removed. */
  get index(): number {
    return this.engine.meterIndex(this);
  }
  remove(): void {
    this.engine.remove(this);
  }
}

/** One MIDI event seen by a monitor. */
export interface MonitoredMidiEvent {
  /** Absolute JACK frame time (last_frame_time of its cycle + offset). */
  time: number;
  data: Uint8Array;
}

/** A MIDI monitor on one MIDI port: events with sample-accurate times. */
export class MidiMonitor implements Node {
  removed = false;
  /** @internal */
  constructor(
    readonly id: number,
    readonly port: Port,
    readonly probe: OwnPort | null,
    /** @internal */ readonly ring: RingBuffer,
    private readonly engine: Engine,
  ) {}

  /** Takes every event queued since the last call, oldest first. */
  read(): MonitoredMidiEvent[] {
    const events: MonitoredMidiEvent[] = [];
    this.drain((time, data) => events.push({ time, data: data.slice() }));
    return events;
  }

  /**
   * Calls `fn` for each queued event without allocating per event; `data` is a
   * view valid only during the call.
   */
  drain(fn: (time: number, data: Uint8Array) => void): number {
    const ring = this.ring;
    let count = 0;
    const headerBytes = MONITOR_RECORD_HEADER_BYTES;
    const header = new Uint8Array(headerBytes);
    const view = new DataView(header.buffer);
    let scratch = new Uint8Array(64);
    while (ring.readSpace >= headerBytes) {
      const [first, second] = ring.readBuffers;
      copyFrom(first, second, 0, header, headerBytes);
      const time = view.getUint32(0, true);
      const size = view.getUint32(4, true);
      if (ring.readSpace < headerBytes + size) break; // cannot happen: records are published whole
      if (scratch.length < size) scratch = new Uint8Array(size * 2);
      copyFrom(first, second, headerBytes, scratch, size);
      ring.readAdvance(headerBytes + size);
      fn(time, scratch.subarray(0, size));
      count++;
    }
    return count;
  }

  /** Events the realtime thread could not queue because the ring was full. */
  get lost(): number {
    return this.engine.monitorCounts(this)[1];
  }

  /** Events queued since the monitor was created. */
  get received(): number {
    return this.engine.monitorCounts(this)[0];
  }

  /**
   * Cycles JACK skipped for this client (xruns) since the monitor was
   * created: the events played in them never reach it, neither received nor lost.
   */
  get missedCycles(): number {
    return this.engine.monitorCounts(this)[2];
  }

  remove(): void {
    this.engine.remove(this);
  }
}

function copyFrom(
  first: Uint8Array,
  second: Uint8Array,
  offset: number,
  out: Uint8Array,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const at = offset + i;
    out[i] = (at < first.length ? first[at] : second[at - first.length]) ?? 0;
  }
}

/**
 * MIDI sent from JS into an own MIDI output port: each event is queued whole
 * in a lock-free ring and played by the realtime thread at frame 0 of the next
 * cycle, in order. An event that finds the ring full is dropped and counted,
 * as is one larger than the port's whole buffer. The sender remembers which
 * notes it left on, so closing it never leaves a note hanging.
 */
export class MidiSender implements Node {
  removed = false;
  #droppedHere = 0;
  #queued = 0;
  // The realtime counts as they were when the node went (its counters go with it).
  #final: [sent: number, dropped: number] | null = null;
  // Held notes: bit `note` of channel `channel` (0-based) in #held[channel * 4 + (note >> 5)].
  readonly #held = new Uint32Array(16 * 4);
  /** @internal */
  constructor(
    readonly id: number,
    readonly port: OwnPort,
    /** @internal */ readonly ring: RingBuffer,
    private readonly engine: Engine,
  ) {}

  /**
   * Queues one MIDI event (1 to ring size − 5 bytes) for the next cycle.
   * Returns false, and counts it as dropped, when the ring has no room.
   */
  send(data: ArrayLike<number> | Uint8Array): boolean {
    if (this.removed) throw new JackError('this MIDI sender was removed', 'failed');
    const size = data.length;
    if (
      !Number.isInteger(size) ||
      size < 1 ||
      size > this.ring.size - 1 - MIDI_SEND_RECORD_HEADER_BYTES
    )
      throw new RangeError(`a MIDI event must have 1 to ${this.ring.size - 5} bytes`);
    const record = new Uint8Array(MIDI_SEND_RECORD_HEADER_BYTES + size);
    new DataView(record.buffer).setUint32(0, size, true);
    for (let i = 0; i < size; i++) {
      const byte = data[i];
      if (!Number.isInteger(byte) || (byte as number) < 0 || (byte as number) > 255)
        throw new TypeError(`MIDI bytes must be integers from 0 to 255, got ${String(byte)}`);
      record[MIDI_SEND_RECORD_HEADER_BYTES + i] = byte as number;
    }
    // One write publishes the whole record: the realtime thread never sees half of one.
    if (this.ring.writeSpace < record.length) {
      this.#droppedHere++;
      return false;
    }
    this.ring.write(record);
    this.#queued++;
    this.#track(record.subarray(MIDI_SEND_RECORD_HEADER_BYTES));
    return true;
  }

  #track(event: Uint8Array): void {
    const status = event[0] ?? 0;
    const kind = status & 0xf0;
    const channel = status & 0x0f;
    if ((kind === 0x80 || kind === 0x90) && event.length >= 3) {
      const note = (event[1] ?? 0) & 0x7f;
      const word = channel * 4 + (note >> 5);
      const bit = 1 << (note & 31);
      if (kind === 0x90 && (event[2] ?? 0) > 0) this.#held[word] = (this.#held[word] ?? 0) | bit;
      else this.#held[word] = (this.#held[word] ?? 0) & ~bit;
    } else if (kind === 0xb0 && event.length >= 3 && (event[1] === 123 || event[1] === 120)) {
      // All notes off / all sound off.
      this.#held.fill(0, channel * 4, channel * 4 + 4);
    }
  }

  /** Notes this sender turned on and not yet off, as [channel 1–16, note]. */
  get heldNotes(): Array<[channel: number, note: number]> {
    const notes: Array<[number, number]> = [];
    for (let channel = 0; channel < 16; channel++)
      for (let note = 0; note < 128; note++)
        if (((this.#held[channel * 4 + (note >> 5)] ?? 0) >>> (note & 31)) & 1)
          notes.push([channel + 1, note]);
    return notes;
  }

  /** Queues a note-off (velocity 64) for every held note; returns how many were queued. */
  releaseNotes(): number {
    let count = 0;
    for (const [channel, note] of this.heldNotes)
      if (this.send([0x80 | (channel - 1), note, 64])) count++;
    return count;
  }

  /** Events the realtime thread has played so far. */
  get sent(): number {
    return (this.#final ?? this.engine.sendCounts(this))[0];
  }

  /** Events dropped: the ring was full, or one could not fit even an empty port buffer. */
  get dropped(): number {
    return this.#droppedHere + (this.#final ?? this.engine.sendCounts(this))[1];
  }

  /** @internal The node is going: its counts stay readable. */
  _keepCounts(): void {
    this.#final = this.engine.sendCounts(this);
  }

  /** Events queued into the ring so far (played or still waiting). */
  get queued(): number {
    return this.#queued;
  }

  /** True when the realtime thread has taken everything queued. */
  get drained(): boolean {
    return this.ring.readSpace === 0;
  }

  /**
   * Releases held notes, waits (at most `timeoutMs`) until the realtime thread
   * has played everything queued and one more cycle has passed, then removes
   * the node. Its port stays registered and connected: the caller decides.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.removed) return;
    this.releaseNotes();
    const deadline = Date.now() + (options.timeoutMs ?? 1000);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let drainedAt: number | null = null;
    while (!this.removed && Date.now() < deadline) {
      let cycles: number;
      try {
        cycles = this.engine.counters().cycles;
      } catch {
        break; // the client closed: no realtime thread to wait for
      }
      if (drainedAt === null && this.drained) drainedAt = cycles;
      // A cycle that starts after the one that took the events: they are in the
      // port's buffer of a finished cycle, delivered before any disconnection.
      if (drainedAt !== null && cycles >= drainedAt + 2) break;
      await pause(2);
    }
    this.remove();
  }

  remove(): void {
    this.engine.remove(this);
  }
}

/** Audio and MIDI copied from own inputs to own outputs in the same cycle. */
export class Thru implements Node {
  removed = false;
  /** @internal */
  constructor(
    readonly id: number,
    readonly pairs: ReadonlyArray<readonly [OwnPort, OwnPort]>,
    /** MIDI channels (1–16) passed through; all when undefined. */
    readonly channels: readonly number[] | undefined,
    private readonly engine: Engine,
  ) {}
  remove(): void {
    this.engine.remove(this);
  }
}

export interface SineOptions {
  /** Hz; default 1000. */
  frequency?: number;
  /** dBFS; default -20. */
  level?: number;
  /** default true. */
  on?: boolean;
}

/** A sine generator on an own output port: phase-continuous, 5 ms ramps. */
export class SineGenerator implements Node {
  removed = false;
  #frequency: number;
  #level: number;
  #on: boolean;
  /** @internal */
  constructor(
    readonly id: number,
    readonly port: OwnPort,
    options: SineOptions,
    private readonly engine: Engine,
  ) {
    this.#frequency = options.frequency ?? 1000;
    this.#level = options.level ?? -20;
    this.#on = options.on ?? true;
    checkSine(this.#frequency, this.#level);
  }
  get frequency(): number {
    return this.#frequency;
  }
  set frequency(hz: number) {
    checkSine(hz, this.#level);
    this.apply(hz, this.#level, this.#on);
    this.#frequency = hz;
  }
  /** Level in dBFS. */
  get level(): number {
    return this.#level;
  }
  set level(db: number) {
    checkSine(this.#frequency, db);
    this.apply(this.#frequency, db, this.#on);
    this.#level = db;
  }
  get on(): boolean {
    return this.#on;
  }
  set on(on: boolean) {
    this.apply(this.#frequency, this.#level, Boolean(on));
    this.#on = Boolean(on);
  }
  /** @internal Hands the values to the realtime thread (first: a closed client throws). */
  apply(frequency = this.#frequency, level = this.#level, on = this.#on): void {
    if (!this.removed) this.engine.native().engineSetSine(this.id, frequency, dbToGain(level), on);
  }
  remove(): void {
    this.engine.remove(this);
  }
}

function checkSine(frequency: number, level: number): void {
  if (!Number.isFinite(frequency) || frequency <= 0 || frequency > 96000)
    throw new RangeError('frequency must be a number of Hz from above 0 to 96000');
  if (!Number.isFinite(level) && level !== Number.NEGATIVE_INFINITY)
    throw new RangeError('level must be a number of dBFS');
  if (level > 0) throw new RangeError('level must be at most 0 dBFS');
}

/** Playback from, or capture into, a RingBuffer of interleaved float32 frames. */
export class Stream implements Node {
  removed = false;
  /** @internal */
  constructor(
    readonly id: number,
    readonly kind: 'playback' | 'capture',
    readonly ports: readonly OwnPort[],
    readonly ring: RingBuffer,
    private readonly engine: Engine,
  ) {}
  /** Cycles with too little data (playback) or too little room (capture). */
  get xruns(): number {
    return this.engine.streamXruns(this);
  }
  remove(): void {
    this.engine.remove(this);
  }
}

export interface Tempo {
  beatsPerMinute: number;
  beatsPerBar: number;
  beatType: number;
  ticksPerBeat: number;
}

const DEFAULT_TEMPO: Tempo = {
  beatsPerMinute: 120,
  beatsPerBar: 4,
  beatType: 4,
  ticksPerBeat: 1920,
};
const MIDI_MONITOR_BYTES = 1 << 20;
const MIDI_SEND_BYTES = 1 << 14;
// Largest period the engine's scratch and bridge buffers are sized for at
// first; a larger blocksize rebuilds them (blocksize notification).
const MIN_MAX_FRAMES = 4096;

export class Engine {
  #nextId = 1;
  readonly #meters: MeterTap[] = [];
  readonly #monitors: MidiMonitor[] = [];
  readonly #sends: MidiSender[] = [];
  readonly #thrus: Thru[] = [];
  readonly #sines: SineGenerator[] = [];
  readonly #streams: Stream[] = [];
  readonly #analysers: Analyser[] = [];
  #bridge: ProcessBridge | null = null;
  #processCallback: ProcessCallback | null = null;
  // Own ports about to be unregistered: already out of the plan.
  readonly #leaving = new Set<OwnPort>();
  #published = false;
  // The next publish precedes unregistering a port the realtime thread may use.
  #settle = false;
  // Probes whose tap went, by port type: disconnected and kept for the next
  // tap, never unregistered. JACK2's libjack walks the client's own port list
  // on its notification thread (latency recomputation, HandleLatencyCallback
  // in JackClient.cpp) while jack_port_unregister erases from that list on
  // ours: a client that unregisters ports while others change the graph
  // sooner or later dies in an assertion there (seen: taps churning while
  // peers came and went).
  readonly #idleProbes = new Map<string, OwnPort[]>();
  #tempo: Tempo = { ...DEFAULT_TEMPO };

  constructor(private readonly host: EngineHost) {}

  /** @internal */
  native(): NativeClient {
    return this.host.native;
  }

  get meters(): readonly MeterTap[] {
    return this.#meters;
  }

  get bridge(): ProcessBridge | null {
    return this.#bridge;
  }

  maxFrames(): number {
    return Math.max(MIN_MAX_FRAMES, this.host.native.blocksize());
  }

  // ---- creating nodes

  addMeter(target: string | Port): MeterTap {
    const port = this.host.resolvePort(target);
    if (!port.isAudio)
      throw new JackError(`'${port.name}' is not an audio port`, 'incompatible-types');
    const probe = this.#probeFor(port, 'meter');
    const tap = new MeterTap(this.#nextId++, port, probe, this);
    this.#meters.push(tap);
    this.publish();
    return tap;
  }

  addMidiMonitor(target: string | Port, bufferBytes = MIDI_MONITOR_BYTES): MidiMonitor {
    const port = this.host.resolvePort(target);
    if (!port.isMidi)
      throw new JackError(`'${port.name}' is not a MIDI port`, 'incompatible-types');
    const probe = this.#probeFor(port, 'midimon');
    const ring = new RingBuffer(bufferBytes);
    ring.reset(); // touch every page now, not in the realtime thread
    const monitor = new MidiMonitor(this.#nextId++, port, probe, ring, this);
    this.#monitors.push(monitor);
    this.publish();
    return monitor;
  }

  addMidiSender(port: OwnPort, bufferBytes = MIDI_SEND_BYTES): MidiSender {
    if (!(port instanceof OwnPort) || !port.isOutput || !port.isMidi)
      throw new TypeError('a MIDI sender needs an own MIDI output port');
    if (!Number.isInteger(bufferBytes) || bufferBytes < 16 || bufferBytes > 1 << 24)
      throw new RangeError('bufferBytes must be an integer from 16 to 2^24');
    const ring = new RingBuffer(bufferBytes);
    ring.reset(); // touch every page now, not in the realtime thread
    const sender = new MidiSender(this.#nextId++, port, ring, this);
    this.#sends.push(sender);
    this.publish();
    return sender;
  }

  addThru(pairs: ReadonlyArray<readonly [OwnPort, OwnPort]>, channels?: readonly number[]): Thru {
    if (!Array.isArray(pairs) || pairs.length === 0)
      throw new TypeError('pairs must be a non-empty array of [input, output]');
    for (const pair of pairs) {
      const [input, output] = Array.isArray(pair) ? pair : [];
      if (
        !(input instanceof OwnPort) ||
        !(output instanceof OwnPort) ||
        !input.isInput ||
        !output.isOutput
      )
        throw new TypeError('each pair must be [own input port, own output port]');
      if (input.type !== output.type)
        throw new JackError(
          `'${input.name}' and '${output.name}' differ in type`,
          'incompatible-types',
        );
    }
    if (
      channels !== undefined &&
      (!Array.isArray(channels) || channels.some((c) => !Number.isInteger(c) || c < 1 || c > 16))
    )
      throw new RangeError('channels must be MIDI channel numbers from 1 to 16');
    const thru = new Thru(
      this.#nextId++,
      pairs.map(([a, b]) => [a, b] as const),
      channels,
      this,
    );
    this.#thrus.push(thru);
    this.publish();
    return thru;
  }

  addSine(port: OwnPort, options: SineOptions = {}): SineGenerator {
    if (!(port instanceof OwnPort) || !port.isOutput || !port.isAudio)
      throw new TypeError('a sine generator needs an own audio output port');
    const sine = new SineGenerator(this.#nextId++, port, options, this);
    this.#sines.push(sine);
    this.publish();
    sine.apply();
    return sine;
  }

  addStream(kind: 'playback' | 'capture', ports: readonly OwnPort[], ring: RingBuffer): Stream {
    if (!Array.isArray(ports) || ports.length === 0)
      throw new TypeError('ports must be a non-empty array of own ports');
    for (const port of ports) {
      if (
        !(port instanceof OwnPort) ||
        !port.isAudio ||
        (kind === 'playback' ? !port.isOutput : !port.isInput)
      )
        throw new TypeError(
          `a ${kind} stream needs own audio ${kind === 'playback' ? 'output' : 'input'} ports`,
        );
    }
    if (!(ring instanceof RingBuffer)) throw new TypeError('ring must be a RingBuffer');
    const stream = new Stream(this.#nextId++, kind, [...ports], ring, this);
    this.#streams.push(stream);
    this.publish();
    return stream;
  }

  /**
   * A level and loudness analyser on one audio port or a stereo pair (own
   * ports or other clients'): the realtime thread only copies the samples
   * into a ring (a capture node), the analysis runs where read() is called.
   */
  addAnalyser(targets: ReadonlyArray<string | Port>, options: AnalyserOptions = {}): Analyser {
    if (!Array.isArray(targets) || targets.length < 1 || targets.length > 2)
      throw new TypeError('an analyser takes one audio port or a pair');
    const ports = targets.map((target) => this.host.resolvePort(target));
    for (const port of ports)
      if (!port.isAudio)
        throw new JackError(`'${port.name}' is not an audio port`, 'incompatible-types');
    if (ports.length === 2 && ports[0] === ports[1])
      throw new TypeError('the two ports of a pair must differ');
    const seconds = options.bufferSeconds ?? 4;
    if (!(seconds > 0 && seconds <= 60))
      throw new RangeError('bufferSeconds must be a number of seconds from above 0 to 60');
    const rate = this.host.native.samplerate();
    const ring = new RingBuffer(Math.ceil(rate * seconds) * ports.length * 4);
    ring.reset(); // touch every page now, not in the realtime thread
    // The native part first: when it cannot be made, nothing else was.
    const nativeAnalyser = call(
      () =>
        new addon.NativeAnalyser(
          ring._memory,
          ring.size,
          ports.length,
          rate,
          options.loudness ?? true,
        ),
    );
    const taps: AnalyserTap[] = [];
    try {
      for (const port of ports) taps.push({ port, probe: this.#probeFor(port, 'analyser') });
    } catch (error) {
      for (const tap of taps) if (tap.probe) this.#idleProbe(tap.probe);
      nativeAnalyser.close();
      throw error;
    }
    const analyser = new Analyser(this.#nextId++, taps, ring, nativeAnalyser, this);
    this.#analysers.push(analyser);
    this.publish();
    return analyser;
  }

  /** @internal Cycles an analyser's ring had no room for. */
  analyserOverruns(analyser: Analyser): number {
    return this.counters().streams[String(analyser.id)] ?? 0;
  }

  /** Installs (or with null removes) the asynchronous JS process callback. */
  setProcessCallback(callback: ProcessCallback | null): void {
    this.#processCallback = callback;
    this.#rebuildBridge();
  }

  /** Own ports were registered: outputs to silence and bridge buffers change. */
  portsChanged(): void {
    if (this.#processCallback) this.#rebuildBridge();
    else this.publish();
  }

  /**
   * An own port is about to be unregistered: the realtime thread must stop
   * touching it first, so nodes on it go away and a plan without it is published.
   */
  portLeaving(port: OwnPort): void {
    this.#leaving.add(port);
    const idle = this.#idleProbes.get(port.type);
    if (idle?.includes(port)) idle.splice(idle.indexOf(port), 1);
    for (const sine of [...this.#sines]) if (sine.port === port) this.remove(sine);
    for (const thru of [...this.#thrus])
      if (thru.pairs.some((pair) => pair.includes(port))) this.remove(thru);
    for (const stream of [...this.#streams]) if (stream.ports.includes(port)) this.remove(stream);
    for (const sender of [...this.#sends]) if (sender.port === port) this.remove(sender);
    for (const tap of [...this.#meters, ...this.#monitors])
      if (tap.port === port || tap.probe === port) this.remove(tap);
    for (const analyser of [...this.#analysers])
      if (analyser.taps.some((tap) => tap.port === port || tap.probe === port))
        this.remove(analyser);
    this.#settle = true;
    this.portsChanged();
  }

  portLeft(port: OwnPort): void {
    this.#leaving.delete(port);
  }

  /** The blocksize changed: bridge buffers follow it. */
  blocksizeChanged(): void {
    this.portsChanged();
  }

  #ownPorts(): OwnPort[] {
    return this.host.ownPorts().filter((port) => !this.#leaving.has(port));
  }

  #rebuildBridge(): void {
    const callback = this.#processCallback;
    if (!callback) {
      this.#bridge = null;
    } else {
      const own = this.#ownPorts();
      const pick = (audio: boolean, input: boolean) =>
        own.filter((p) => (audio ? p.isAudio : p.isMidi) && p.isInput === input);
      this.#bridge = new ProcessBridge(
        {
          audioIn: pick(true, true),
          audioOut: pick(true, false),
          midiIn: pick(false, true),
          midiOut: pick(false, false),
        },
        this.host.native.blocksize(),
        callback,
        () => {
          if (this.#processCallback === callback) this.setProcessCallback(null);
        },
      );
    }
    this.publish();
  }

  remove(
    node: MeterTap | MidiMonitor | MidiSender | Thru | SineGenerator | Stream | Analyser,
  ): void {
    if (node.removed) return;
    if (node instanceof MidiSender && this.#live()) node._keepCounts();
    node.removed = true;
    for (const list of [
      this.#meters,
      this.#monitors,
      this.#sends,
      this.#thrus,
      this.#sines,
      this.#streams,
      this.#analysers,
    ] as Node[][]) {
      const index = list.indexOf(node);
      if (index >= 0) list.splice(index, 1);
    }
    // Its libebur128 state goes now, whatever the client's state (the plan keeps the ring).
    if (node instanceof Analyser) node._close();
    // A closed or shut-down client runs no engine: nothing is left to undo.
    if (!this.#live()) return;
    // Until the realtime thread runs the new plan the old node may still read
    // the probe: harmless, it only reads (a reused probe's next tap starts
    // from its own counters).
    if ('probe' in node && node.probe?.isRegistered) this.#idleProbe(node.probe);
    if (node instanceof Analyser)
      for (const tap of node.taps) if (tap.probe?.isRegistered) this.#idleProbe(tap.probe);
    this.publish();
  }

  #idleProbe(probe: OwnPort): void {
    try {
      probe.disconnect();
    } catch (error) {
      // Not disconnected, it could carry what its next tap does not ask for.
      if (!(error instanceof JackError)) throw error;
      return;
    }
    const idle = this.#idleProbes.get(probe.type) ?? [];
    idle.push(probe);
    this.#idleProbes.set(probe.type, idle);
  }

  #live(): boolean {
    try {
      this.host.native;
      return true;
    } catch (error) {
      if (error instanceof JackError && (error.kind === 'closed' || error.kind === 'shutdown'))
        return false;
      throw error;
    }
  }

  // ---- reading

  meterIndex(tap: MeterTap): number {
    const index = this.#meters.indexOf(tap);
    return index < 0 ? -1 : index * METER_VALUES;
  }

  /** [peak, rms, clips] per tap in `meters` order, linear values since the last call. */
  readMeters(out?: Float32Array): Float32Array {
    const needed = this.#meters.length * METER_VALUES;
    const result = out && out.length >= needed ? out : new Float32Array(needed);
    if (this.#meters.length > 0) this.host.native.engineReadMeters(result);
    return result;
  }

  counters(): ReturnType<NativeClient['engineCounters']> {
    return this.host.native.engineCounters();
  }

  readonly #monitorCounts = new Float64Array(3);

  monitorCounts(monitor: MidiMonitor): [received: number, lost: number, missedCycles: number] {
    const out = this.#monitorCounts;
    if (!this.host.native.engineMonitorCounts(monitor.id, out)) return [0, 0, 0];
    return [out[0] as number, out[1] as number, out[2] as number];
  }

  sendCounts(sender: MidiSender): [sent: number, dropped: number] {
    return this.counters().sends[String(sender.id)] ?? [0, 0];
  }

  streamXruns(stream: Stream): number {
    return this.counters().streams[String(stream.id)] ?? 0;
  }

  // ---- timebase

  setTempo(tempo: Partial<Tempo>): void {
    const next = { ...this.#tempo, ...tempo };
    if (
      !(
        next.beatsPerMinute > 0 &&
        next.beatsPerBar > 0 &&
        next.beatType > 0 &&
        next.ticksPerBeat > 0
      )
    )
      throw new RangeError('tempo values must be positive numbers');
    this.#tempo = next;
    this.host.native.engineSetTempo(
      next.beatsPerMinute,
      next.beatsPerBar,
      next.beatType,
      next.ticksPerBeat,
    );
  }

  // ---- the plan

  /** Rebuilds the plan from the current nodes and own ports and hands it over. */
  publish(): void {
    // Before a port goes: wait for the realtime thread to run this plan, at
    // most a few periods (it runs only while the client is active).
    const settle = this.#settle && this.host.active;
    this.#settle = false;
    const empty =
      this.#meters.length +
        this.#monitors.length +
        this.#sends.length +
        this.#thrus.length +
        this.#sines.length +
        this.#streams.length +
        this.#analysers.length ===
        0 && !this.#bridge;
    if (empty && !this.#published) return;
    const native = this.host.native;
    const own = this.#ownPorts();
    const handles = (ports: readonly Port[]): PortHandle[] => ports.map((port) => port._handle);
    const maxFrames = this.maxFrames();
    const readPort = (tap: { port: Port; probe: OwnPort | null }): PortHandle =>
      (tap.probe ?? tap.port)._handle;
    native.engineUpdate({
      settleMs: settle
        ? Math.max(50, ((4 * native.blocksize()) / native.samplerate()) * 1000)
        : undefined,
      clearAudio: handles(own.filter((p) => p.isOutput && p.isAudio)),
      clearMidi: handles(own.filter((p) => p.isOutput && p.isMidi)),
      meters: this.#meters.map((tap) => ({ id: tap.id, port: readPort(tap) })),
      monitors: this.#monitors.map((m) => ({
        id: m.id,
        port: readPort(m),
        memory: m.ring._memory,
        size: m.ring.size,
      })),
      sends: this.#sends.map((sender) => ({
        id: sender.id,
        port: sender.port._handle,
        memory: sender.ring._memory,
        size: sender.ring.size,
      })),
      thrus: this.#thrus.map((thru) => ({
        id: thru.id,
        audio: thru.pairs.filter(([a]) => a.isAudio).map(([a, b]) => [a._handle, b._handle]),
        midi: thru.pairs.filter(([a]) => a.isMidi).map(([a, b]) => [a._handle, b._handle]),
        channelMask: thru.channels
          ? thru.channels.reduce((mask, c) => mask | (1 << (c - 1)), 0)
          : 0xffff,
      })),
      sines: this.#sines.map((sine) => ({ id: sine.id, port: sine.port._handle })),
      streams: [
        ...this.#streams.map((s) => ({
          id: s.id,
          playback: s.kind === 'playback',
          ports: handles(s.ports),
          memory: s.ring._memory,
          size: s.ring.size,
          maxFrames,
        })),
        // An analyser's realtime part is a capture node on the ports it reads.
        ...this.#analysers.map((a) => ({
          id: a.id,
          playback: false,
          ports: a.taps.map(readPort),
          memory: a.ring._memory,
          size: a.ring.size,
          maxFrames,
        })),
      ],
      bridge: this.#bridge ? this.#bridge.spec() : null,
    });
    this.#published = !empty;
  }

  /** Keeps probes of foreign input ports connected to whatever feeds them. */
  onPortConnect(source: Port | null, destination: Port | null, connected: boolean): void {
    if (!source || !destination || !source.isOutput) return;
    const taps = [...this.#meters, ...this.#monitors, ...this.#analysers.flatMap((a) => a.taps)];
    for (const tap of taps) {
      if (tap.port !== destination || !tap.probe?.isRegistered || source === tap.probe) continue;
      try {
        if (connected && !tap.probe.isConnectedTo(source))
          this.host.connectPorts(source, tap.probe);
        if (!connected && tap.probe.isConnectedTo(source)) tap.probe.disconnect(source);
      } catch {
        // The source vanished meanwhile: the next notification settles it.
      }
    }
  }

  // An own port that reads `port`: the port itself when it is ours, else a
  // new own input connected to it (to a foreign input port's sources, since
  // JACK cannot tap what arrives at someone else's input).
  #probeFor(port: Port, prefix: string): OwnPort | null {
    if (port instanceof OwnPort) return null;
    if (!this.host.active)
      throw new JackError('meters and monitors on other clients need an active client', 'failed');
    const type = port.isMidi ? MIDI_TYPE : port.type;
    const probe = this.#idleProbes.get(type)?.pop() ?? this.host.registerHiddenInput(prefix, type);
    try {
      const sources = port.isOutput
        ? [port]
        : this.host.native
            .portAllConnections(port._handle)
            .map((name) => this.host.resolvePort(name));
      for (const source of sources) this.host.connectPorts(source, probe);
    } catch (error) {
      this.#idleProbe(probe);
      throw error;
    }
    return probe;
  }
}
