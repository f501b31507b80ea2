// Client: the Python module's jack.Client, in TypeScript.
import {
  Engine,
  type MeterTap,
  type MidiMonitor,
  type SineGenerator,
  type SineOptions,
  type Stream,
  type Tempo,
  type Thru,
} from './engine.js';
import { CallbackExit, JackError, JackErrorCode, JackOpenError } from './errors.js';
import { call, clientNameSize, fromNative, requireLibrary } from './library.js';
import { checkKey, checkType, propertyData, type Subject, subjectToUuid } from './metadata.js';
import { type NativeClient, type NativeError, native, type PortHandle } from './native.js';
import {
  AUDIO_TYPE,
  checkPortNameLength,
  MIDI_TYPE,
  OwnMidiPort,
  OwnPort,
  PORT_CAN_MONITOR,
  PORT_IS_INPUT,
  PORT_IS_OUTPUT,
  PORT_IS_PHYSICAL,
  PORT_IS_TERMINAL,
  Port,
  type PortOwner,
  portClass,
} from './port.js';
import { Ports, type RegisterOptions } from './ports.js';
import type { ProcessBridge, ProcessCallback } from './process.js';
import type { RingBuffer } from './ringbuffer.js';
import { Status, TransportState } from './status.js';
import { checkReposition, type Position, type PositionDict, position2dict } from './transport.js';

export interface ClientOptions {
  /** Fail (JackOpenError, status.nameNotUnique) instead of picking a unique variant of the name. */
  useExactName?: boolean;
  /** Do not start a JACK server if none runs (also set by JACK_NO_START_SERVER). */
  noStartServer?: boolean;
  /** Which server to connect to; default JACK_DEFAULT_SERVER or 'default'. */
  serverName?: string;
  /** A session ID token for a session manager. */
  sessionId?: string;
}

export interface GetPortsOptions {
  isAudio?: boolean;
  isMidi?: boolean;
  isInput?: boolean;
  isOutput?: boolean;
  isPhysical?: boolean;
  canMonitor?: boolean;
  isTerminal?: boolean;
}

/** Notification events: name → listener arguments. */
export interface ClientEvents {
  shutdown: [status: Status, reason: string];
  freewheel: [starting: boolean];
  blocksize: [blocksize: number];
  samplerate: [samplerate: number];
  clientRegistration: [name: string, register: boolean];
  portRegistration: [port: Port | null, register: boolean];
  portConnect: [a: Port | null, b: Port | null, connect: boolean];
  portRename: [port: Port | null, oldName: string, newName: string];
  graphOrder: [];
  xrun: [delayedUsecs: number];
  propertyChange: [subject: string, key: string, change: number];
}

/** The timebase callback's signature (the seed's, with `pos` to fill in). */
export type TimebaseCallback = (
  state: TransportState,
  blocksize: number,
  pos: Position,
  newPos: boolean,
) => void;

const EMPTY_POSITION: Position = {
  unique1: 0,
  usecs: 0,
  frameRate: 0,
  frame: 0,
  valid: 0,
  bar: 1,
  beat: 1,
  tick: 0,
  barStartTick: 0,
  beatsPerBar: 4,
  beatType: 4,
  ticksPerBeat: 1920,
  beatsPerMinute: 120,
  frameTime: 0,
  nextTime: 0,
  bbtOffset: 0,
  audioFramesPerVideoFrame: 0,
  videoOffset: 0,
  unique2: 0,
};

export type ClientEvent = keyof ClientEvents;
export type Listener<E extends ClientEvent> = (...args: ClientEvents[E]) => void;

export interface ListenerOptions {
  /**
   * Port events only: skip the event when a port in it no longer exists (true, the default),
   * or deliver null for that port (false).
   */
  onlyAvailable?: boolean;
}

interface ListenerEntry {
  fn: (...args: never[]) => void;
  onlyAvailable: boolean;
}

// Event kinds and slot layout of NativeClient.drainEvents (src/client.cpp).
enum Kind {
  Shutdown = 0,
  Freewheel = 1,
  Blocksize = 2,
  Samplerate = 3,
  ClientRegistration = 4,
  PortRegistration = 5,
  PortConnect = 6,
  PortRename = 7,
  GraphOrder = 8,
  Xrun = 9,
  PropertyChange = 10,
}
const SLOTS = 10;

const EEXIST = 17;

const EVENT_NAMES: readonly ClientEvent[] = [
  'shutdown',
  'freewheel',
  'blocksize',
  'samplerate',
  'clientRegistration',
  'portRegistration',
  'portConnect',
  'portRename',
  'graphOrder',
  'xrun',
  'propertyChange',
];

function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string')
    throw new TypeError(`${what} must be a string, got ${typeof value}`);
  return value;
}

const NAME_NOT_UNIQUE = 0x04;

// JACK2 refuses a taken name under JackUseExactName with only JackFailure |
// JackServerError, while JACK's documentation (and our JackOpenError) promise
// JackNameNotUnique: ask the server through a short-lived client whether the
// name is in use.
function nameTaken(name: string, serverName: string | undefined): boolean {
  let probe: NativeClient | undefined;
  try {
    probe = new native.NativeClient(
      'jackbay-name-check',
      false,
      true,
      serverName ?? null,
      null,
      () => {},
    );
    return probe.getUuidForClientName(name) !== null;
  } catch {
    return false;
  } finally {
    probe?.close();
  }
}

