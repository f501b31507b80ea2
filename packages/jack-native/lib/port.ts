// Port objects. A Client hands out one object per JACK port, so ports compare
// with === and work as Map/Set keys. Type and flags never change for a port's
// lifetime and are read once; the name is tracked through rename notifications
// while the client is active and read from JACK otherwise.
import { JackError, JackErrorCode } from './errors.js';
import { call, portNameSize } from './library.js';
import { type NativeClient, native, type PortHandle } from './native.js';
import type { ProcessBridge } from './process.js';

export const AUDIO_TYPE = '32 bit float mono audio';
export const MIDI_TYPE = '8 bit raw midi';

export const PORT_IS_INPUT = 0x1;
export const PORT_IS_OUTPUT = 0x2;
export const PORT_IS_PHYSICAL = 0x4;
export const PORT_CAN_MONITOR = 0x8;
export const PORT_IS_TERMINAL = 0x10;

/** A latency range in frames. */
export interface LatencyRange {
  min: number;
  max: number;
}

/** 'capture': latency from the outside world to this port; 'playback': from this port out. */
export type LatencyMode = 'capture' | 'playback';

/** What a port needs from the client that made it (implemented by Client). */
export interface PortOwner {
  /** The native client; throws JackError when closed or shut down. */
  readonly native: NativeClient;
  /** Throws JackError when closed or shut down. */
  assertOpen(): void;
  /** True while notifications keep port names current. */
  readonly tracksNames: boolean;
  portFromName(name: string): Port;
  portNameOf(port: string | Port): string;
  portRenamed(port: Port, oldName: string): void;
  portWillUnregister(port: OwnPort): void;
  portUnregistered(port: OwnPort): void;
  connect(source: string | Port, destination: string | Port): void;
  disconnect(source: string | Port, destination: string | Port): void;
  /** The JS process callback's buffers; throws outside the callback. */
  processBridge(): ProcessBridge;
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * @internal Throws JackError 'name-too-long' for a port name or alias JACK
 * cannot hold. portNameSize() counts the final NUL, and JACK2 registers only
 * names shorter than portNameSize() - 1 bytes; its requests to the server
 * also cut every name to JACK_PORT_NAME_SIZE (256) bytes, silently.
 */
export function checkPortNameLength(name: string): void {
  const limit = Math.min(portNameSize() - 2, 256);
  if (Buffer.byteLength(name) > limit)
    throw new JackError(`port name '${name}' is longer than ${limit} bytes`, 'name-too-long');
}

function checkLatencyMode(mode: unknown): boolean {
  if (mode !== 'capture' && mode !== 'playback')
    throw new TypeError("latency mode must be 'capture' or 'playback'");
  return mode === 'playback';
}

/** A JACK port of any type; audio ports are plain Ports, as in the Python module. */
export class Port {
  /** @internal */
  readonly _owner: PortOwner;
  /** @internal the jack_port_t* value, see native.ts */
  readonly _handle: PortHandle;
  #name: string;
  /** Raw JackPortFlags bits. */
  readonly flags: number;
  /** The JACK port type string, e.g. '32 bit float mono audio'. */
  readonly type: string;

  /** @internal Ports come from a Client, never from user code. */
  constructor(owner: PortOwner, handle: PortHandle, name: string, flags: number, type: string) {
    this._owner = owner;
    this._handle = handle;
    this.#name = name;
    this.flags = flags;
    this.type = type;
  }

  /**
   * @internal The native client, for calls about this port; throws JackError
   * when the client is closed (and, for own ports, once unregistered: JACK
   * reuses the slot, so the handle could reach another port).
   */
  get _native(): NativeClient {
    return this._owner.native;
  }

  /** @internal Throws JackError when this port can no longer be used, as _native does. */
  _assertOpen(): void {
    this._owner.assertOpen();
  }

  /** Full name, 'client:port'. */
  get name(): string {
    this._assertOpen();
    if (!this._owner.tracksNames) this.#name = native.portName(this._handle);
    return this.#name;
  }

  /** @internal the last name seen, without asking JACK */
  get _knownName(): string {
    return this.#name;
  }

  /** @internal */
  _setName(name: string): void {
    this.#name = name;
  }

  /** The name without the client part. Assigning renames the port. */
  get shortname(): string {
    this._assertOpen();
    return native.portShortName(this._handle);
  }

