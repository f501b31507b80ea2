// The live meter channel: binary meter frames in, meter states out, never
// through the zustand store (see the comment at the top of store/store.ts).
// One channel per store (its link slice holds it). The transport feeds it frames; the page's meter
// subscription tells it which ports a generation's frames carry; canvas
// meters read it in one shared requestAnimationFrame loop.
import { decodeMeterFrame } from '@jackbay/core/meter-frame';
import { fall, type MeterState, silentMeter, take } from './ballistics';

type Listener = () => void;

export class MeterChannel {
  #ports: readonly string[] = [];
  #generation = -1;
  readonly #states = new Map<string, MeterState>();
  readonly #clipListeners = new Set<Listener>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Frames of `generation` carry `ports`, in this order; older frames are dropped. */
  expect(ports: readonly string[], generation: number): void {
    this.#ports = [...ports];
    this.#generation = generation;
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
    let clipChanged = false;
    for (let i = 0; i < this.#ports.length; i++) {
      const port = this.#ports[i] as string;
      const before = this.#states.get(port) ?? silentMeter(now);
      const after = take(
        before,
        {
          peak: values[i * 3] as number,
          rms: values[i * 3 + 1] as number,
          clips: values[i * 3 + 2] as number,
        },
        now,
      );
      if (after.clipped !== before.clipped) clipChanged = true;
      this.#states.set(port, after);
    }
    if (clipChanged) this.#emitClip();
    return true;
  }

  /** What `port`'s meter shows now. */
  state(port: string): MeterState {
    const now = this.#now();
    const state = this.#states.get(port);
    return state ? fall(state, now) : silentMeter(now);
  }

  clipped(port: string): boolean {
    return this.#states.get(port)?.clipped ?? false;
  }

  resetClip(port: string): void {
    const state = this.#states.get(port);
    if (!state?.clipped) return;
    this.#states.set(port, { ...state, clipped: false });
    this.#emitClip();
  }

  /** Calls `listener` when any port's clip indicator lights or is reset. */
  onClip(listener: Listener): () => void {
    this.#clipListeners.add(listener);
    return () => {
      this.#clipListeners.delete(listener);
    };
  }

  /** Forgets every level (the server went away). */
  clear(): void {
    this.#states.clear();
    this.#ports = [];
    this.#generation = -1;
    this.#emitClip();
  }

  #emitClip(): void {
    for (const listener of [...this.#clipListeners]) listener();
  }
}

// ---- One animation loop for every meter on screen

type Draw = (now: number) => void;
const draws = new Set<Draw>();
let frame = 0;

function loop(now: number): void {
  frame = 0;
  for (const draw of draws) draw(now);
  if (draws.size > 0) frame = requestAnimationFrame(loop);
}

/** Calls `draw` on every animation frame until the returned function is called. */
export function onAnimationFrame(draw: Draw): () => void {
  draws.add(draw);
  if (!frame && typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(loop);
  return () => {
    draws.delete(draw);
    if (draws.size === 0 && frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
  };
}
