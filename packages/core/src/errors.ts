// Failures of requests, as the contract's `{ code, message }`, and the mapping
// from the library's JackError kinds to the contract's error codes.
import { JackError, type JackErrorKind } from '@jackbay/jack-native';
import { type ErrorCode, isErrorCode, type RpcError } from './contract.js';

/** A request failed; `code` is what the front end reacts to. */
export class JackbayRpcError extends Error {
  override name = 'JackbayRpcError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const KIND_TO_CODE: Record<JackErrorKind, ErrorCode> = {
  failed: 'jack-error',
  'library-missing': 'server-down',
  unsupported: 'jack-error',
  // The service's client closes when the server goes away; to the caller that
  // is the server being down, not a programming error.
  closed: 'server-down',
  shutdown: 'server-down',
  'port-not-found': 'port-not-found',
  'not-own-port': 'jack-error',
  'incompatible-types': 'incompatible-types',
  'wrong-direction': 'wrong-direction',
  'already-connected': 'already-connected',
  'name-too-long': 'bad-request',
  'duplicate-name': 'jack-error',
  'port-refused': 'jack-error',
  'bad-regex': 'bad-request',
  'bad-uuid': 'bad-request',
  'bad-midi-event': 'bad-request',
  'loudness-unavailable': 'loudness-unavailable',
};

/** Turns anything thrown while serving a request into the contract's error shape. */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof JackError)
    return { code: KIND_TO_CODE[error.kind] ?? 'jack-error', message: error.message };
  // A JackbayRpcError, or any other error that carries a code of the contract.
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (isErrorCode(code) && typeof message === 'string') return { code, message };
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `internal error: ${text}` };
}
