// Bar|beat|tick of a MIDI event from its JACK frame time. The status carries
// the transport's position with the frame time of the cycle it describes;
// those references are kept (only the ones that cannot be predicted from the
// one before: a start, a stop, a locate, a new tempo) and an event's time is
// carried from the last reference before it at that reference's tempo, as the
// engine's timebase does. Without BBT from the transport there is none.
import type { TransportInfo } from '@jackbay/core/contract';
import { formatBbt } from '../format';

export interface TransportReference {
  /** JACK frame time of the cycle the position describes. */
  frameTime: number;
  /** Transport position in frames then. */
  frame: number;
  rolling: boolean;
  frameRate: number;
  bbt: TransportInfo['bbt'];
}

export interface Bbt {
  bar: number;
  beat: number;
  tick: number;
}

const MAX_REFERENCES = 2048;

/** Frame times are 32-bit and wrap: the signed distance from `from` to `to`. */
function frameDistance(from: number, to: number): number {
  return ((to - from) | 0) as number;
}

/** The BBT position `frameTime` falls on, carried from `ref`; null without BBT. */
export function bbtFrom(ref: TransportReference, frameTime: number): Bbt | null {
  const bbt = ref.bbt;
  if (!bbt || !(bbt.ticksPerBeat > 0) || !(bbt.beatsPerBar > 0) || !(ref.frameRate > 0))
    return null;
  const elapsed = ref.rolling ? frameDistance(ref.frameTime, frameTime) : 0;
  const perBar = Math.max(1, Math.floor(bbt.beatsPerBar));
  const ticksPerBar = perBar * bbt.ticksPerBeat;
  const exact =
    (bbt.beat - 1) * bbt.ticksPerBeat +
    bbt.tick +
    (elapsed * bbt.beatsPerMinute * bbt.ticksPerBeat) / (ref.frameRate * 60);
  // A whole tick must not floor to the one before through rounding error.
  const ticks = Math.round(exact * 1e6) / 1e6;
  const bars = Math.floor(ticks / ticksPerBar);
  const rest = ticks - bars * ticksPerBar;
  const beat = Math.floor(rest / bbt.ticksPerBeat);
  return {
    bar: bbt.bar + bars,
    beat: beat + 1,
    tick: Math.floor(rest - beat * bbt.ticksPerBeat),
  };
}

function sameTempo(a: TransportReference, b: TransportReference): boolean {
  return (
    a.bbt !== null &&
    b.bbt !== null &&
    a.bbt.beatsPerMinute === b.bbt.beatsPerMinute &&
    a.bbt.beatsPerBar === b.bbt.beatsPerBar &&
    a.bbt.ticksPerBeat === b.bbt.ticksPerBeat &&
    a.frameRate === b.frameRate
  );
}

/** The transport's history as far as MIDI events need it. */
export class TransportTimeline {
  #refs: TransportReference[] = [];

  get references(): readonly TransportReference[] {
    return this.#refs;
  }

  /** Takes the transport of a status (null: no server). */
  note(transport: TransportInfo | null | undefined): void {
    if (!transport || transport.frameTime === undefined) return;
    const ref: TransportReference = {
      frameTime: transport.frameTime,
      frame: transport.frame,
      rolling: transport.state === 'rolling',
      frameRate: transport.frameRate,
      bbt: transport.bbt,
    };
    const last = this.#refs.at(-1);
    if (last && this.#predicts(last, ref)) return;
    this.#refs.push(ref);
    if (this.#refs.length > MAX_REFERENCES)
      this.#refs.splice(0, this.#refs.length - MAX_REFERENCES);
  }

  // Whether `next` says nothing `last` did not: same state and tempo, and the
  // position where `last` puts it (within 50 ms: both are read in one cycle,
  // but not atomically).
  #predicts(last: TransportReference, next: TransportReference): boolean {
    if (last.rolling !== next.rolling) return false;
    if (last.bbt === null || next.bbt === null) return last.bbt === next.bbt;
    if (!sameTempo(last, next)) return false;
    const expected = last.rolling
      ? last.frame + frameDistance(last.frameTime, next.frameTime)
      : last.frame;
    return Math.abs(expected - next.frame) <= next.frameRate * 0.05;
  }

  /** The BBT an event at `frameTime` falls on, or null when the transport had none. */
  bbtAt(frameTime: number): Bbt | null {
    const refs = this.#refs;
    if (refs.length === 0) return null;
    // The last reference at or before the event (the first one for older events).
    let low = 0;
    let high = refs.length - 1;
    const first = refs[0] as TransportReference;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      const ref = refs[mid] as TransportReference;
      if (
        frameDistance(first.frameTime, ref.frameTime) <= frameDistance(first.frameTime, frameTime)
      )
        low = mid;
      else high = mid - 1;
    }
    return bbtFrom(refs[low] as TransportReference, frameTime);
  }

  /** The event's BBT as the transport bar shows it, or "—". */
  formatAt(frameTime: number): string {
    const bbt = this.bbtAt(frameTime);
    return bbt ? formatBbt(bbt) : '—';
  }

  clear(): void {
    this.#refs = [];
  }
}
