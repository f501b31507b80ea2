// The binary meter frame: what the service sends a page, at display rate, for
// the ports the page asked to meter (the `setMeters` request). Pure code
// without Node, so a renderer may import it as '@jackbay/core/meter-frame'.
//
// Layout, little-endian, 8 + 12·n bytes:
//   u32 kind        METER_FRAME_KIND (tells a meter frame from any later binary message)
//   u32 generation  the `setMeters` answer this frame follows; older ones are stale
//   f32 × 3 per port, in the order the page asked for them:
//       peak (dBFS), RMS (dBFS), samples at or above full scale since the last frame
// Levels are over the interval since the previous frame; silence reads METER_FLOOR_DB.
// A port the service could not meter (the server refused its probe port)
// reads the floor with NOT_METERED in place of the sample count.

export const METER_FRAME_KIND = 1;
export const METER_HEADER_BYTES = 8;
/** What silence (and a port without a tap, e.g. one that went away) reads. */
export const METER_FLOOR_DB = -120;
/** The third value of a port that has no meter: the server refused its probe port. */
export const NOT_METERED = -1;
/** Most ports one page may meter at once. */
export const MAX_METERED_PORTS = 1024;

/** A linear level as dBFS, never below METER_FLOOR_DB. */
export function levelToDb(level: number): number {
  return level > 0 ? Math.max(METER_FLOOR_DB, 20 * Math.log10(level)) : METER_FLOOR_DB;
}

export interface MeterFrame {
  generation: number;
  /** [peak dBFS, RMS dBFS, clipped samples] per port. */
  values: Float32Array;
}

/** A frame for `count` ports; fill `values` and send `bytes`. */
export function newMeterFrame(
  generation: number,
  count: number,
): { bytes: Uint8Array; values: Float32Array } {
  const buffer = new ArrayBuffer(METER_HEADER_BYTES + count * 12);
  const header = new DataView(buffer, 0, METER_HEADER_BYTES);
  header.setUint32(0, METER_FRAME_KIND, true);
  header.setUint32(4, generation >>> 0, true);
  return { bytes: new Uint8Array(buffer), values: new Float32Array(buffer, METER_HEADER_BYTES) };
}

/** Reads a frame; null when the bytes are not a meter frame. */
export function decodeMeterFrame(data: ArrayBuffer | ArrayBufferView): MeterFrame | null {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength < METER_HEADER_BYTES || (bytes.byteLength - METER_HEADER_BYTES) % 12 !== 0)
    return null;
  const header = new DataView(bytes.buffer, bytes.byteOffset, METER_HEADER_BYTES);
  if (header.getUint32(0, true) !== METER_FRAME_KIND) return null;
  const count = (bytes.byteLength - METER_HEADER_BYTES) / 3 / 4;
  // A copy when unaligned (a Node Buffer slice may start anywhere).
  const start = bytes.byteOffset + METER_HEADER_BYTES;
  const values =
    start % 4 === 0
      ? new Float32Array(bytes.buffer, start, count * 3)
      : new Float32Array(bytes.slice(METER_HEADER_BYTES).buffer);
  return { generation: header.getUint32(4, true), values };
}
