// The live meter bridge channel: binary bridge frames in, what each bridge
// meter shows out, never through the zustand store (see store/store.ts). The
// transport feeds it every binary frame of the page's meter channel (it keeps
// only bridge frames); the bridge's canvases read it in the shared animation
// loop of live/meters.ts.
import { type BridgeReading, decodeBridgeFrame } from '@jackbay/core/bridge-frame';
import { K_FALL_DB_PER_S, K_HOLD_MS } from '../bridge/scale';
import { fall, METER_FLOOR_DB, type MeterState, release, silentMeter, take } from './ballistics';
import { wakeAnimation } from './meters';

type Listener = () => void;

/** What one channel of a bridge meter shows. Levels in dBFS. */
export interface BridgeChannelState {
  /** Peak and RMS with the graph meters' ballistics (the dBFS scale). */
  level: MeterState;
  /** The K meter: RMS as measured now, and its peak mark (0.5 s hold, 15 dB/s fall). */
  kRms: number;
  kPeak: number;
  kPeakAt: number;
  /** True peak (dBTP) since the readout last took it; NaN without libebur128. */
  truePeak: number;
  /** Highest peak and RMS since the readout last took them. */
  recentPeak: number;
  recentRms: number;
  clipped: boolean;
}

export interface BridgeLoudness {
  momentary: number;
  shortTerm: number;
  integrated: number;
  range: number;
}

interface Entry {
  channels: BridgeChannelState[];
  loudness: BridgeLoudness;
  at: number;
}

const NO_LOUDNESS: BridgeLoudness = {
  momentary: Number.NaN,
  shortTerm: Number.NaN,
  integrated: Number.NaN,
  range: Number.NaN,
};

function silentChannel(now: number): BridgeChannelState {
  return {
    level: silentMeter(now),
    kRms: METER_FLOOR_DB,
    kPeak: METER_FLOOR_DB,
    kPeakAt: now,
    truePeak: Number.NaN,
    recentPeak: METER_FLOOR_DB,
    recentRms: METER_FLOOR_DB,
    clipped: false,
  };
}

/** The K meter's peak mark at `now`: held K_HOLD_MS, then falling K_FALL_DB_PER_S. */
export function kPeakAt(state: Pick<BridgeChannelState, 'kPeak' | 'kPeakAt'>, now: number): number {
  const held = now - state.kPeakAt;
  return held <= K_HOLD_MS ? state.kPeak : release(state.kPeak, held - K_HOLD_MS, K_FALL_DB_PER_S);
}

export class BridgeChannel {
  readonly #entries = new Map<number, Entry>();
  readonly #clipListeners = new Set<Listener>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Takes one binary frame from the transport; false when it is not a bridge frame. */
  feed(data: ArrayBuffer | ArrayBufferView): boolean {
    const readings = decodeBridgeFrame(data);
    if (!readings) return false;
    const now = this.#now();
    let clipChanged = false;
    let sound = false;
    for (const reading of readings) {
      const entry = this.#entries.get(reading.id) ?? {
        channels: [],
        loudness: NO_LOUDNESS,
        at: now,
      };
      if (this.#take(entry, reading, now)) clipChanged = true;
      if (reading.channels.some((c) => c.peak > METER_FLOOR_DB || c.kRms > METER_FLOOR_DB))
        sound = true;
      this.#entries.set(reading.id, entry);
    }
    if (clipChanged) this.#emitClip();
    if (sound) wakeAnimation();
    return true;
  }

  #take(entry: Entry, reading: BridgeReading, now: number): boolean {
    let clipChanged = false;
    reading.channels.forEach((measured, i) => {
      const before = entry.channels[i] ?? silentChannel(now);
      // No audio arrived since the last frame: the levels stand (and fall) as they were.
      if (Number.isNaN(measured.peak)) {
        entry.channels[i] = { ...before, kRms: measured.kRms };
        return;
      }
      const k = kPeakAt(before, now);
      const kHigher = measured.peak >= k;
      const after: BridgeChannelState = {
        level: take(before.level, measured, now),
        kRms: measured.kRms,
        kPeak: kHigher ? measured.peak : before.kPeak,
        kPeakAt: kHigher ? now : before.kPeakAt,
        truePeak: Number.isNaN(measured.truePeak)
          ? measured.truePeak
          : Math.max(
              Number.isNaN(before.truePeak) ? METER_FLOOR_DB : before.truePeak,
              measured.truePeak,
            ),
        recentPeak: Math.max(before.recentPeak, measured.peak),
        recentRms: Math.max(before.recentRms, measured.rms),
        clipped: before.clipped || measured.clips > 0,
      };
      if (after.clipped !== before.clipped) clipChanged = true;
      entry.channels[i] = after;
    });
    entry.channels.length = reading.channels.length;
    entry.loudness = {
      momentary: reading.momentary,
      shortTerm: reading.shortTerm,
      integrated: reading.integrated,
      range: reading.range,
    };
    entry.at = now;
    return clipChanged;
  }

  /** What channel `index` of bridge meter `id` shows now (bars fall between frames). */
  channel(id: number, index: number): BridgeChannelState {
    const now = this.#now();
    const state = this.#entries.get(id)?.channels[index];
    if (!state) return silentChannel(now);
    return { ...state, level: fall(state.level, now), kPeak: kPeakAt(state, now) };
  }

  /**
   * The highest peak, RMS and true peak of a channel since the last call, as
   * measured (no release): what a readout states. Null when no frame came.
   */
  takeRecent(id: number, index: number): { peak: number; rms: number; truePeak: number } | null {
    const state = this.#entries.get(id)?.channels[index];
    if (!state || state.recentPeak <= METER_FLOOR_DB - 1) return null;
    const recent = { peak: state.recentPeak, rms: state.recentRms, truePeak: state.truePeak };
    state.recentPeak = METER_FLOOR_DB - 1;
    state.recentRms = METER_FLOOR_DB - 1;
    if (!Number.isNaN(state.truePeak)) state.truePeak = METER_FLOOR_DB;
    return recent;
  }

  loudness(id: number): BridgeLoudness {
    return this.#entries.get(id)?.loudness ?? NO_LOUDNESS;
  }

  clipped(id: number, index: number): boolean {
    return this.#entries.get(id)?.channels[index]?.clipped ?? false;
  }

  resetClip(id: number, index: number): void {
    const state = this.#entries.get(id)?.channels[index];
    if (!state?.clipped) return;
    state.clipped = false;
    this.#emitClip();
  }

  /** Calls `listener` when any clip indicator lights or is reset. */
  onClip(listener: Listener): () => void {
    this.#clipListeners.add(listener);
    return () => {
      this.#clipListeners.delete(listener);
    };
  }

  /** Forgets a bridge meter (removed). */
  forget(id: number): void {
    if (this.#entries.delete(id)) this.#emitClip();
  }

  /** Forgets everything (the link went away). */
  clear(): void {
    this.#entries.clear();
    this.#emitClip();
  }

  #emitClip(): void {
    for (const listener of [...this.#clipListeners]) listener();
  }
}
