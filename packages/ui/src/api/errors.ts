// Every failure a request can end in, as one error type with the contract's
// code. Transports reject in different shapes (a WebSocket error message, an
// Electron IPC rejection that lost its fields crossing the bridge); this is
// where they become one.
import type { ErrorCode, RpcError } from '@jackbay/core/contract';

// A record, not a list: a code added to the contract and missing here fails
// to compile.
const CODES: Record<ErrorCode, true> = {
  'bad-request': true,
  'unknown-method': true,
  'server-down': true,
  'port-not-found': true,
  'client-not-found': true,
  'incompatible-types': true,
  'wrong-direction': true,
  'already-connected': true,
  'not-connected': true,
  'jack-error': true,
  internal: true,
};

export class RequestError extends Error implements RpcError {
  override readonly name = 'RequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toRequestError(e: unknown): RequestError {
  if (e instanceof RequestError) return e;
  if (typeof e === 'object' && e !== null) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(e);
    return new RequestError(
      typeof code === 'string' && Object.hasOwn(CODES, code) ? (code as ErrorCode) : 'internal',
      text,
    );
  }
  return new RequestError('internal', String(e));
}
