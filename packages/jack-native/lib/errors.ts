// The error types of the library, as in the Python module.
import type { Status } from './status.js';

/** Why an operation failed, for programs that react to errors. */
export type JackErrorKind =
  | 'failed' // libjack reported a failure
  | 'library-missing' // libjack could not be loaded
  | 'unsupported' // the loaded libjack lacks the function
  | 'closed' // the client was closed
  | 'shutdown' // the server shut the client down
  | 'port-not-found'
  | 'not-own-port'
  | 'incompatible-types' // audio to MIDI and the like
  | 'wrong-direction' // a connection must go from an output to an input
  | 'already-connected'
  | 'name-too-long'
  | 'duplicate-name'
  | 'port-refused' // the server registered no port (above all its port limit)
  | 'bad-regex'
  | 'bad-uuid'
  | 'bad-midi-event'
  | 'loudness-unavailable'; // libebur128 could not be loaded

/** Any JACK-related error. `kind` says what went wrong. */
export class JackError extends Error {
  override name = 'JackError';
  constructor(
    message: string,
    readonly kind: JackErrorKind = 'failed',
  ) {
    super(message);
  }
}

/** A libjack call returned an error code. */
export class JackErrorCode extends JackError {
  override name = 'JackErrorCode';
  constructor(
    message: string,
    readonly code: number,
    kind: JackErrorKind = 'failed',
  ) {
    super(`${message} (${code})`, kind);
  }
}

/** jack_client_open failed; `status` says why. */
export class JackOpenError extends JackError {
  override name = 'JackOpenError';
  constructor(
    readonly clientName: string,
    readonly status: Status,
  ) {
    super(`Error initializing "${clientName}": ${status}`);
  }
}

/**
 * Throw this from a callback to stop further calls to it, silently.
 * Any other exception is printed to stderr (as the Python module does).
 */
export class CallbackExit extends Error {
  override name = 'CallbackExit';
}

/**
 * A string with a NUL byte, refused as Node refuses such paths: JACK's names,
 * keys and values are C strings, and 'system:playback_1\0junk' would act on
 * system:playback_1. The addon throws the same for every string it passes on.
 */
export function nulByteError(what: string): TypeError {
  const error = new TypeError(`${what} must not contain a NUL byte`);
  (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_VALUE';
  return error;
}
