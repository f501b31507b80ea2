// The meter bridge's scales, as pure functions: plain dBFS (peak and RMS,
// the graph meters' ballistics), and Bob Katz's K-system meters K-20, K-14
// and K-12 (RMS on a scale whose 0 is −20, −14 or −12 dBFS, with a peak mark
// that holds 0.5 s and falls at 15 dB/s, as x42's and jkmeter's K-meters).
// The K meters' RMS is true RMS: a sine at −20 dBFS peak has an RMS of
// −23.01 dBFS, which K-20 reads as −3.0 (jkmeter adds 3 dB so that a sine
// reads its peak; Katz's pink-noise calibration does not).
import { METER_FLOOR_DB } from '../live/ballistics';

export type BridgeScale = 'dBFS' | 'K-20' | 'K-14' | 'K-12';
export const BRIDGE_SCALES: readonly BridgeScale[] = ['dBFS', 'K-20', 'K-14', 'K-12'];

/** dBFS of the scale's 0: the K meters' reference level. */
export function reference(scale: BridgeScale): number {
  switch (scale) {
    case 'dBFS':
      return 0;
    case 'K-20':
      return -20;
    case 'K-14':
      return -14;
    case 'K-12':
      return -12;
  }
}

/** What the scale reads for a level in dBFS (K: dB above its reference). */
export function toScale(dbfs: number, scale: BridgeScale): number {
  return dbfs - reference(scale);
}

/** The drawn range in the scale's units: full scale at the top, 60 dB below at the bottom. */
export function scaleRange(scale: BridgeScale): { min: number; max: number } {
  const max = 0 - reference(scale);
  return { min: max - 60, max };
}

/** Where a level in dBFS lies on the drawn scale, from 0 (bottom) to 1 (top). */
export function position(dbfs: number, scale: BridgeScale): number {
  const { min, max } = scaleRange(scale);
  const f = (toScale(dbfs, scale) - min) / (max - min);
  return Math.min(1, Math.max(0, f));
}

export type BridgeZone = 'green' | 'yellow' | 'red';

/**
 * The colour of a level: dBFS as the graph meters (green below −18, yellow to
 * −6, red above); K meters green below their 0, yellow to +4, red above.
 */
export function zone(dbfs: number, scale: BridgeScale): BridgeZone {
  if (scale === 'dBFS') return dbfs > -6 ? 'red' : dbfs >= -18 ? 'yellow' : 'green';
  const k = toScale(dbfs, scale);
  return k > 4 ? 'red' : k >= 0 ? 'yellow' : 'green';
}

/** Zone boundaries in dBFS, bottom to top: [yellow from, red from]. */
export function zoneEdges(scale: BridgeScale): [number, number] {
  if (scale === 'dBFS') return [-18, -6];
  const ref = reference(scale);
  return [ref, ref + 4];
}

/** Tick marks: the scale's labels, in its units, with where they are drawn (0–1). */
export function ticks(scale: BridgeScale): Array<{ label: string; at: number }> {
  const { min, max } = scaleRange(scale);
  const values =
    scale === 'dBFS'
      ? [0, -6, -12, -18, -24, -30, -40, -50, -60]
      : [max, ...[16, 12, 8, 4, 0, -4, -8, -12, -20, -30, -40].filter((v) => v < max && v >= min)];
  return values.map((value) => ({
    label: value > 0 ? `+${value}` : minus(String(value)),
    at: (value - min) / (max - min),
  }));
}

/** A reading for a readout: one decimal in the scale's units, '−∞' for silence. */
export function formatLevel(dbfs: number, scale: BridgeScale = 'dBFS'): string {
  if (!Number.isFinite(dbfs) || dbfs <= METER_FLOOR_DB) return '−∞';
  return minus(toScale(dbfs, scale).toFixed(1));
}

/** Loudness (LUFS) or range (LU): one decimal; '–' while unmeasured or unavailable. */
export function formatLoudness(value: number): string {
  if (!Number.isFinite(value) || value <= -70) return '–';
  return minus(value.toFixed(1));
}

// A typographic minus: '−23.0' reads better than '-23.0' in a readout.
function minus(text: string): string {
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** The K meters' peak mark: held this long… */
export const K_HOLD_MS = 500;
/** …then falling this fast. */
export const K_FALL_DB_PER_S = 15;
