// Module-level functions: the loaded libjack, versions, limits, message hooks.
import { JackError, type JackErrorKind } from './errors.js';
import { type LibraryInfo, type NativeError, native } from './native.js';

const NATIVE_KINDS: Record<string, JackErrorKind> = {
  ERR_JACK_LIBRARY: 'library-missing',
  ERR_UNSUPPORTED: 'unsupported',
  // A client of a second JACK server in this process (src/process_clients.h).
  ERR_ONE_SERVER: 'unsupported',
  ERR_CLOSED: 'closed',
  ERR_SHUTDOWN: 'shutdown',
  ERR_BAD_REGEX: 'bad-regex',
  ERR_BAD_UUID: 'bad-uuid',
  ERR_LOUDNESS_UNAVAILABLE: 'loudness-unavailable',
};

function libraryMissingMessage(detail: string): string {
  return (
    `The JACK library was not found (${detail}). ` +
    'Install it: `apt-get install libjack-jackd2-0` (JACK2) or `pipewire-jack` (PipeWire), ' +
    'or set JACKBAY_LIBJACK to the path of libjack.so.0.'
  );
}

/** Turns an error thrown by the addon into a JackError; other errors pass through. */
export function fromNative(error: unknown): unknown {
  const code = (error as NativeError | undefined)?.code;
  const kind = code ? NATIVE_KINDS[code] : undefined;
  if (!kind) return error;
  const message = (error as Error).message;
  switch (kind) {
    case 'library-missing':
      return new JackError(libraryMissingMessage(message), kind);
    case 'unsupported':
      if (code === 'ERR_ONE_SERVER') return new JackError(message, kind);
      return new JackError(
        `The loaded JACK library (${native.libraryInfo().path}) has no ${message}`,
        kind,
      );
    default:
      return new JackError(message, kind);
  }
}

/** Calls into the addon, converting its errors. */
export function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw fromNative(error);
  }
}

/** Throws the "library not found" JackError when libjack is not loaded. */
export function requireLibrary(): void {
  const info = native.libraryInfo();
  if (!info.loaded)
    throw new JackError(libraryMissingMessage(info.error ?? 'unknown'), 'library-missing');
}

export interface JackLibraryInfo extends LibraryInfo {
  /** The version string of the loaded library, or null. */
  versionString: string | null;
  /** True for PipeWire's libjack (major version 3 or "PipeWire" in the version string). */
  isPipeWire: boolean;
}

/** Which libjack was loaded, from which file, and whether it is PipeWire's. */
export function libraryInfo(): JackLibraryInfo {
  const info = native.libraryInfo();
  if (!info.loaded) return { ...info, versionString: null, isPipeWire: false };
  const versionString = native.versionString();
  const [major] = native.version();
  return {
    ...info,
    versionString,
    isPipeWire: major === 3 || /pipewire/i.test(versionString) || /^3\./.test(versionString),
  };
}

/** [major, minor, micro, protocol]; JACK2 reports 0.0.0.0 here, see versionString(). */
export function version(): [number, number, number, number] {
  return call(() => native.version());
}

export function versionString(): string {
  return call(() => native.versionString());
}

/** Maximum client name length, including the final NUL byte. */
export function clientNameSize(): number {
  return call(() => native.clientNameSize());
}

/** Maximum full port name length, including the final NUL byte. */
export function portNameSize(): number {
  return call(() => native.portNameSize());
}

/** PID of a JACK client by name, 0 if not available. */
export function clientPid(name: string): number {
  if (typeof name !== 'string') throw new TypeError('clientPid(name): name must be a string');
  return call(() => native.clientPid(name));
}

function checkCallback(callback: unknown, what: string): ((message: string) => void) | null {
  if (callback === undefined || callback === null) return null;
  if (typeof callback !== 'function') throw new TypeError(`${what}: callback must be a function`);
  return callback as (message: string) => void;
}

/**
 * Receives libjack's error messages (on the JS thread); null restores stderr.
 * libjack has one hook per process: with worker threads, the thread that set
 * its function last gets the messages, and when it sets null or ends, the
 * thread before it gets them again.
 */
export function setErrorFunction(callback?: ((message: string) => void) | null): void {
  const fn = checkCallback(callback, 'setErrorFunction');
  call(() => native.setErrorFunction(fn));
}

/** Receives libjack's info messages (on the JS thread), per thread as setErrorFunction; null restores stderr. */
export function setInfoFunction(callback?: ((message: string) => void) | null): void {
  const fn = checkCallback(callback, 'setInfoFunction');
  call(() => native.setInfoFunction(fn));
}
