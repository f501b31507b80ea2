// The service behind IPC: one handler per request channel, one forwarder per
// event. Only our window's own top frame may call; anything else is refused.
// Requests are answered by core's answer(), as the web host answers its
// WebSocket, so errors have one shape whichever way a request came.
import { type Answerer, answer, type MeterHost, type MidiHost } from '@jackbay/core';
import type { EventPayload, ResponseBody } from '@jackbay/core/contract';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  EVENT_NAMES,
  eventChannel,
  METER_CHANNEL,
  MIDI_CHANNEL,
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

export function wireIpc(
  ipc: IpcMain,
  contents: WebContents,
  service: Answerer & MeterHost & MidiHost,
): () => void {
  // The window is one page: one meter subscription, its frames the same bytes
  // the web host sends as binary WebSocket messages.
  const meters = service.openMeters((frame) => {
    if (!contents.isDestroyed()) contents.send(METER_CHANNEL, frame);
  });
  const midi = service.openMidi((frame) => {
    if (contents.isDestroyed()) return false;
    contents.send(MIDI_CHANNEL, frame);
    return true;
  });
  for (const method of REQUEST_NAMES) {
    ipc.handle(
      requestChannel(method),
      (event, params: unknown): Promise<ResponseBody> | ResponseBody => {
        if (!isTrustedSender(event, contents))
          return {
            error: {
              code: 'bad-request',
              message: 'refused: the sender is not the Jackbay window',
            },
          };
        return answer(service, method, params, meters, midi);
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
    meters.close();
    midi.close();
  };
}