function checkCallback(fn: unknown, what: string): void {
  if (fn !== null && fn !== undefined && typeof fn !== 'function')
    throw new TypeError(`${what}: callback must be a function or null`);
}

export class Client implements PortOwner, Disposable {
  readonly #native: NativeClient;
  // [0]: 1 once the server has shut this client down (written by the addon).
  readonly #state = new Int32Array(1);
  #closed = false;
  #shutdown = false;
  #active = false;
  #name: string;
  // One object per JACK port: by handle for identity, by name for fast lookups
  // while notifications keep names current.
  readonly #byHandle = new Map<PortHandle, Port>();
  readonly #byName = new Map<string, Port>();
  readonly #listeners = new Map<ClientEvent, ListenerEntry[]>();
  // The listener installed by each setXCallback, so a new one replaces it.
  readonly #slots = new Map<ClientEvent, ListenerEntry>();
  // The realtime engine, created on first use.
  #engine: Engine | null = null;
  // Own input ports that read other clients' ports for meters and monitors.
  readonly #probes: OwnPort[] = [];
  #probeCounter = 0;
  #syncCallback: ((state: TransportState, position: Position) => boolean) | null = null;
  #syncAnswered = -1;
  #timebaseCallback: TimebaseCallback | null = null;
  #timebaseSeen = -1;
  #timebaseStoppedAt = -1;

  /** Audio input ports of this client. */
  readonly inports: Ports<OwnPort>;
  /** Audio output ports of this client. */
  readonly outports: Ports<OwnPort>;
  /** MIDI input ports of this client. */
  readonly midiInports: Ports<OwnMidiPort>;
  /** MIDI output ports of this client. */
  readonly midiOutports: Ports<OwnMidiPort>;

  constructor(name: string, options: ClientOptions = {}) {
    checkString(name, 'Client name');
    if (name === '') throw new TypeError('Client name must not be empty');
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    requireLibrary();
    // clientNameSize() counts the final NUL, and JACK2 wants one byte more
    // than that (it refuses a name of clientNameSize() - 1 bytes).
    const clientLimit = clientNameSize() - 2;
    if (Buffer.byteLength(name) > clientLimit)
      throw new JackError(
        `client name '${name}' is longer than ${clientLimit} bytes`,
        'name-too-long',
      );
    const { useExactName = false, noStartServer = false, serverName, sessionId } = options;
    if (serverName !== undefined) checkString(serverName, 'serverName');
    if (sessionId !== undefined) checkString(sessionId, 'sessionId');

    // The wake-up function must not keep the client alive, or an unreferenced
    // client could never be collected (and closed by the addon's finalizer).
    const wakeTarget: { client?: WeakRef<Client> } = {};
    const wake = Client.#wakeFunction(wakeTarget);
    try {
      this.#native = new native.NativeClient(
        name,
        Boolean(useExactName),
        Boolean(noStartServer),
        serverName ?? null,
        sessionId ?? null,
        wake,
        this.#state,
      );
    } catch (error) {
      const nativeError = error as NativeError;
      if (nativeError.code === 'ERR_JACK_OPEN') {
        let status = nativeError.status ?? 0;
        if (useExactName && !(status & NAME_NOT_UNIQUE) && nameTaken(name, serverName))
          status |= NAME_NOT_UNIQUE;
        throw new JackOpenError(name, new Status(status));
      }
      throw fromNative(error);
    }
    wakeTarget.client = new WeakRef(this);
    this.#name = this.#native.name();

