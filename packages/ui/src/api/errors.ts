// Every failure a request can end in, as one error type with the contract's
// code. Transports reject in different shapes (a WebSocket error message, an
// Electron IPC rejection that lost its fields crossing the bridge); this is
// where they become one.
import type { ErrorCode, RpcError } from '@jackbay/core/contract';
import { isErrorCode } from '@jackbay/core/error-codes';

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
    return new RequestError(isErrorCode(code) ? code : 'internal', text);
  }
  return new RequestError('internal', String(e));
}
