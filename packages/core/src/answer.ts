// The one way a transport turns a request into a response: Electron's IPC
// handler and the web host's WebSocket both answer through here, so a request
// fails with the same `{ code, message }` whichever way it came.
import { type JackbayApi, parseRequest, type ResponseBody } from './contract.js';
import { toRpcError } from './errors.js';

/** Validates `params` against the contract, serves the request, maps any failure; never rejects. */
export async function answer(
  api: JackbayApi,
  method: unknown,
  params: unknown,
): Promise<ResponseBody> {
  const parsed = parseRequest(typeof method === 'string' ? method : String(method), params);
  if (!parsed.ok) return { error: parsed.error };
  try {
    return { result: await api.request(parsed.method, parsed.params as never) };
  } catch (error) {
    return { error: toRpcError(error) };
  }
}
