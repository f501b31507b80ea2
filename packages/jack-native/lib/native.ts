// The one place that loads the compiled addon, and the types of what it exports.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PortHandle = number;

export interface NativePosition {
  unique1: number;
  usecs: number;
  frameRate: number;
  frame: number;
  valid: number;
  bar: number;
  beat: number;
  tick: number;
  barStartTick: number;
  beatsPerBar: number;
  beatType: number;
  ticksPerBeat: number;
  beatsPerMinute: number;
  frameTime: number;
  nextTime: number;
  bbtOffset: number;
  audioFramesPerVideoFrame: number;
  videoOffset: number;
  unique2: number;
}

export type NativePropertyValue = [value: Buffer, type: string];

export interface NativeClient {
  readonly openStatus: number;
  isOpen(): boolean;
  name(): string;
  uuid(): string | null;
  samplerate(): number;
  blocksize(): number;
  setBlocksize(frames: number): number;
  realtime(): boolean;
  framesSinceCycleStart(): number;
  frameTime(): number;
  lastFrameTime(): number;
  activate(): number;
  deactivate(): number;
  cpuLoad(): number;
  close(): void;
  setFreewheel(onoff: boolean): number;
  getUuidForClientName(name: string): string | null;
  getClientNameByUuid(uuid: string): string | null;
  connect(source: string, destination: string): number;
  disconnect(source: string, destination: string): number;
  getPorts(pattern: string | null, typePattern: string | null, flags: number): string[];
  portByName(name: string): PortHandle | null;
  portRegister(shortname: string, type: string, flags: number): PortHandle;
  portUnregister(handle: PortHandle): number;
  portRename(handle: PortHandle, shortname: string): number;
  portIsMine(handle: PortHandle): boolean;
  portConnections(handle: PortHandle): string[];
  portAllConnections(handle: PortHandle): string[];
  portConnectedCount(handle: PortHandle): number;
  portConnectedTo(handle: PortHandle, other: string): boolean;
  portDisconnectAll(handle: PortHandle): number;
  transportStart(): void;
  transportStop(): void;
  transportQuery(): [state: number, position: NativePosition];
  transportFrame(): number;
  transportLocate(frame: number): number;
  transportReposition(position: Partial<NativePosition>): number;
  setSyncTimeout(usecs: number): number;
  releaseTimebase(): number;
  setProperty(subject: string, key: string, value: string | Buffer, type: string): number;
  removeProperty(subject: string, key: string): number;
  removeProperties(subject: string): number;
  removeAllProperties(): number;
  drainEvents(): Array<number | string>;
  engineUpdate(spec: object): void;
  engineReadMeters(out: Float32Array): void;
  engineSetSine(id: number, frequency: number, level: number, on: boolean): void;
  engineCounters(): {
    cycles: number;
    lateCycles: number;
    bridgeMidiLost: number;
    monitors: Record<string, [received: number, lost: number, missedCycles: number]>;
    streams: Record<string, number>;
    sends: Record<string, [sent: number, dropped: number]>;
    syncRequest: number;
  };
  /** Writes one MIDI monitor's [received, lost, missedCycles] into `out`; false when it is gone. */
  engineMonitorCounts(id: number, out: Float64Array): boolean;
  engineSetTempo(bpm: number, beatsPerBar: number, beatType: number, ticksPerBeat: number): void;
  engineSyncRequest(): number;
  engineCycleTimes(): Float64Array;
  useJsTimebase(on: boolean): void;
  timebaseRequest(): [
    seq: number,
    state: number,
    frames: number,
    frame: number,
    rate: number,
    newPos: boolean,
  ];
  timebaseAnswer(
    frame: number,
    bar: number,
    beat: number,
    tick: number,
    barStartTick: number,
    beatsPerBar: number,
    beatType: number,
    ticksPerBeat: number,
    beatsPerMinute: number,
  ): void;
  setTimebaseMaster(conditional: boolean): number;
  setSyncCallbackEnabled(on: boolean): number;
  syncAnswer(request: number, ready: boolean): void;
}

export interface NativeClientConstructor {
  new (
    name: string,
    useExactName: boolean,
    noStartServer: boolean,
    serverName: string | null,
    sessionId: string | null,
    wake: () => void,
    state?: Int32Array,
  ): NativeClient;
}

export interface LibraryInfo {
  loaded: boolean;
  path: string | null;
  error: string | null;
  missingOptional: string[];
}

export interface NativeAnalyser {
  read(out: Float64Array): number;
  resetLoudness(): void;
  hasLoudness(): boolean;
  close(): void;
}

export interface NativeAnalyserConstructor {
  new (
    memory: ArrayBuffer,
    size: number,
    channels: number,
    rate: number,
    loudness: boolean,
  ): NativeAnalyser;
}

export interface NativeAddon {
  NativeClient: NativeClientConstructor;
  NativeAnalyser: NativeAnalyserConstructor;
  libraryInfo(): LibraryInfo;
  version(): [number, number, number, number];
  versionString(): string;
  clientNameSize(): number;
  portNameSize(): number;
  clientPid(name: string): number;
  setErrorFunction(callback: ((message: string) => void) | null): void;
  setInfoFunction(callback: ((message: string) => void) | null): void;
  getProperty(subject: string, key: string): NativePropertyValue | null;
  getProperties(subject: string): Record<string, NativePropertyValue>;
  getAllProperties(): Record<string, Record<string, NativePropertyValue>>;
  portName(handle: PortHandle): string;
  portShortName(handle: PortHandle): string;
  portFlags(handle: PortHandle): number;
  portType(handle: PortHandle): string;
  portUuid(handle: PortHandle): string;
  portAliases(handle: PortHandle): string[];
  portSetAlias(handle: PortHandle, alias: string): number;
  portUnsetAlias(handle: PortHandle, alias: string): number;
  portRequestMonitor(handle: PortHandle, onoff: boolean): number;
  portLatencyRange(handle: PortHandle, playback: boolean): [number, number];
  setPortLatencyRange(handle: PortHandle, playback: boolean, min: number, max: number): void;
  mlock(buffer: ArrayBuffer): number;
  /** The layouts of src/layouts.h, in the shape of LAYOUTS in lib/layouts.ts. */
  layouts(): unknown;
}

// Errors thrown by the addon carry a code; the TS layer turns them into
// JackError subclasses.
export interface NativeError extends Error {
  code?: string;
  status?: number;
}

function load(): { addon: NativeAddon; file: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  // JACKBAY_NATIVE_BUILD names one build configuration to load and no other:
  // `Sanitized` is the AddressSanitizer build the native-asan test suite
  // runs on (binding.gyp), which must never quietly fall back to Release.
  const chosen = process.env.JACKBAY_NATIVE_BUILD;
  const candidates = (chosen ? [chosen] : ['Release', 'Debug']).map((config) =>
    join(here, '..', 'build', config, 'jackbay.node'),
  );
  const failures: string[] = [];
  for (const file of candidates) {
    try {
      return { addon: require(file) as NativeAddon, file };
    } catch (error) {
      failures.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    [
      'The native part of @jackbay/jack-native is not built.',
      'Rebuild it with `pnpm --filter @jackbay/jack-native rebuild` (needs g++, make, python3',
      'and the JACK headers: `apt-get install libjack-jackd2-dev`).',
      ...failures,
    ].join('\n'),
  );
}

const loaded = load();
export const native: NativeAddon = loaded.addon;
/** The addon file loaded: a worker thread that loads the addon itself must load this one. */
export const nativeFile: string = loaded.file;
