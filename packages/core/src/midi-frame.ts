// The binary MIDI frame: what the service sends a page, a few times a second,
// with the events its MIDI monitor subscription (the `setMidiMonitor`
// request) saw since the last frame. Pure code without Node, so a renderer
// may import it as '@jackbay/core/midi-frame'.
//
// Layout, little-endian:
//   u32 kind        MIDI_FRAME_KIND (meter frames are kind 1)
//   u32 generation  the `setMidiMonitor` answer this frame follows; older ones are stale
//   u32 received    events that arrived on this page's ports since the last frame
//   u32 lost        events lost since the last frame (a full ring, or a frame not sent)
//   u32 missed      cycles JACK skipped for the service since the last frame (xruns):
//                   what was played in them is never seen, neither received nor lost
//   u32 count       events carried below (received − lost of them)
//   then per event, oldest first:
//       u32 time    JACK frame time of the event (wraps at 2^32)
//       u16 port    index into the page's port list
//       u16 size    bytes of MIDI data
//       size bytes, then zeros up to a multiple of 4

export const MIDI_FRAME_KIND = 2;
export const MIDI_HEADER_BYTES = 24;
const EVENT_HEADER_BYTES = 8;
/** Most ports one page may monitor at once. */
export const MAX_MONITORED_PORTS = 1024;

export interface MidiFrameEvent {
  time: number;
  port: number;
  data: Uint8Array;
}

export interface MidiFrame {
  generation: number;
  received: number;
  lost: number;
  missedCycles: number;
  events: MidiFrameEvent[];
}

function padded(size: number): number {
  return (size + 3) & ~3;
}

/** The bytes a frame of these events takes. */
export function midiFrameBytes(events: readonly { data: Uint8Array }[]): number {
  let bytes = MIDI_HEADER_BYTES;
  for (const event of events) bytes += EVENT_HEADER_BYTES + padded(event.data.byteLength);
  return bytes;
}

export function encodeMidiFrame(frame: MidiFrame): Uint8Array {
  const bytes = new Uint8Array(midiFrameBytes(frame.events));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MIDI_FRAME_KIND, true);
  view.setUint32(4, frame.generation >>> 0, true);
  view.setUint32(8, frame.received >>> 0, true);
  view.setUint32(12, frame.lost >>> 0, true);
  view.setUint32(16, frame.missedCycles >>> 0, true);
  view.setUint32(20, frame.events.length, true);
  let at = MIDI_HEADER_BYTES;
  for (const event of frame.events) {
    view.setUint32(at, event.time >>> 0, true);
    view.setUint16(at + 4, event.port, true);
    view.setUint16(at + 6, event.data.byteLength, true);
    bytes.set(event.data, at + EVENT_HEADER_BYTES);
    at += EVENT_HEADER_BYTES + padded(event.data.byteLength);
  }
  return bytes;
}

/** Reads a frame; null when the bytes are not a whole MIDI frame. */
export function decodeMidiFrame(data: ArrayBuffer | ArrayBufferView): MidiFrame | null {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < MIDI_HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MIDI_FRAME_KIND) return null;
  const count = view.getUint32(20, true);
  const events: MidiFrameEvent[] = [];
  let at = MIDI_HEADER_BYTES;
  for (let index = 0; index < count; index++) {
    if (at + EVENT_HEADER_BYTES > bytes.byteLength) return null;
    const size = view.getUint16(at + 6, true);
    const start = at + EVENT_HEADER_BYTES;
    if (start + size > bytes.byteLength) return null;
    events.push({
      time: view.getUint32(at, true),
      port: view.getUint16(at + 4, true),
      data: bytes.slice(start, start + size),
    });
    at = start + padded(size);
  }
  return {
    generation: view.getUint32(4, true),
    received: view.getUint32(8, true),
    lost: view.getUint32(12, true),
    missedCycles: view.getUint32(16, true),
    events,
  };
}

/** The kind of a binary message from the service (meter or MIDI frame), or 0. */
export function binaryFrameKind(data: ArrayBuffer | ArrayBufferView): number {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < 4) return 0;
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}
