// The renderer's only door to the service: `window.jackbay`, with `request`,
// `subscribe` and one method per request, exposed through contextBridge.
// ipcRenderer itself never crosses; every channel name comes from the contract.
import type {
  EventName,
  EventPayload,
  JackbayApi,
  RequestName,
  RequestParams,
  RequestResult,
  ResponseBody,
} from '@jackbay/core/contract';
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import {
  eventChannel,
  isEventName,
  isRequestName,
  METER_CHANNEL,
  MIDI_CHANNEL,
  REQUEST_NAMES,
  requestChannel,
} from '../shared/channels';

async function request<M extends RequestName>(
  method: M,
  params: RequestParams<M>,
): Promise<RequestResult<M>> {
  if (!isRequestName(method))
    throw { code: 'unknown-method', message: `unknown method '${String(method)}'` };
  const response = (await ipcRenderer.invoke(requestChannel(method), params ?? {})) as ResponseBody;
  // A plain object crosses the bridge whole; an Error would lose its code.
  if ('error' in response) throw { code: response.error.code, message: response.error.message };
  return response.result as RequestResult<M>;
}

function subscribe<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  if (!isEventName(event)) throw new TypeError(`unknown event '${String(event)}'`);
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const channel = eventChannel(event);
  // The IPC event (and its sender) stays here: the page gets the payload only.
  const handler = (_: IpcRendererEvent, payload: EventPayload<E>) => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

function binaryListener(
  channel: string,
): (listener: (frame: ArrayBuffer | Uint8Array) => void) => () => void {
  return (listener) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const handler = (_: IpcRendererEvent, frame: Uint8Array) => listener(frame);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  };
}

const onMeterFrame = binaryListener(METER_CHANNEL);
const onMidiFrame = binaryListener(MIDI_CHANNEL);

const methods = Object.fromEntries(
  REQUEST_NAMES.map((name) => [name, (params?: unknown) => request(name, (params ?? {}) as never)]),
) as { [M in RequestName]: (params?: RequestParams<M>) => Promise<RequestResult<M>> };

const api: JackbayApi & typeof methods = {
  ...methods,
  request,
  subscribe,
  onMeterFrame,
  onMidiFrame,
};

contextBridge.exposeInMainWorld('jackbay', api);
