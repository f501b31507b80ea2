// The contract's error codes, without zod: contract.ts builds its ErrorCode
// schema from this list, and a renderer checks codes against it without
// bundling the schemas (about 90 kB of zod for one membership test).
export const ERROR_CODES = [
  'bad-request', // the payload failed validation
  'unknown-method',
  'server-down',
  'port-not-found',
  'client-not-found', // setPrettyName with kind 'client': JACK knows no client of that name
  'incompatible-types',
  'wrong-direction',
  'already-connected',
  'not-connected',
  'tool-not-found', // setTone, stopTone, removeThru, removeBridgeMeter, sendMidi, stopMidiSend: no such tool (of this page)
  'loudness-unavailable', // resetLoudness where libebur128 is missing
  'timebase-busy', // setTimebaseMaster while another client is timebase master
  'not-timebase-master', // setTempo while Jackbay is not timebase master
  'server-running', // startServer while a server of that name runs (or a start or stop is under way)
  'server-start-failed', // jackd did not start (bad device, name in use, …): the message carries jackd's own
  'confirm-needed', // stopServer of a server Jackbay did not start, without confirm: true
  'server-stop-failed', // stopServer could not find or stop the server's process
  'preset-not-found', // a preset request names no saved preset
  'bad-preset-file', // a preset or import file that is not well-formed or not of its format
  'bad-regex', // a preset's client or port pattern is not a regular expression
  'preset-too-large', // an import or preset file over the size or connection limit
  'jack-error',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** True for a code of the contract: a front end trusts an error's code only then. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