  set shortname(shortname: string) {
    if (typeof shortname !== 'string' || shortname === '')
      throw new TypeError('shortname must be a non-empty string');
    const owner = this._owner;
    const nativeClient = this._native;
    const oldName = native.portName(this._handle);
    // JACK2 renames without checks: it would truncate a long name and let two
    // ports share one. The client part is what precedes JACK's short name (a
    // client name may itself contain ':').
    const oldShort = native.portShortName(this._handle);
    const newName = oldName.slice(0, oldName.length - oldShort.length) + shortname;
    checkPortNameLength(newName);
    const existing = nativeClient.portByName(newName);
    if (existing !== null && existing !== this._handle)
      throw new JackError(`port '${newName}' already exists`, 'duplicate-name');
    const rc = call(() => nativeClient.portRename(this._handle, shortname));
    if (rc !== 0) throw new JackErrorCode(`Error renaming port '${oldName}' to '${shortname}'`, rc);
    // PipeWire's libjack accepts the call and only logs "deprecated": the
    // port is renamed in this process alone, every other client still sees
    // (and finds) the old name. Undo the local rename and say so rather
    // than report a success nobody else sees.
    if (newName !== oldName && nativeClient.portByName(oldName) === this._handle) {
      call(() => nativeClient.portRename(this._handle, oldShort));
      throw new JackError(
        `The server did not rename port '${oldName}' to '${shortname}' ` +
          '(PipeWire keeps port names; set a pretty name through metadata instead)',
        'unsupported',
      );
    }
    const knownName = this.#name;
    this.#name = native.portName(this._handle);
    owner.portRenamed(this, knownName);
  }

  /** Up to two alternative names. */
  get aliases(): string[] {
    this._assertOpen();
    return call(() => native.portAliases(this._handle));
  }

  setAlias(alias: string): void {
    if (typeof alias !== 'string' || alias === '')
      throw new TypeError('alias must be a non-empty string');
    this._assertOpen();
    checkPortNameLength(alias);
    const rc = call(() => native.portSetAlias(this._handle, alias));
    if (rc !== 0) throw new JackErrorCode(`Error setting alias '${alias}' on '${this.#name}'`, rc);
  }

  unsetAlias(alias: string): void {
    if (typeof alias !== 'string') throw new TypeError('alias must be a string');
    this._assertOpen();
    const rc = call(() => native.portUnsetAlias(this._handle, alias));
    if (rc !== 0)
      throw new JackErrorCode(`Error unsetting alias '${alias}' on '${this.#name}'`, rc);
  }

  /** The port's UUID as a decimal string (64 bits do not fit a JS number). */
  get uuid(): string {
    this._assertOpen();
    return call(() => native.portUuid(this._handle));
  }

  get isAudio(): boolean {
    return this.type === AUDIO_TYPE;
  }
  get isMidi(): boolean {
    return this.type === MIDI_TYPE;
  }
  get isInput(): boolean {
    return (this.flags & PORT_IS_INPUT) !== 0;
  }
  get isOutput(): boolean {
    return (this.flags & PORT_IS_OUTPUT) !== 0;
  }
  get isPhysical(): boolean {
    return (this.flags & PORT_IS_PHYSICAL) !== 0;
  }
  get canMonitor(): boolean {
    return (this.flags & PORT_CAN_MONITOR) !== 0;
  }
  get isTerminal(): boolean {
    return (this.flags & PORT_IS_TERMINAL) !== 0;
  }

  /** Turns input monitoring on or off, if canMonitor; otherwise does nothing. */
  requestMonitor(onoff: boolean): void {
    this._assertOpen();
    const rc = native.portRequestMonitor(this._handle, Boolean(onoff));
    if (rc !== 0) throw new JackErrorCode('Unable to switch monitoring on/off', rc);
  }

  /** The port's latency range in frames (not in the Python module). */
  getLatencyRange(mode: LatencyMode): LatencyRange {
    const playback = checkLatencyMode(mode);
    this._assertOpen();
    const [min, max] = call(() => native.portLatencyRange(this._handle, playback));
    return { min, max };
  }

  toString(): string {
    return `jack.${this.constructor.name}('${this.#name}')`;
  }

  [inspect](): string {
    return this.toString();
  }
}

/** A JACK MIDI port. `instanceof MidiPort` is also true for OwnMidiPort. */
export class MidiPort extends Port {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Port && value.isMidi;
  }
}

/** A port whose type is neither audio nor MIDI (PipeWire has video and others). */
export class OtherPort extends Port {}

/** A port owned by this client: it can connect, disconnect and unregister. */
export class OwnPort extends Port {
  #registered = true;

  /** @internal */
  override get _native(): NativeClient {
    this.#assertRegistered();
    return this._owner.native;
  }

  /** @internal */
  override _assertOpen(): void {
    this.#assertRegistered();
    this._owner.assertOpen();
  }

