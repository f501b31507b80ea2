// The binary meter bridge frame: what the service sends a page at display
// rate for the bridge meters the page added (the `addBridgeMeter` request).
// Pure code without Node, so a renderer may import it as
// '@jackbay/core/bridge-frame'. It travels on the page's meter channel (a
// binary WebSocket message, or the `jackbay:meters` IPC channel), told from
// meter frames by its kind.
//
// Layout, little-endian:
//   u32 kind    BRIDGE_FRAME_KIND (meter frames are kind 1, MIDI frames kind 2)
//   u32 count   bridge meters carried, in the order the page added them
//   then per bridge meter, all f32:
//       id, channels (1 or 2),
//       per channel: peak dBFS, RMS dBFS, K-meter RMS dBFS, true peak dBTP, clipped samples
//                    (levels over the interval since the previous frame, the K RMS as it is now;
//                    silence reads METER_FLOOR_DB; peak, RMS and true peak are NaN when no audio
//                    arrived since the previous frame; true peak NaN without libebur128)
//       momentary, short-term and integrated loudness (LUFS), loudness range (LU):
//                    NaN when loudness is unavailable, −Infinity while too little was measured
import { METER_FLOOR_DB } from './meter-frame.js';

export const BRIDGE_FRAME_KIND = 3;
export const BRIDGE_HEADER_BYTES = 8;
export const BRIDGE_CHANNEL_VALUES = 5;
export const BRIDGE_LOUDNESS_VALUES = 4;
/** Most meters one page may have on its bridge. */
export const MAX_BRIDGE_METERS = 32;

export interface BridgeChannelReading {
  peak: number;
  rms: number;
  kRms: number;
  truePeak: number;
  clips: number;
}

export interface BridgeReading {
  id: number;
  channels: BridgeChannelReading[];
  momentary: number;
  shortTerm: number;
  integrated: number;
  range: number;
}

const entryValues = (channels: number) =>
  2 + channels * BRIDGE_CHANNEL_VALUES + BRIDGE_LOUDNESS_VALUES;

/** A frame of `readings`, ready to send. */
export function encodeBridgeFrame(readings: readonly BridgeReading[]): Uint8Array {
  let floats = 0;
  for (const reading of readings) floats += entryValues(reading.channels.length);
  const buffer = new ArrayBuffer(BRIDGE_HEADER_BYTES + floats * 4);
  const header = new DataView(buffer, 0, BRIDGE_HEADER_BYTES);
  header.setUint32(0, BRIDGE_FRAME_KIND, true);
  header.setUint32(4, readings.length, true);
  const values = new Float32Array(buffer, BRIDGE_HEADER_BYTES);
  let at = 0;
  for (const reading of readings) {
    values[at++] = reading.id;
    values[at++] = reading.channels.length;
    for (const c of reading.channels) {
      values[at++] = c.peak;
      values[at++] = c.rms;
      values[at++] = c.kRms;
      values[at++] = c.truePeak;
      values[at++] = c.clips;
    }
    values[at++] = reading.momentary;
    values[at++] = reading.shortTerm;
    values[at++] = reading.integrated;
    values[at++] = reading.range;
  }
  return new Uint8Array(buffer);
}

/** Reads a frame; null when the bytes are not a well-formed bridge frame. */
export function decodeBridgeFrame(data: ArrayBuffer | ArrayBufferView): BridgeReading[] | null {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < BRIDGE_HEADER_BYTES || (bytes.byteLength - BRIDGE_HEADER_BYTES) % 4 !== 0)
    return null;
  const header = new DataView(bytes.buffer, bytes.byteOffset, BRIDGE_HEADER_BYTES);
  if (header.getUint32(0, true) !== BRIDGE_FRAME_KIND) return null;
  const count = header.getUint32(4, true);
  // A copy (always aligned): frames are small.
  const values = new Float32Array(bytes.slice(BRIDGE_HEADER_BYTES).buffer);
  const readings: BridgeReading[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const id = values[at];
    const channels = values[at + 1];
    if (id === undefined || (channels !== 1 && channels !== 2)) return null;
    if (at + entryValues(channels) > values.length) return null;
    at += 2;
    const list: BridgeChannelReading[] = [];
    for (let c = 0; c < channels; c++) {
      list.push({
        peak: values[at] as number,
        rms: values[at + 1] as number,
        kRms: values[at + 2] as number,
        truePeak: values[at + 3] as number,
        clips: values[at + 4] as number,
      });
      at += BRIDGE_CHANNEL_VALUES;
    }
    readings.push({
      id,
      channels: list,
      momentary: values[at] as number,
      shortTerm: values[at + 1] as number,
      integrated: values[at + 2] as number,
      range: values[at + 3] as number,
    });
    at += BRIDGE_LOUDNESS_VALUES;
  }
  return at === values.length ? readings : null;
}

/** What a channel of a bridge meter without an analyser (its port went away) reads. */
export const SILENT_CHANNEL: BridgeChannelReading = {
  peak: METER_FLOOR_DB,
  rms: METER_FLOOR_DB,
  kRms: METER_FLOOR_DB,
  truePeak: Number.NaN,
  clips: 0,
};
