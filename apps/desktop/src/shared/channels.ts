// The IPC channels, derived from the contract: one per request, one per
// event. Adding a request to the contract adds its channel here, in the main
// process's handlers and in the preload's API, with nothing to edit.
import { type EventName, events, type RequestName, requestNames } from '@jackbay/core/contract';

export const REQUEST_NAMES: readonly RequestName[] = requestNames;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Binary meter frames for the window's setMeters (bytes as in '@jackbay/core/meter-frame'). */
export const METER_CHANNEL = 'jackbay:meters';

/** Binary MIDI frames for the window's setMidiMonitor (bytes as in '@jackbay/core/midi-frame'). */
export const MIDI_CHANNEL = 'jackbay:midi';

export function requestChannel(method: RequestName): string {
  return `jackbay:request:${method}`;
}

export function eventChannel(event: EventName): string {
  return `jackbay:event:${event}`;
}

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && (REQUEST_NAMES as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}
