// The one way a transport turns a request into a response: Electron's IPC
// handler and the web host's WebSocket both answer through here, so a request
// fails with the same `{ code, message }` whichever way it came.
import {
  type JackbayApi,
  parseRequest,
  type RequestName,
  type RequestParams,
  type RequestResult,
  type ResponseBody,
} from './contract.js';
import { toRpcError } from './errors.js';
import type { MeterPeer } from './meters.js';
import type { MidiPeer } from './midi-monitors.js';

/** What answers requests: the service, which also takes the caller's meter subscription. */
export interface Answerer extends JackbayApi {
  request<M extends RequestName>(
    method: M,
    params: RequestParams<M>,
    meters?: MeterPeer,
    midi?: MidiPeer,
  ): Promise<RequestResult<M>>;
}

/**
 * Validates `params` against the contract, serves the request, maps any
 * failure; never rejects. `meters` is the caller's (one page's) meter
 * subscription, which `setMeters` changes; `midi` its MIDI monitor
 * subscription, which `setMidiMonitor` changes.
 */
export async function answer(
  api: Answerer,
  method: unknown,
  params: unknown,
  meters?: MeterPeer,
  midi?: MidiPeer,
): Promise<ResponseBody> {
  const parsed = parseRequest(typeof method === 'string' ? method : String(method), params);
  if (!parsed.ok) return { error: parsed.error };
  try {
    return { result: await api.request(parsed.method, parsed.params as never, meters, midi) };
  } catch (error) {
    return { error: toRpcError(error) };
  }
}
