// The service behind IPC: one handler per request channel, one forwarder per
// event. Only our window's own top frame may call; anything else is refused.
import type { EventPayload, JackbayApi, RequestName, RequestParams } from '@jackbay/core/contract';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  EVENT_NAMES,
  eventChannel,
  type IpcResponse,
  REQUEST_NAMES,
  requestChannel,
} from '../shared/channels';

/** The sender is our window's web contents and its main frame (not an iframe in it). */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  contents: WebContents,
): boolean {
  return (
    event.sender === contents &&
    event.senderFrame !== null &&
    event.senderFrame === contents.mainFrame
  );
}

function rpcError(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
    if (typeof message === 'string') return { code: 'internal', message };
  }
  return { code: 'internal', message: String(error) };
}

export async function answer(
  service: JackbayApi,
  method: RequestName,
  params: unknown,
): Promise<IpcResponse> {
  try {
    // The service validates params against the contract's schema.
    return { result: await service.request(method, params as RequestParams<typeof method>) };
  } catch (error) {
    return { error: rpcError(error) };
  }
}

export function wireIpc(ipc: IpcMain, contents: WebContents, service: JackbayApi): () => void {
  for (const method of REQUEST_NAMES) {
    ipc.handle(
      requestChannel(method),
      (event, params: unknown): Promise<IpcResponse> | IpcResponse => {
        if (!isTrustedSender(event, contents))
          return {
            error: {
              code: 'bad-request',
              message: 'refused: the sender is not the Jackbay window',
            },
          };
        return answer(service, method, params);
      },
    );
  }
  const offs = EVENT_NAMES.map((name) =>
    service.subscribe(name, (payload: EventPayload<typeof name>) => {
      if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
    }),
  );
  return () => {
    for (const method of REQUEST_NAMES) ipc.removeHandler(requestChannel(method));
    for (const off of offs) off();
  };
}
