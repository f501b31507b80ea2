// Client: the Python module's jack.Client, in TypeScript. A façade: the
// port registry (port-registry.ts), notifications (notifications.ts), the
// asynchronous timebase and sync callbacks (timebase-sync.ts) and the
// realtime engine (engine.ts) do the work behind it.
import type { Analyser, AnalyserOptions } from './analyser.js';
import {
  Engine,
  type MeterTap,
  type MidiMonitor,
  type MidiSender,
  type SineGenerator,
  type SineOptions,
  type Stream,
  type Tempo,
  type Thru,
} from './engine.js';
import { JackError, JackErrorCode, JackOpenError } from './errors.js';
import { call, clientNameSize, fromNative, libraryInfo, requireLibrary } from './library.js';
import { checkKey, checkType, propertyData, type Subject, subjectToUuid } from './metadata.js';
import { type NativeClient, type NativeError, native } from './native.js';
import {
  CALLBACK_SETTERS,
  type CallbackSetters,
  type ClientEvent,
  checkCallback,
  type Listener,
  type ListenerOptions,
  Notifications,
} from './notifications.js';
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
} from './port.js';
import { PortRegistry } from './port-registry.js';
import { Ports, type RegisterOptions } from './ports.js';
import type { ProcessBridge, ProcessCallback } from './process.js';
import type { RingBuffer } from './ringbuffer.js';
import { Status, TransportState } from './status.js';
import { type SyncCallback, type TimebaseCallback, TimebaseSync } from './timebase-sync.js';
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

const EEXIST = 17;

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

// Client's set*Callback methods come from CALLBACK_SETTERS (see the static
// block below); this merge declares them.
export interface Client extends CallbackSetters {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the static block defines the merged methods
export class Client implements PortOwner, Disposable {
  readonly #native: NativeClient;
  // [0]: 1 once the server has shut this client down (written by the addon).
  readonly #state = new Int32Array(1);
  #closed = false;
  #shutdown = false;
  #active = false;
  #name: string;
  // One Port object per JACK port.
  readonly #ports = new PortRegistry(this, () => this.#isOpen);
  // Listeners, and the events JACK queued for them.
  readonly #notifications: Notifications;
  // The asynchronous sync and timebase callbacks.
  readonly #timebaseSync: TimebaseSync;
  // The realtime engine, created on first use.
  #engine: Engine | null = null;
  // Own input ports that read other clients' ports for meters and monitors.
  readonly #probes: OwnPort[] = [];
  #probeCounter = 0;

  /** Audio input ports of this client. */
  readonly inports: Ports<OwnPort>;
  /** Audio output ports of this client. */
  readonly outports: Ports<OwnPort>;
  /** MIDI input ports of this client. */
  readonly midiInports: Ports<OwnMidiPort>;
  /** MIDI output ports of this client. */
  readonly midiOutports: Ports<OwnMidiPort>;

