// Every memory or array layout that the TypeScript side shares with the addon,
// described once. src/layouts.h holds the same values for C++; the addon's
// layouts() reports those, and test/layouts.test.ts keeps the two equal.
import type { ClientEvent } from './notifications.js';

/** Notification kinds in NativeClient.drainEvents, by event name, in kind order. */
export const EVENT_KINDS = {
  shutdown: 0,
  freewheel: 1,
  blocksize: 2,
  samplerate: 3,
  clientRegistration: 4,
  portRegistration: 5,
  portConnect: 6,
  portRename: 7,
  graphOrder: 8,
  xrun: 9,
  propertyChange: 10,
} as const satisfies Record<ClientEvent, number>;

/** Values per event in drainEvents: [kind, a, b, d, h1, h2, s1, s2, s3, s4]. */
export const EVENT_SLOTS = 10;

/** The shared ring's byte offsets: write and read index (Int32) on separate cache lines, then data. */
export const RING = { writeIndex: 0, readIndex: 64, data: 128 } as const;

/** A MIDI monitor's ring holds records of [time u32][size u32][bytes]. */
export const MONITOR_RECORD_HEADER_BYTES = 8;

/** A MIDI send node's ring holds records of [size u32][bytes] (JS writes, the realtime thread reads). */
export const MIDI_SEND_RECORD_HEADER_BYTES = 4;

/** readMeters gives [peak, rms, clips] per meter. */
export const METER_VALUES = 3;

/**
 * An analyser's read() (src/analyser.cpp): per channel [peak, rms, kRms,
 * truePeak, clips], then [momentary, shortTerm, integrated, range].
 */
export const ANALYSER = { channelValues: 5, loudnessValues: 4 } as const;

/**
 * The JS process bridge: `globalBytes`, then per slot a header of
 * `slotHeaderBytes` (u32 fields at `slotHeader`), then per slot: audio in
 * (maxFrames f32 per port), audio out, MIDI in areas, MIDI out areas. A MIDI
 * area: count u32, used u32, lost u32, reserved u32 (byte offsets at
 * `midiArea`), then records of [time u32][size u32][bytes, padded to 4].
 */
export const BRIDGE = {
  globalBytes: 64,
  slotHeaderBytes: 32,
  maxSlots: 64,
  slotHeader: { state: 0, cycle: 1, frames: 2, lastFrameTime: 3 },
  slotState: { free: 0, ready: 1, processing: 2, done: 3 },
  midiAreaHeaderBytes: 16,
  midiArea: { count: 0, used: 4, lost: 8 },
  midiRecordHeaderBytes: 8,
} as const;

/** Everything above, in the shape the addon's layouts() reports. */
export const LAYOUTS = {
  events: { slots: EVENT_SLOTS, kinds: EVENT_KINDS },
  ring: RING,
  monitor: { recordHeaderBytes: MONITOR_RECORD_HEADER_BYTES },
  midiSend: { recordHeaderBytes: MIDI_SEND_RECORD_HEADER_BYTES },
  meter: { values: METER_VALUES },
  analyser: ANALYSER,
  bridge: BRIDGE,
} as const;