  #assertRegistered(): void {
    if (!this.#registered)
      throw new JackError(`port '${this._knownName}' was unregistered`, 'closed');
  }

  get isRegistered(): boolean {
    return this.#registered;
  }

  get numberOfConnections(): number {
    return this._native.portConnectedCount(this._handle);
  }

  /** Ports this port is connected to. */
  get connections(): Port[] {
    return this._native.portConnections(this._handle).map((name) => this._owner.portFromName(name));
  }

  /** Is this port directly connected to `port`? */
  isConnectedTo(port: string | Port): boolean {
    const nativeClient = this._native;
    return nativeClient.portConnectedTo(this._handle, this._owner.portNameOf(port));
  }

  /** Connects to `port`; the direction follows from which one is the output. */
  connect(port: string | Port): void {
    this._assertOpen();
    if (this.isOutput) this._owner.connect(this, port);
    else this._owner.connect(port, this);
  }

  /** Disconnects from `other`, or from everything when `other` is omitted. */
  disconnect(other?: string | Port): void {
    if (other === undefined || other === null) {
      const rc = this._native.portDisconnectAll(this._handle);
      if (rc !== 0) throw new JackErrorCode(`Error disconnecting '${this.name}'`, rc);
      return;
    }
    if (this.isOutput) this._owner.disconnect(this, other);
    else this._owner.disconnect(other, this);
  }

  /** Sets this port's latency range (for latency callbacks and static latencies). */
  setLatencyRange(mode: LatencyMode, range: LatencyRange): void {
    const playback = checkLatencyMode(mode);
    if (
      !range ||
      !Number.isInteger(range.min) ||
      !Number.isInteger(range.max) ||
      range.min < 0 ||
      range.max < range.min
    )
      throw new TypeError('range must be { min, max } with integers 0 <= min <= max');
    this._assertOpen();
    call(() => native.setPortLatencyRange(this._handle, playback, range.min, range.max));
  }

  /** This cycle's samples (inputs: what arrived; outputs: what to play). Inside the process callback only. */
  getArray(): Float32Array {
    return this._owner.processBridge().getArray(this);
  }

  /** The same samples as raw bytes. */
  getBuffer(): Uint8Array {
    const samples = this.getArray();
    return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  }

  /** Removes the port from its client, disconnecting it from everything. */
  unregister(): void {
    const nativeClient = this._native;
    this._owner.portWillUnregister(this);
    const rc = nativeClient.portUnregister(this._handle);
    if (rc !== 0) throw new JackErrorCode(`Error unregistering port '${this._knownName}'`, rc);
    this.#registered = false;
    this._owner.portUnregistered(this);
  }
}

// Own ports' buffers exist only inside the process callback (see process.ts).

/** A MIDI port owned by this client. */
export class OwnMidiPort extends OwnPort {
  /** Not available for MIDI ports. */
  override getArray(): never {
    throw new JackError('getArray() is not available for MIDI ports', 'incompatible-types');
  }

  /** Not available for MIDI ports. */
  override getBuffer(): never {
    throw new JackError('getBuffer() is not available for MIDI ports', 'incompatible-types');
  }

  /** This cycle's incoming events as [time, bytes]; the bytes are views valid during the callback. */
  incomingMidiEvents(): Iterable<[time: number, data: Uint8Array]> {
    return this._owner.processBridge().incomingMidiEvents(this);
  }

  /** Removes the events written so far in this cycle (output ports). */
  clearBuffer(): void {
    this._owner.processBridge().clearBuffer(this);
  }

  /** Writes an event at `time` frames into this cycle; events must come in time order. */
  writeMidiEvent(time: number, data: ArrayLike<number>): void {
    this._owner.processBridge().writeMidiEvent(this, time, data);
  }

  /** Space for an event of `size` bytes at `time`, to fill in place; empty if it does not fit. */
  reserveMidiEvent(time: number, size: number): Uint8Array {
    return this._owner.processBridge().reserveMidiEvent(this, time, size);
  }

  /** The largest event that still fits into this cycle's buffer. */
  get maxEventSize(): number {
    return this._owner.processBridge().maxEventSize(this);
  }

  /** Events of this cycle that could not be passed on (buffer full). */
  get lostMidiEvents(): number {
    return this._owner.processBridge().lostMidiEvents(this);
  }
}

/** Picks the class for a port by type and ownership. */
export function portClass(type: string, own: boolean): typeof Port {
  if (own) return type === MIDI_TYPE ? OwnMidiPort : OwnPort;
  if (type === AUDIO_TYPE) return Port;
  if (type === MIDI_TYPE) return MidiPort;
  return OtherPort;
}