  // The set*Callback methods, one per row of CALLBACK_SETTERS.
  static {
    for (const setter of CALLBACK_SETTERS) {
      const method = {
        [setter.method](this: Client, callback: unknown, onlyAvailable = true): void {
          this.#notifications.setCallback(setter, callback, onlyAvailable);
        },
      }[setter.method];
      Object.defineProperty(Client.prototype, setter.method, {
        value: method,
        writable: true,
        configurable: true,
      });
    }
  }

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
    this.#timebaseSync = new TimebaseSync(this.#native, () => this.assertOpen());
    const client = this;
    this.#notifications = new Notifications(this.#name, {
      get closed() {
        return client.#closed;
      },
      ports: this.#ports,
      get engine() {
        return client.#engine;
      },
      shutDown: () => {
        this.#shutdown = true;
        this.#active = false;
      },
    });

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
    this.assertOpen();
    return this.#native;
  }

  /** @internal Throws JackError 'closed' once closed, 'shutdown' once the server shut it down. */
  assertOpen(): void {
    if (this.#isOpen) return;
    if (this.#closed) throw this.#closedError();
    throw new JackError(`the JACK server has shut client '${this.#name}' down`, 'shutdown');
  }

  /** @internal */
  get tracksNames(): boolean {
    return this.#active && !this.#closed && !this.#shutdown;
  }

  /** @internal */
  portFromName(name: string): Port {
    return this.#ports.get(name, false);
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
    this.#ports.renamed(port, oldName);
  }

  /** @internal */
  portWillUnregister(port: OwnPort): void {
    this.#engine?.portLeaving(port);
  }

  /** @internal */
  portUnregistered(port: OwnPort): void {
    this.#ports.forget(port);
    this.#engine?.portLeft(port);
    const probe = this.#probes.indexOf(port);
    if (probe >= 0) this.#probes.splice(probe, 1);
    for (const list of [this.inports, this.outports, this.midiInports, this.midiOutports]) {
      const index = list._list.indexOf(port as OwnMidiPort);
      if (index >= 0) list._list.splice(index, 1);
    }
  }

  /** @internal */
  processBridge(): ProcessBridge {
    const bridge = this.#engine?.bridge;
    if (!bridge?.inCallback)
      throw new JackError('port buffers can only be used inside the process callback');
    return bridge;
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
    this.#ports.forgetNames();
  }

  /**
   * Stops processing. After the server shut the client down this does
   * nothing, so cleanup code (deactivate, then close) still reaches close().
   */
  deactivate(ignoreErrors = true): void {
    if (this.#closed) throw this.#closedError();
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
    this.#ports.clear();
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
    return this.#ports.fromNames(this.native.portAllConnections(resolved._handle));
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
    return this.#ports.fromNames(names);
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
    this.#timebaseSync.noteLocate(frame);
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
    const checked = checkReposition(position);
    const rc = this.native.transportReposition(checked);
    if (rc !== 0) throw new JackErrorCode('Error repositioning JACK transport', rc);
    if (checked.frame !== undefined) this.#timebaseSync.noteLocate(checked.frame);
  }

  /** Timeout for slow-sync clients, in microseconds. */
  setSyncTimeout(timeout: number): void {
    if (!Number.isFinite(timeout) || timeout < 0)
      throw new TypeError('timeout must be a non-negative number');
    // PipeWire's libjack stores the timeout as nanoseconds, a thousand times
    // too short (read in 0.3.65, 1.0, 1.4 and its master after 1.6, where
    // impl-node.c's sync_timeout is in nanoseconds): it is given in those
    // units there. (PipeWire caps it at 5 s, DEFAULT_SYNC_TIMEOUT.)
    const rc = this.native.setSyncTimeout(libraryInfo().isPipeWire ? timeout * 1000 : timeout);
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
  // ---- may be set at any time, before or after activate(). The set*Callback
  // ---- methods come from CALLBACK_SETTERS (see the static block above).

  on<E extends ClientEvent>(event: E, listener: Listener<E>, options: ListenerOptions = {}): this {
    this.#notifications.on(event, listener, options);
    return this;
  }

  off<E extends ClientEvent>(event: E, listener: Listener<E>): this {
    this.#notifications.off(event, listener);
    return this;
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

  /**
   * Sends MIDI from JS into an own MIDI output port through the realtime
   * thread: events queued with send() play at frame 0 of the next cycle.
   */
  addMidiSender(port: OwnPort, options: { bufferBytes?: number } = {}): MidiSender {
    return this.#eng.addMidiSender(port, options.bufferBytes);
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
   * Analyses one audio port or a stereo pair (own or another client's): peak,
   * RMS, K-meter RMS, true peak and EBU R128 loudness, computed off the
   * realtime thread whenever read() is called (see analyser.ts).
   */
  addAnalyser(ports: ReadonlyArray<string | Port>, options: AnalyserOptions = {}): Analyser {
    return this.#eng.addAnalyser(ports, options);
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
    this.#timebaseSync.dropTimebaseCallback();
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
  setSyncCallback(callback: SyncCallback | null): void {
    this.#timebaseSync.setSyncCallback(callback);
  }

  /**
   * The Python `jack` module's timebase callback, asynchronous. JACK asks the
   * timebase master for the BBT of the next cycle from its realtime thread,
   * where JavaScript cannot run; so `callback(state, blocksize, pos, newPos)`
   * fills `pos` (bar, beat, tick, barStartTick, beatsPerBar, beatType,
   * ticksPerBeat, beatsPerMinute) for the frame JACK is expected to ask about
   * next (pos.frame), and the engine answers JACK from the latest such answer,
   * carried to the asked frame at that answer's tempo. The cost: a tempo
   * change takes effect a cycle late, and until the first answer (or after a
   * late one across a tempo change) JACK gets no or estimated BBT.
   * Returns false if `conditional` and another client is master already.
   */
  setTimebaseCallback(callback: TimebaseCallback | null, conditional = false): boolean {
    return this.#timebaseSync.setTimebaseCallback(callback, conditional);
  }

  toString(): string {
    return `jack.Client('${this.#name}')`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- internals

  get #isOpen(): boolean {
    // #state[0] is set by the addon when the server shuts the client down.
    return !this.#closed && !this.#shutdown && this.#state[0] === 0;
  }

  #closedError(): JackError {
    return new JackError(`client '${this.#name}' is closed`, 'closed');
  }

  // Called on the JS thread when JACK's threads have queued notifications.
  #dispatch(): void {
    if (this.#closed) return;
    // The process callback first: its cycle's deadline is the next period.
    this.#engine?.bridge?.run();
    this.#timebaseSync.answer();
    this.#notifications.deliver(this.#native.drainEvents());
  }

  // A port given by name or object, known to exist; own ports need an open client.
  // Names come from the name cache while notifications keep it current: the
  // server checks again when it acts on the port.
  #resolve(port: string | Port): Port {
    if (port instanceof Port) {
      if (port._owner === this) {
        this.assertOpen();
        return port;
      }
      return this.#ports.get(port.name, this.tracksNames);
    }
    return this.#ports.get(checkString(port, 'port'), this.tracksNames);
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
      throw new JackError(`'${shortname}': port registration failed`, 'port-refused');
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
    this.#ports.add(port);
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
    this.assertOpen();
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
