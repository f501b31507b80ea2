// How a meter moves, as pure functions of what the service measured and the
// time: instant attack, a steady release, a peak hold, colour zones. The
// service sends levels per frame (dBFS over the frame's interval); the
// renderer only smooths their fall, so a meter never shows less than the
// last frame measured.
import { levelToDb, METER_FLOOR_DB } from '@jackbay/core/meter-frame';

export { levelToDb, METER_FLOOR_DB };

/** How fast the bar falls after a peak (dB per second). */
export const RELEASE_DB_PER_S = 20;
/** How long the peak-hold tick stays before it falls to the bar. */
export const PEAK_HOLD_MS = 2000;
/** Zones: green below YELLOW_DB, yellow from there to RED_DB, red above. */
export const YELLOW_DB = -18;
export const RED_DB = -6;
/** The drawn scale: the bottom and the top of the bar. */
export const SCALE_MIN_DB = -60;
export const SCALE_MAX_DB = 6;

export type Zone = 'green' | 'yellow' | 'red';

export function zoneOf(db: number): Zone {
  if (db > RED_DB) return 'red';
  if (db >= YELLOW_DB) return 'yellow';
  return 'green';
}

/** Where `db` lies on the drawn scale, from 0 (bottom) to 1 (top). */
export function scalePosition(db: number): number {
  const f = (db - SCALE_MIN_DB) / (SCALE_MAX_DB - SCALE_MIN_DB);
  return Math.min(1, Math.max(0, f));
}

/** A level falling at `rate` dB/s for `elapsedMs`, never below the floor. */
export function release(db: number, elapsedMs: number, rate = RELEASE_DB_PER_S): number {
  return Math.max(METER_FLOOR_DB, db - (rate * Math.max(0, elapsedMs)) / 1000);
}

/** What one meter shows. Levels in dBFS; times in ms (any monotonic clock). */
export interface MeterState {
  peak: number;
  rms: number;
  hold: number;
  holdAt: number;
  /** Samples reached full scale since the clip indicator was last reset. */
  clipped: boolean;
  at: number;
}

export function silentMeter(now: number): MeterState {
  return {
    peak: METER_FLOOR_DB,
    rms: METER_FLOOR_DB,
    hold: METER_FLOOR_DB,
    holdAt: now,
    clipped: false,
    at: now,
  };
}

/** The state at `now` with nothing new measured: bars fall, an old hold drops to the bar. */
export function fall(state: MeterState, now: number, rate = RELEASE_DB_PER_S): MeterState {
  const elapsed = now - state.at;
  const peak = release(state.peak, elapsed, rate);
  const rms = release(state.rms, elapsed, rate);
  const held = now - state.holdAt <= PEAK_HOLD_MS;
  return {
    peak,
    rms,
    hold: held ? state.hold : peak,
    holdAt: held ? state.holdAt : now,
    clipped: state.clipped,
    at: now,
  };
}

/** The state after a measurement at `now`: instant attack, the hold restarts on a new high. */
export function take(
  state: MeterState,
  measured: { peak: number; rms: number; clips: number },
  now: number,
  rate = RELEASE_DB_PER_S,
): MeterState {
  const fallen = fall(state, now, rate);
  const peak = Math.max(fallen.peak, measured.peak);
  const higher = measured.peak >= fallen.hold;
  return {
    peak,
    rms: Math.max(fallen.rms, measured.rms),
    hold: higher ? measured.peak : fallen.hold,
    holdAt: higher ? now : fallen.holdAt,
    clipped: fallen.clipped || measured.clips > 0,
    at: now,
  };
}

/** aria-valuetext: peak and RMS, one decimal each. */
export function describeLevel(state: Pick<MeterState, 'peak' | 'rms'>): string {
  const db = (v: number) => (v <= METER_FLOOR_DB ? 'silent' : `${v.toFixed(1)} dBFS`);
  return `peak ${db(state.peak)}, RMS ${db(state.rms)}`;
}
