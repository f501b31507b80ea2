// The live meter channel: binary meter frames in, meter states out, never
// through the zustand store (see the comment at the top of store/store.ts).
// One channel per store (its link slice holds it). The transport feeds it frames; the page's meter
// subscription tells it which ports a generation's frames carry; canvas
// meters read it in one shared requestAnimationFrame loop.
import { decodeMeterFrame, NOT_METERED } from '@jackbay/core/meter-frame';
import { fall, METER_FLOOR_DB, type MeterState, silentMeter, take } from './ballistics';

type Listener = () => void;

export class MeterChannel {
  #ports: readonly string[] = [];
  #generation = -1;
  readonly #states = new Map<string, MeterState>();
  // The highest levels measured per port since a readout last took them.
  readonly #recent = new Map<string, { peak: number; rms: number }>();
  // Ports the service has no meter on: the server refused it a probe port.
  #notMetered = new Set<string>();
  readonly #markListeners = new Set<Listener>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Frames of `generation` carry `ports`, in this order; older frames are dropped. */
  expect(ports: readonly string[], generation: number): void {
    this.#ports = [...ports];
    this.#generation = generation;
    // Marks of ports no longer asked for go now: an empty set gets no frames
    // that would clear them.
    const kept = new Set(ports);
    const notMetered = new Set([...this.#notMetered].filter((port) => kept.has(port)));
    if (notMetered.size !== this.#notMetered.size) {
      this.#notMetered = notMetered;
      this.#emitMarks();
    }
  }

  /** The ports frames currently carry. */
  get ports(): readonly string[] {
    return this.#ports;
  }

  /** Takes one binary frame from the transport; false when it was dropped. */
  feed(data: ArrayBuffer | ArrayBufferView): boolean {
    const frame = decodeMeterFrame(data);
    if (!frame || frame.generation !== this.#generation) return false;
    const { values } = frame;
    if (values.length !== this.#ports.length * 3) return false;
    const now = this.#now();
    let marksChanged = false;
    const notMetered = new Set<string>();
    for (let i = 0; i < this.#ports.length; i++) {
      const port = this.#ports[i] as string;
      if (values[i * 3 + 2] === NOT_METERED) {
        notMetered.add(port);
        continue;
      }
      const before = this.#states.get(port) ?? silentMeter(now);
      const peak = values[i * 3] as number;
      const rms = values[i * 3 + 1] as number;
      const after = take(before, { peak, rms, clips: values[i * 3 + 2] as number }, now);
      const recent = this.#recent.get(port);
      if (recent) {
        recent.peak = Math.max(recent.peak, peak);
        recent.rms = Math.max(recent.rms, rms);
      } else this.#recent.set(port, { peak, rms });
      if (after.clipped !== before.clipped) marksChanged = true;
      this.#states.set(port, after);
    }
    if (!sameSet(notMetered, this.#notMetered)) {
      this.#notMetered = notMetered;
      marksChanged = true;
    }
    if (marksChanged) this.#emitMarks();
    // Silence that is drawn already needs no animation frames.
    for (let i = 0; i < values.length; i += 3)
      if ((values[i] as number) > METER_FLOOR_DB) {
        wakeAnimation();
        break;
      }
    return true;
  }

  /** What `port`'s meter shows now. */
  state(port: string): MeterState {
    const now = this.#now();
    const state = this.#states.get(port);
    return state ? fall(state, now) : silentMeter(now);
  }

  /**
   * The highest peak and RMS measured for `port` since the last call, as the
   * service measured them (no release): what a readout states. Null when no
   * frame came since.
   */
  takeRecent(port: string): { peak: number; rms: number } | null {
    const recent = this.#recent.get(port) ?? null;
    this.#recent.delete(port);
    return recent;
  }

  clipped(port: string): boolean {
    return this.#states.get(port)?.clipped ?? false;
  }

  resetClip(port: string): void {
    const state = this.#states.get(port);
    if (!state?.clipped) return;
    this.#states.set(port, { ...state, clipped: false });
    this.#emitMarks();
  }

  /** Whether the service has no meter on `port` (the server refused it a probe port). */
  notMetered(port: string): boolean {
    return this.#notMetered.has(port);
  }

  /** How many of the ports frames carry have no meter. */
  get notMeteredCount(): number {
    return this.#notMetered.size;
  }

  /**
   * Calls `listener` when any port's clip indicator lights or is reset, or
   * the set of ports without a meter changes.
   */
  onMarks(listener: Listener): () => void {
    this.#markListeners.add(listener);
    return () => {
      this.#markListeners.delete(listener);
    };
  }

  /** Forgets every level (the server went away). */
  clear(): void {
    this.#states.clear();
    this.#recent.clear();
    this.#notMetered = new Set();
    this.#ports = [];
    this.#generation = -1;
    this.#emitMarks();
  }

  #emitMarks(): void {
    for (const listener of [...this.#markListeners]) listener();
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

// ---- One animation loop for every meter on screen. It sleeps while every
// meter shows silence it has drawn already, and wakes on a frame with sound.

/** Draws one meter; true while it still moves (or has not drawn its last state). */
type Draw = (now: number) => boolean;
const draws = new Set<Draw>();
let frame = 0;

function loop(now: number): void {
  frame = 0;
  let moving = false;
  for (const draw of draws) if (draw(now)) moving = true;
  if (moving) frame = requestAnimationFrame(loop);
}

/** Runs the loop (again) if it sleeps. */
export function wakeAnimation(): void {
  if (!frame && draws.size > 0 && typeof requestAnimationFrame === 'function')
    frame = requestAnimationFrame(loop);
}

/** Calls `draw` on animation frames until the returned function is called. */
export function onAnimationFrame(draw: Draw): () => void {
  draws.add(draw);
  wakeAnimation();
  return () => {
    draws.delete(draw);
    if (draws.size === 0 && frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
  };
}