    const register =
      (type: string, direction: number) => (shortname: string, opts: RegisterOptions) =>
        this.#registerPort(shortname, type, direction, opts);
    this.inports = new Ports(register(AUDIO_TYPE, PORT_IS_INPUT));
    this.outports = new Ports(register(AUDIO_TYPE, PORT_IS_OUTPUT));
    this.midiInports = new Ports(register(MIDI_TYPE, PORT_IS_INPUT));
    this.midiOutports = new Ports(register(MIDI_TYPE, PORT_IS_OUTPUT));
  }

  // Made outside the constructor on purpose: a closure created there shares
  // the constructor's context, which holds `this` for the arrow functions
  // that use it, so the native side's strong reference to the wake-up
  // function would keep the client alive.
  static #wakeFunction(target: { client?: WeakRef<Client> }): () => void {
    return () => {
      const client = target.client?.deref();
      if (client) client.#dispatch();
    };
  }

  // ---- PortOwner (used by Port objects)

  /** @internal The native client; throws JackError once closed or shut down. */
  get native(): NativeClient {
    if (this.#closed) throw new JackError(`client '${this.#name}' is closed`, 'closed');
    // #state[0] is set by the addon when the server shuts the client down.
    if (this.#shutdown || this.#state[0] !== 0)
      throw new JackError(`the JACK server has shut client '${this.#name}' down`, 'shutdown');
    return this.#native;
  }

  /** @internal */
  get tracksNames(): boolean {
    return this.#active && !this.#closed && !this.#shutdown;
  }

  /** @internal */
  portFromName(name: string): Port {
    const port = this.#lookup(name, false);
    if (!port) throw new JackError(`Port '${name}' not available`, 'port-not-found');
    return port;
  }

  /** @internal */
  portNameOf(port: string | Port): string {
    if (port instanceof Port) {
      if (port._owner !== this) return port.name;
      return port._knownName;
    }
    if (typeof port === 'string') return port;
    throw new TypeError('port must be a port name (string) or a Port');
  }

  /** @internal */
  portRenamed(port: Port, oldName: string): void {
    if (this.#byName.get(oldName) === port) this.#byName.delete(oldName);
    this.#byName.set(port._knownName, port);
  }

  /** @internal */
  portWillUnregister(port: OwnPort): void {
    this.#engine?.portLeaving(port);
  }

  /** @internal */
  portUnregistered(port: OwnPort): void {
    this.#forget(port);
    this.#engine?.portLeft(port);
    const probe = this.#probes.indexOf(port);
    if (probe >= 0) this.#probes.splice(probe, 1);
    for (const list of [this.inports, this.outports, this.midiInports, this.midiOutports]) {
      const index = list._list.indexOf(port as OwnMidiPort);
      if (index >= 0) list._list.splice(index, 1);
    }
  }

  // ---- Properties

  /** The client's name (JACK may have made it unique). */
  get name(): string {
    return this.#name;
  }

  /** The client's UUID, a decimal string. */
  get uuid(): string {
    const uuid = call(() => this.native.uuid());
    if (!uuid) throw new JackError('Unable to get UUID');
    return uuid;
  }

  get samplerate(): number {
    return this.native.samplerate();
  }

  /** The period size in frames; assigning asks the server to change it. */
  get blocksize(): number {
    return this.native.blocksize();
  }

  set blocksize(frames: number) {
    if (!Number.isInteger(frames) || frames <= 0)
      throw new TypeError('blocksize must be a positive integer');
    const rc = this.native.setBlocksize(frames);
    if (rc !== 0) throw new JackErrorCode(`Error setting blocksize to ${frames}`, rc);
  }

  /** The status bits from opening the client. */
  get status(): Status {
    return new Status(this.#native.openStatus);
  }

  /** Whether JACK runs with realtime scheduling. */
  get realtime(): boolean {
    return this.native.realtime();
  }

  get framesSinceCycleStart(): number {
    return this.native.framesSinceCycleStart();
  }

  /** The estimated current time in frames. */
  get frameTime(): number {
    return this.native.frameTime();
  }

  /**
   * The time in frames at the start of the current cycle; inside the process
   * callback, of the cycle whose inputs it gets (its outputs play one period later).
   */
  get lastFrameTime(): number {
    const bridge = this.#engine?.bridge;
    if (bridge?.inCallback) return bridge.lastFrameTime;
    return this.native.lastFrameTime();
  }

  /** True between activate() and deactivate(). */
  get active(): boolean {
    return this.#active;
  }

  /** True after close() (or after the server went away and close() was called). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Does `port` belong to this client? */
  owns(port: string | Port): boolean {
    if (port instanceof Port)
      return port._owner === this && port instanceof OwnPort && port.isRegistered;
    const name = checkString(port, 'port');
    const handle = this.native.portByName(name);
    return handle !== null && this.native.portIsMine(handle);
  }

  // ---- Lifecycle

  activate(): void {
    const rc = this.native.activate();
    if (rc !== 0) throw new JackErrorCode('Error activating JACK client', rc);
    this.#active = true;
    // Names may have changed while no notifications arrived.
    this.#byName.clear();
  }

  /**
   * Stops processing. After the server shut the client down this does
   * nothing, so cleanup code (deactivate, then close) still reaches close().
   */
  deactivate(ignoreErrors = true): void {
    if (this.#closed) throw new JackError(`client '${this.#name}' is closed`, 'closed');
    const wasActive = this.#active;
    this.#active = false;
    if (this.#shutdown) return;
    const rc = this.#native.deactivate();
    if (rc !== 0 && wasActive && !ignoreErrors)
      throw new JackErrorCode('Error deactivating JACK client', rc);
  }

  /** The DSP load of the whole graph in percent. */
  cpuLoad(): number {
    return this.native.cpuLoad();
  }

  /** Closes the client. Calling it again does nothing. */
  close(_ignoreErrors = true): void {
    if (this.#closed) return;
    this.#active = false;
    this.#native.close();
    this.#closed = true;
    this.#byHandle.clear();
    this.#byName.clear();
  }

  /** `using client = new Client(…)`: deactivates and closes at the end of the scope. */
  [Symbol.dispose](): void {
    if (this.#closed) return;
    this.deactivate();
    this.close();
  }

  // ---- Connections

  /** Connects an output port to an input port of the same type. */
  connect(source: string | Port, destination: string | Port): void {
    const [src, dst] = this.#connectionEnds(source, destination);
    const rc = this.native.connect(src.name, dst.name);
    if (rc === EEXIST)
      throw new JackErrorCode(
        `Connection '${src.name}' -> '${dst.name}' already exists`,
        rc,
        'already-connected',
      );
    if (rc !== 0) throw new JackErrorCode(`Error connecting '${src.name}' -> '${dst.name}'`, rc);
  }

  /** Removes the connection from `source` to `destination`. */
  disconnect(source: string | Port, destination: string | Port): void {
    const [src, dst] = this.#connectionEnds(source, destination);
    const rc = this.native.disconnect(src.name, dst.name);
    if (rc !== 0) throw new JackErrorCode(`Couldn't disconnect '${src.name}' -> '${dst.name}'`, rc);
  }

  /** Ports connected to `port` (any port, not only own ones). */
  getAllConnections(port: string | Port): Port[] {
    const resolved = this.#resolve(port);
    return this.#portsFromNames(this.native.portAllConnections(resolved._handle));
  }

  /** A port by its full name. */
  getPortByName(name: string): Port {
    checkString(name, 'port name');
    return this.portFromName(name);
  }

  /**
   * Ports selected by name and flags. `namePattern` is a POSIX extended regular
   * expression as in libjack (and the Python module), or a JS RegExp.
   */
  getPorts(namePattern: string | RegExp = '', options: GetPortsOptions = {}): Port[] {
    if (typeof namePattern !== 'string' && !(namePattern instanceof RegExp))
      throw new TypeError('namePattern must be a string or a RegExp');
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    const { isAudio, isMidi, isInput, isOutput, isPhysical, canMonitor, isTerminal } = options;
    let typePattern: string | null = null;
    if (isAudio && !isMidi) typePattern = AUDIO_TYPE;
    else if (isMidi && !isAudio) typePattern = MIDI_TYPE;
    const flags =
      (isInput ? PORT_IS_INPUT : 0) |
      (isOutput ? PORT_IS_OUTPUT : 0) |
      (isPhysical ? PORT_IS_PHYSICAL : 0) |
      (canMonitor ? PORT_CAN_MONITOR : 0) |
      (isTerminal ? PORT_IS_TERMINAL : 0);
    const nativeClient = this.native;
    const pattern = typeof namePattern === 'string' && namePattern !== '' ? namePattern : null;
    let names = call(() => nativeClient.getPorts(pattern, typePattern, flags));
    if (namePattern instanceof RegExp) {
      const regex = new RegExp(namePattern.source, namePattern.flags.replace(/[gy]/g, ''));
      names = names.filter((name) => regex.test(name));
    }
    return this.#portsFromNames(names);
  }

  // ---- Transport

  transportStart(): void {
    this.native.transportStart();
  }

  transportStop(): void {
    this.native.transportStop();
  }

  get transportState(): TransportState {
    return TransportState.of(this.native.transportQuery()[0]);
  }

  /** The current transport frame; assigning relocates the transport. */
  get transportFrame(): number {
    return this.native.transportFrame();
  }

  set transportFrame(frame: number) {
    if (!Number.isInteger(frame) || frame < 0 || frame > 0xffffffff)
      throw new TypeError('transport frame must be an integer from 0 to 2^32-1');
    const rc = this.native.transportLocate(frame);
    if (rc !== 0) throw new JackErrorCode('Error locating JACK transport', rc);
  }

  /** @deprecated Assign `transportFrame` instead. */
  transportLocate(frame: number): void {
    this.transportFrame = frame;
  }

  /** State and the valid fields of the position. */
  transportQuery(): [TransportState, PositionDict] {
    const [state, position] = this.native.transportQuery();
    return [TransportState.of(state), position2dict(position)];
  }

  /** State code and the whole jack_position_t. */
  transportQueryStruct(): [number, Position] {
    return this.native.transportQuery();
  }

  /** Requests a new position; takes effect in two cycles. */
  transportRepositionStruct(position: Partial<Position>): void {
    const rc = this.native.transportReposition(checkReposition(position));
    if (rc !== 0) throw new JackErrorCode('Error repositioning JACK transport', rc);
  }

  /** Timeout for slow-sync clients, in microseconds. */
  setSyncTimeout(timeout: number): void {
    if (!Number.isFinite(timeout) || timeout < 0)
      throw new TypeError('timeout must be a non-negative number');
    const rc = this.native.setSyncTimeout(timeout);
    if (rc !== 0) throw new JackErrorCode('Error setting sync timeout', rc);
  }

  /** Gives up being timebase master. */
  releaseTimebase(): void {
    const rc = this.native.releaseTimebase();
    if (rc !== 0) throw new JackErrorCode('Error releasing timebase', rc);
  }

  /** Starts or stops freewheel mode (the graph runs as fast as it can). */
  setFreewheel(onoff: boolean): void {
    const rc = this.native.setFreewheel(Boolean(onoff));
    if (rc !== 0) throw new JackErrorCode('Error setting freewheel mode', rc);
  }

  // ---- Clients and UUIDs

  getUuidForClientName(name: string): string {
    checkString(name, 'client name');
    const uuid = call(() => this.native.getUuidForClientName(name));
    if (!uuid) throw new JackError(`Unable to get session ID for '${name}'`);
    return uuid;
  }

  getClientNameByUuid(uuid: string): string {
    checkString(uuid, 'uuid');
    const name = call(() => this.native.getClientNameByUuid(uuid));
    if (!name) throw new JackError(`Unable to get client name for '${uuid}'`);
    return name;
  }

  // ---- Metadata

  /** Sets a metadata property; `type` '' means a UTF-8 string (text/plain). */
  setProperty(subject: Subject, key: string, value: string | Uint8Array, type = ''): void {
    const uuid = subjectToUuid(subject);
    checkKey(key);
    checkType(type);
    const data = propertyData(value);
    const rc = call(() => this.native.setProperty(uuid, key, data, type));
    if (rc !== 0)
      throw new JackErrorCode(`Unable to set property '${key}' for subject ${uuid}`, rc);
  }

  removeProperty(subject: Subject, key: string): void {
    const uuid = subjectToUuid(subject);
    checkKey(key);
    const rc = call(() => this.native.removeProperty(uuid, key));
    if (rc !== 0)
      throw new JackErrorCode(`Unable to remove property '${key}' for subject ${uuid}`, rc);
  }

  /** Removes every property of `subject`; returns how many there were. */
  removeProperties(subject: Subject): number {
    const uuid = subjectToUuid(subject);
    const count = call(() => this.native.removeProperties(uuid));
    if (count < 0)
      throw new JackErrorCode(`Unable to remove properties for subject ${uuid}`, count);
    return count;
  }

  /** Removes all metadata of the whole server. */
  removeAllProperties(): void {
    const rc = call(() => this.native.removeAllProperties());
    if (rc !== 0) throw new JackErrorCode('Unable to remove all properties', rc);
  }

  // ---- Notifications. They run on the JS thread, never on a JACK thread, and
  // ---- may be set at any time, before or after activate().

  on<E extends ClientEvent>(event: E, listener: Listener<E>, options: ListenerOptions = {}): this {
    this.#checkEvent(event);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#add(event, {
      fn: listener as ListenerEntry['fn'],
      onlyAvailable: options.onlyAvailable ?? true,
    });
    return this;
  }

  off<E extends ClientEvent>(event: E, listener: Listener<E>): this {
    this.#checkEvent(event);
    const list = this.#listeners.get(event);
    const index = list?.findIndex((entry) => entry.fn === listener) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    return this;
  }

  setShutdownCallback(callback: Listener<'shutdown'> | null): void {
    this.#setSlot('shutdown', callback, true);
  }
  setFreewheelCallback(callback: Listener<'freewheel'> | null): void {
    this.#setSlot('freewheel', callback, true);
  }
  setBlocksizeCallback(callback: Listener<'blocksize'> | null): void {
    this.#setSlot('blocksize', callback, true);
  }
  setSamplerateCallback(callback: Listener<'samplerate'> | null): void {
    this.#setSlot('samplerate', callback, true);
  }
  setClientRegistrationCallback(callback: Listener<'clientRegistration'> | null): void {
    this.#setSlot('clientRegistration', callback, true);
  }
  setPortRegistrationCallback(
    callback: Listener<'portRegistration'> | null,
    onlyAvailable = true,
  ): void {
    this.#setSlot('portRegistration', callback, onlyAvailable);
  }
  setPortConnectCallback(callback: Listener<'portConnect'> | null, onlyAvailable = true): void {
    this.#setSlot('portConnect', callback, onlyAvailable);
  }
  setPortRenameCallback(callback: Listener<'portRename'> | null, onlyAvailable = true): void {
    if (
      callback &&
      !native.libraryInfo().missingOptional.includes('jack_set_port_rename_callback')
    ) {
      this.#setSlot('portRename', callback, onlyAvailable);
      return;
    }
    if (callback)
      throw new JackError('The loaded JACK library has no port rename callback', 'unsupported');
    this.#setSlot('portRename', null, onlyAvailable);
  }
  setGraphOrderCallback(callback: Listener<'graphOrder'> | null): void {
    this.#setSlot('graphOrder', callback, true);
  }
  setXrunCallback(callback: Listener<'xrun'> | null): void {
    this.#setSlot('xrun', callback, true);
  }
  setPropertyChangeCallback(callback: Listener<'propertyChange'> | null): void {
    this.#setSlot('propertyChange', callback, true);
  }

  // ---- The realtime engine: nodes that run in JACK's process thread, set up
  // ---- from JS at any time (native C++, no JavaScript in the realtime thread).

  /** Meters an audio port (own or another client's); values come from readMeters(). */
  addMeter(port: string | Port): MeterTap {
    return this.#eng.addMeter(port);
  }

  /** Current meter taps, in the order of readMeters() triples. */
  get meters(): readonly MeterTap[] {
    return this.#engine?.meters ?? [];
  }

  /**
   * Peak, RMS (linear) and clip count of every tap since the last call, 3 floats
   * per tap in `meters` order. Pass `out` to reuse one array.
   */
  readMeters(out?: Float32Array): Float32Array {
    return this.#engine ? this.#engine.readMeters(out) : (out ?? new Float32Array(0));
  }

  /** Monitors a MIDI port (own or another client's) with sample-accurate times. */
  addMidiMonitor(port: string | Port, options: { bufferBytes?: number } = {}): MidiMonitor {
    return this.#eng.addMidiMonitor(port, options.bufferBytes);
  }

  /** Copies own inputs to own outputs (audio and MIDI) in the same cycle. */
  addThru(
    pairs: ReadonlyArray<readonly [OwnPort, OwnPort]>,
    options: { channels?: number[] } = {},
  ): Thru {
    return this.#eng.addThru(pairs, options.channels);
  }

  /** A sine generator on an own audio output port. */
  addSine(port: OwnPort, options: SineOptions = {}): SineGenerator {
    return this.#eng.addSine(port, options);
  }

  /** Plays interleaved float32 frames that JS writes into `ring` on own output ports. */
  addPlayback(ports: readonly OwnPort[], ring: RingBuffer): Stream {
    return this.#eng.addStream('playback', ports, ring);
  }

  /** Records own input ports into `ring` as interleaved float32 frames for JS to read. */
  addCapture(ports: readonly OwnPort[], ring: RingBuffer): Stream {
    return this.#eng.addStream('capture', ports, ring);
  }

  /**
   * The process callback, asynchronous: it gets each cycle's input copies and
   * its outputs play one period later; if it is late the engine plays silence
   * and counts a late cycle (see lateCycles). Throw CallbackExit to stop it.
   */
  setProcessCallback(callback: ProcessCallback | null): void {
    checkCallback(callback, 'setProcessCallback');
    this.#eng.setProcessCallback(callback);
  }

  /** Recent durations of the engine's work per cycle, in nanoseconds, oldest first. */
  engineCycleTimes(): Float64Array {
    return this.native.engineCycleTimes();
  }

  /** Cycles whose process-callback output was not ready in time (silence played instead). */
  get lateCycles(): number {
    return this.#engine ? this.native.engineCounters().lateCycles : 0;
  }

  /**
   * Becomes timebase master with the native engine filling BBT every cycle.
   * Returns false if `conditional` and another client is master already.
   */
  setTimebaseMaster(tempo: Partial<Tempo> = {}, options: { conditional?: boolean } = {}): boolean {
    this.#timebaseCallback = null;
    this.native.useJsTimebase(false);
    this.#eng.setTempo(tempo);
    const rc = this.native.setTimebaseMaster(Boolean(options.conditional));
    if (rc === 16) return false; // EBUSY
    if (rc !== 0) throw new JackErrorCode('Unable to become timebase master', rc);
    return true;
  }

  /** Changes the tempo the native timebase master reports. */
  setTempo(tempo: Partial<Tempo>): void {
    this.#eng.setTempo(tempo);
  }

  /**
   * A slow-sync callback, asynchronous: JACK asks every cycle while starting;
   * the answer JS gave for the current request is returned to JACK.
   */
  setSyncCallback(callback: ((state: TransportState, position: Position) => boolean) | null): void {
    checkCallback(callback, 'setSyncCallback');
    this.#eng;
    const rc = this.native.setSyncCallbackEnabled(callback !== null && callback !== undefined);
    if (rc !== 0) throw new JackErrorCode('Unable to set sync callback', rc);
    this.#syncCallback = callback ?? null;
    this.#syncAnswered = -1;
  }

  /**
   * The seed's timebase callback, asynchronous. JACK asks the timebase master
   * for the BBT of the next cycle from its realtime thread, where JavaScript
   * cannot run; so `callback(state, blocksize, pos, newPos)` fills `pos` (bar,
   * beat, tick, barStartTick, beatsPerBar, beatType, ticksPerBeat,
   * beatsPerMinute) for the frame JACK is expected to ask about next
   * (pos.frame), and the engine answers JACK from the latest such answer,
   * carried to the asked frame at that answer's tempo. The cost: a tempo
   * change takes effect a cycle late, and until the first answer (or after a
   * late one across a tempo change) JACK gets no or estimated BBT.
   * Returns false if `conditional` and another client is master already.
   */
  setTimebaseCallback(callback: TimebaseCallback | null, conditional = false): boolean {
    checkCallback(callback, 'setTimebaseCallback');
    this.#eng;
    if (!callback) {
      this.#timebaseCallback = null;
      this.native.useJsTimebase(false);
      return true;
    }
    this.native.useJsTimebase(true);
    const rc = this.native.setTimebaseMaster(Boolean(conditional));
    if (rc === 16) {
      this.native.useJsTimebase(false);
      return false; // EBUSY
    }
    if (rc !== 0) {
      this.native.useJsTimebase(false);
      throw new JackErrorCode('Unable to become timebase master', rc);
    }
    this.#timebaseCallback = callback;
    this.#timebaseSeen = -1;
    this.#timebaseStoppedAt = -1;
    return true;
  }

  #runTimebase(): void {
    const callback = this.#timebaseCallback;
    if (!callback) return;
    const [seq, state, frames, frame, rate, newPos] = this.#native.timebaseRequest();
    if (seq === 0 || seq === this.#timebaseSeen) return;
    this.#timebaseSeen = seq;
    // While rolling, the next question is about one period later.
    const target = state === 1 ? (frame + frames) >>> 0 : frame;
    const pos: Position = { ...EMPTY_POSITION, frame: target, frameRate: rate };
    try {
      callback(TransportState.of(state), frames, pos, newPos);
    } catch (error) {
      // No more calls after an exception, and no stale BBT: give up the role.
      this.#timebaseCallback = null;
      this.#native.useJsTimebase(false);
      this.#native.releaseTimebase();
      if (!(error instanceof CallbackExit))
        console.error('jack: exception in timebase callback:', error);
      return;
    }
    // Stopped, JACK asks only when the position changes, and it asked before
    // this answer existed: relocate to the same frame so it asks once more.
    const relocate = state === 0 && this.#timebaseStoppedAt !== frame;
    this.#timebaseStoppedAt = state === 0 ? frame : -1;
    this.#native.timebaseAnswer(
      target,
      pos.bar,
      pos.beat,
      pos.tick,
      pos.barStartTick,
      pos.beatsPerBar,
      pos.beatType,
      pos.ticksPerBeat,
      pos.beatsPerMinute,
    );
    if (relocate) this.#native.transportLocate(frame);
  }

  /** @internal */
  processBridge(): ProcessBridge {
    const bridge = this.#engine?.bridge;
    if (!bridge?.inCallback)
      throw new JackError('port buffers can only be used inside the process callback');
    return bridge;
  }

  #runSync(): void {
    const request = this.#native.engineSyncRequest();
    if (request === this.#syncAnswered || !this.#syncCallback) return;
    const [state, position] = this.#native.transportQuery();
    let ready = false;
    try {
      ready = Boolean(this.#syncCallback(TransportState.of(state), position));
    } catch (error) {
      if (!(error instanceof CallbackExit))
        console.error('jack: exception in sync callback:', error);
      ready = true;
    }
    this.#native.syncAnswer(request, ready);
    if (ready) this.#syncAnswered = request;
  }

  toString(): string {
    return `jack.Client('${this.#name}')`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- internals

  #checkEvent(event: string): void {
    if (!EVENT_NAMES.includes(event as ClientEvent))
      throw new TypeError(`unknown event '${event}'; known: ${EVENT_NAMES.join(', ')}`);
  }

  #add(event: ClientEvent, entry: ListenerEntry): void {
    const list = this.#listeners.get(event);
    if (list) list.push(entry);
    else this.#listeners.set(event, [entry]);
  }

  #setSlot(event: ClientEvent, callback: unknown, onlyAvailable: boolean): void {
    checkCallback(callback, `set ${event} callback`);
    const previous = this.#slots.get(event);
    if (previous) {
      const list = this.#listeners.get(event);
      const index = list?.indexOf(previous) ?? -1;
      if (list && index >= 0) list.splice(index, 1);
      this.#slots.delete(event);
    }
    if (typeof callback === 'function') {
      const entry: ListenerEntry = {
        fn: callback as ListenerEntry['fn'],
        onlyAvailable: Boolean(onlyAvailable),
      };
      this.#slots.set(event, entry);
      this.#add(event, entry);
    }
  }

  #emit(event: ClientEvent, args: unknown[], hasMissingPort = false): void {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return;
    for (const entry of [...list]) {
      if (hasMissingPort && entry.onlyAvailable) continue;
      try {
        (entry.fn as (...a: unknown[]) => void)(...args);
      } catch (error) {
        if (error instanceof CallbackExit) {
          const index = list.indexOf(entry);
          if (index >= 0) list.splice(index, 1);
          if (this.#slots.get(event) === entry) this.#slots.delete(event);
        } else {
          console.error(`jack: exception in ${event} callback of client '${this.#name}':`, error);
        }
      }
    }
  }

  // Called on the JS thread when JACK's threads have queued notifications.
  #dispatch(): void {
    if (this.#closed) return;
    // The process callback first: its cycle's deadline is the next period.
    this.#engine?.bridge?.run();
    if (this.#syncCallback) this.#runSync();
    if (this.#timebaseCallback) this.#runTimebase();
    const flat = this.#native.drainEvents();
    for (let i = 0; i < flat.length; i += SLOTS) {
      const kind = flat[i] as Kind;
      const a = flat[i + 1] as number;
      const b = flat[i + 2] as number;
      const d = flat[i + 3] as number;
      const h1 = flat[i + 4] as number;
      const h2 = flat[i + 5] as number;
      const s1 = flat[i + 6] as string;
      const s2 = flat[i + 7] as string;
      const s3 = flat[i + 8] as string;
      const s4 = flat[i + 9] as string;
      switch (kind) {
        case Kind.Shutdown:
          this.#shutdown = true;
          this.#active = false;
          this.#emit('shutdown', [new Status(a), s1]);
          break;
        case Kind.Freewheel:
          this.#emit('freewheel', [a !== 0]);
          break;
        case Kind.Blocksize:
          this.#engine?.blocksizeChanged();
          this.#emit('blocksize', [a]);
          break;
        case Kind.Samplerate:
          this.#emit('samplerate', [a]);
          break;
        case Kind.ClientRegistration:
          this.#emit('clientRegistration', [s1, a !== 0]);
          break;
        case Kind.PortRegistration: {
          const port = this.#portFromEvent(h1, s1, s2, b, a === 0);
          this.#emit('portRegistration', [port, a !== 0], port === null);
          if (port && a === 0) this.#forget(port);
          break;
        }
        case Kind.PortConnect: {
          const portA = this.#portFromEvent(h1, s1, s2, Math.floor(a / 2));
          const portB = this.#portFromEvent(h2, s3, s4, b);
          this.#emit(
            'portConnect',
            [portA, portB, (a & 1) !== 0],
            portA === null || portB === null,
          );
          this.#engine?.onPortConnect(portA, portB, (a & 1) !== 0);
          break;
        }
        case Kind.PortRename: {
          const port = this.#portFromEvent(h1, s3, s4, b);
          if (port) {
            port._setName(s3);
            if (this.#byName.get(s1) === port) this.#byName.delete(s1);
            this.#byName.set(s3, port);
          }
          this.#emit('portRename', [port, s1, s2], port === null);
          break;
        }
        case Kind.GraphOrder:
          this.#emit('graphOrder', []);
          break;
        case Kind.Xrun:
          this.#emit('xrun', [d]);
          break;
        case Kind.PropertyChange:
          this.#emit('propertyChange', [s1, s2, a]);
          break;
      }
      if (this.#closed) return;
    }
  }

  // The Port for a notification, from what the notification thread captured.
  // `released`: an unregistration, which JACK2 reports after resetting the
  // port's flags and type, so only the name still identifies a known port.
  #portFromEvent(
    handle: number,
    name: string,
    type: string,
    flags: number,
    released = false,
  ): Port | null {
    if (!handle || name === '') return null;
    // Events queued before a shutdown arrive after it: by then no port of that
    // server is usable (and the native client refuses every call).
    if (this.#closed || this.#shutdown || this.#state[0] !== 0) return null;
    const known = this.#byHandle.get(handle);
    if (known && known.type === type && known.flags === flags) return known;
    if (known && released && known._knownName === name) return known;
    const own = this.#native.portIsMine(handle);
    return this.#remember(new (portClass(type, own))(this, handle, name, flags, type));
  }

  #remember(port: Port): Port {
    this.#byHandle.set(port._handle, port);
    this.#byName.set(port._knownName, port);
    return port;
  }

  #forget(port: Port): void {
    if (this.#byHandle.get(port._handle) === port) this.#byHandle.delete(port._handle);
    const name = port._knownName;
    if (this.#byName.get(name) === port) this.#byName.delete(name);
  }

  // A port by full name, or null if JACK has none. The name cache is used
  // only when `trustNames` and notifications keep it current.
  #lookup(name: string, trustNames: boolean): Port | null {
    if (trustNames) {
      const cached = this.#byName.get(name);
      if (cached) return cached;
    }
    const nativeClient = this.native;
    const handle = nativeClient.portByName(name);
    if (handle === null) return null;
    const known = this.#byHandle.get(handle);
    if (known) {
      if (known._knownName === name && this.tracksNames) {
        this.#byName.set(name, known);
        return known;
      }
      // Renamed, or (JACK2 reuses port slots) a different port in the same slot.
      if (known.flags === native.portFlags(handle) && known.type === native.portType(handle)) {
        if (known._knownName !== name) {
          const oldName = known._knownName;
          known._setName(name);
          this.portRenamed(known, oldName);
        }
        return known;
      }
      this.#forget(known);
    }
    const type = native.portType(handle);
    const own = nativeClient.portIsMine(handle);
    return this.#remember(
      new (portClass(type, own))(this, handle, name, native.portFlags(handle), type),
    );
  }

  #portsFromNames(names: string[]): Port[] {
    const trust = this.tracksNames;
    const ports: Port[] = [];
    for (const name of names) {
      // A port listed a moment ago may be gone now: skip it.
      const port = this.#lookup(name, trust);
      if (port) ports.push(port);
    }
    return ports;
  }

  #resolve(port: string | Port): Port {
    if (port instanceof Port) {
      if (port._owner === this) {
        this.native;
        return port;
      }
      return this.#existing(port.name);
    }
    return this.#existing(checkString(port, 'port'));
  }

  // A port by name, from the name cache while notifications keep it current:
  // the server checks again when it acts on the port.
  #existing(name: string): Port {
    const port = this.#lookup(name, this.tracksNames);
    if (!port) throw new JackError(`Port '${name}' not available`, 'port-not-found');
    return port;
  }

  #connectionEnds(source: string | Port, destination: string | Port): [Port, Port] {
    const src = this.#resolve(source);
    const dst = this.#resolve(destination);
    if (src.type !== dst.type)
      throw new JackError(
        `Cannot connect '${src.name}' (${src.type}) to '${dst.name}' (${dst.type}): the port types differ`,
        'incompatible-types',
      );
    if (!src.isOutput)
      throw new JackError(
        `Cannot connect from '${src.name}': it is not an output port`,
        'wrong-direction',
      );
    if (!dst.isInput)
      throw new JackError(
        `Cannot connect to '${dst.name}': it is not an input port`,
        'wrong-direction',
      );
    return [src, dst];
  }

  #registerPort(
    shortname: string,
    type: string,
    direction: number,
    options: RegisterOptions,
    probe = false,
  ): OwnPort {
    if (typeof shortname !== 'string' || shortname === '')
      throw new TypeError('shortname must be a non-empty string');
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an object');
    const nativeClient = this.native;
    const fullName = `${this.#name}:${shortname}`;
    checkPortNameLength(fullName);
    const flags =
      direction |
      (options.isTerminal ? PORT_IS_TERMINAL : 0) |
      (options.isPhysical ? PORT_IS_PHYSICAL : 0);
    const handle = nativeClient.portRegister(shortname, type, flags);
    if (!handle) {
      // Checked only now: looking a name up scans every port of the server.
      if (nativeClient.portByName(fullName) !== null)
        throw new JackError(`port '${fullName}' already exists`, 'duplicate-name');
      throw new JackError(`'${shortname}': port registration failed`);
    }
    // A libjack with other limits than checked above may still cut the name.
    if (native.portName(handle) !== fullName) {
      nativeClient.portUnregister(handle);
      throw new JackError(`port name '${fullName}' is too long for JACK`, 'name-too-long');
    }
    const PortClass = type === MIDI_TYPE ? OwnMidiPort : OwnPort;
    const port = new PortClass(
      this,
      handle,
      native.portName(handle),
      native.portFlags(handle),
      type,
    );
    this.#remember(port);
    if (probe) {
      this.#probes.push(port);
      return port;
    }
    const list =
      type === MIDI_TYPE
        ? direction === PORT_IS_INPUT
          ? this.midiInports
          : this.midiOutports
        : direction === PORT_IS_INPUT
          ? this.inports
          : this.outports;
    list._list.push(port);
    this.#engine?.portsChanged();
    return port;
  }

  // ---- The realtime engine (see engine.ts) and the JS process callback

  get #eng(): Engine {
    this.native;
    if (!this.#engine) {
      const client = this;
      this.#engine = new Engine({
        get native() {
          return client.native;
        },
        name: this.#name,
        get active() {
          return client.#active;
        },
        ownPorts: () => [
          ...this.inports,
          ...this.outports,
          ...this.midiInports,
          ...this.midiOutports,
          ...this.#probes,
        ],
        resolvePort: (port) => this.#resolve(port),
        registerHiddenInput: (prefix, type) =>
          this.#registerPort(`${prefix}_${++this.#probeCounter}`, type, PORT_IS_INPUT, {}, true),
        connectPorts: (source, destination) => this.connect(source, destination),
      });
    }
    return this.#engine;
  }
}
