// One canvas per box for every graph meter in it. A canvas per meter cost
// the renderer a layer of its own to paint and composite on every frame
// (256 of them missed the frame budget); one per box draws only the bars
// that moved by a pixel. Each meter keeps its own element (role="meter",
// its ARIA values, the track's background): the layer reads where that
// element sits in the box and draws its bar there.
import {
  describeLevel,
  METER_FLOOR_DB,
  RED_DB,
  SCALE_MAX_DB,
  scalePosition,
  YELLOW_DB,
  type Zone,
  zoneOf,
} from '../live/ballistics';
import { type MeterChannel, onAnimationFrame, wakeAnimation } from '../live/meters';

/** How often the ARIA values are rewritten: often enough to read, not a stream of DOM writes. */
const ARIA_MS = 300;
const COLOURS = { green: '#3fb950', yellow: '#d29922', red: '#f85149' } as const;
const DIM = { green: '#1f5b2a', yellow: '#5e4613', red: '#6b2623' } as const;
const SILENT_NOW = METER_FLOOR_DB.toFixed(1);

interface Slot {
  port: string;
  element: HTMLElement;
  /** The element's rectangle on the canvas, in canvas pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** What is drawn there: the bars' ends in pixels (0: nothing). */
  drawn: { peak: number; rms: number; hold: number };
  /** The ARIA value written last, and when. */
  ariaAt: number;
  ariaNow: string;
}

/** Where a bar of `db` ends on a meter `width` pixels wide. */
function barEnd(db: number, width: number): number {
  return db > METER_FLOOR_DB ? Math.round(scalePosition(db) * width) : 0;
}

function drawBar(
  ctx: CanvasRenderingContext2D,
  slot: Slot,
  end: number,
  colours: Record<Zone, string>,
): void {
  const yellowAt = Math.round(scalePosition(YELLOW_DB) * slot.w);
  const redAt = Math.round(scalePosition(RED_DB) * slot.w);
  const segments: Array<[number, number, string]> = [
    [0, yellowAt, colours.green],
    [yellowAt, redAt, colours.yellow],
    [redAt, slot.w, colours.red],
  ];
  for (const [from, to, colour] of segments) {
    if (end <= from) break;
    ctx.fillStyle = colour;
    ctx.fillRect(slot.x + from, slot.y, Math.min(end, to) - from, slot.h);
  }
}

export class MeterLayer {
  readonly #meters: MeterChannel;
  readonly #needCanvas: () => void;
  readonly #slots = new Set<Slot>();
  // Asked for on the first bar to draw, not before: a box whose meters stay
  // silent (or are not fed: beyond what the service meters) has no canvas.
  #canvas: HTMLCanvasElement | null = null;
  #askedForCanvas = false;
  #ctx: CanvasRenderingContext2D | null | undefined;
  /** Where the meters sit must be read again (a meter came or went, the box resized). */
  #stale = true;

  /** `needCanvas` is called once, when a bar is to be drawn and no canvas is attached. */
  constructor(meters: MeterChannel, needCanvas: () => void) {
    this.#meters = meters;
    this.#needCanvas = needCanvas;
  }

  /** Follows the meters (ARIA values, bars) on animation frames until the returned function is called. */
  start(): () => void {
    return onAnimationFrame((now) => this.#draw(now));
  }

  /** Draws on `canvas` (laid over the box's body) until the returned function is called. */
  attach(canvas: HTMLCanvasElement): () => void {
    this.#canvas = canvas;
    this.#ctx = undefined;
    this.#stale = true;
    const body = canvas.parentElement;
    const resized =
      body && typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => {
            this.#stale = true;
          })
        : null;
    if (body) resized?.observe(body);
    wakeAnimation();
    return () => {
      resized?.disconnect();
      this.#canvas = null;
    };
  }

  /** The box's rows may have moved: where each meter sits is read again before the next bars. */
  invalidate(): void {
    this.#stale = true;
  }

  /** Meters `port` on `element` until the returned function is called. */
  add(port: string, element: HTMLElement): () => void {
    const slot: Slot = {
      port,
      element,
      x: 0,
      y: 0,
      w: 0,
      h: 0,
      drawn: { peak: 0, rms: 0, hold: 0 },
      ariaAt: Number.NEGATIVE_INFINITY,
      ariaNow: '',
    };
    this.#slots.add(slot);
    this.#stale = true;
    return () => {
      this.#slots.delete(slot);
      this.#stale = true;
    };
  }

  /** Reads where each meter sits; sizes the canvas to the body (clearing it). */
  #layout(canvas: HTMLCanvasElement): void {
    this.#stale = false;
    const body = canvas.parentElement;
    if (!body) return;
    const box = body.getBoundingClientRect();
    // The view's zoom scales the rectangles; the canvas is sized in CSS pixels of the box.
    const zoom = body.offsetWidth > 0 ? box.width / body.offsetWidth : 1;
    const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
    const width = Math.round(body.offsetWidth * ratio);
    const height = Math.round(body.offsetHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      // Resizing clears the canvas.
      canvas.width = width;
      canvas.height = height;
    } else this.#ctx?.clearRect(0, 0, width, height);
    const scale = zoom > 0 ? ratio / zoom : ratio;
    for (const slot of this.#slots) {
      const r = slot.element.getBoundingClientRect();
      slot.x = Math.round((r.left - box.left) * scale);
      slot.y = Math.round((r.top - box.top) * scale);
      slot.w = Math.round(r.width * scale);
      slot.h = Math.max(1, Math.round(r.height * scale));
      // The canvas is blank now.
      slot.drawn = { peak: 0, rms: 0, hold: 0 };
    }
  }

  /** One animation frame: ARIA values every ARIA_MS, bars that moved. True while any moves. */
  #draw(now: number): boolean {
    const canvas = this.#canvas;
    if (canvas && this.#stale) this.#layout(canvas);
    let moving = false;
    for (const slot of this.#slots) {
      const state = this.#meters.state(slot.port);
      const silent = state.peak <= METER_FLOOR_DB && state.hold <= METER_FLOOR_DB;
      if (now - slot.ariaAt >= ARIA_MS || (silent && slot.ariaNow !== SILENT_NOW)) {
        slot.ariaAt = now;
        // The readout states what was measured since the last one, not the falling bar.
        const level = this.#meters.takeRecent(slot.port) ?? state;
        const peak = Math.min(SCALE_MAX_DB, Math.max(METER_FLOOR_DB, level.peak)).toFixed(1);
        // Unchanged values are not written: no style work for a still meter.
        if (peak !== slot.ariaNow) {
          slot.ariaNow = peak;
          slot.element.setAttribute('aria-valuenow', peak);
          slot.element.setAttribute('aria-valuetext', describeLevel(level));
        }
      }
      if (!(silent && slot.ariaNow === SILENT_NOW)) moving = true;
      if (!canvas) {
        // A bar to draw: drawn once the canvas is there (a frame or two later).
        if (!silent && !this.#askedForCanvas) {
          this.#askedForCanvas = true;
          this.#needCanvas();
        }
        continue;
      }
      // Only what changed by a pixel is drawn again.
      const peak = barEnd(state.peak, slot.w);
      const rms = barEnd(state.rms, slot.w);
      const hold = barEnd(state.hold, slot.w);
      const { drawn } = slot;
      if ((drawn.peak === peak && drawn.rms === rms && drawn.hold === hold) || slot.w === 0)
        continue;
      if (this.#ctx === undefined) this.#ctx = canvas.getContext('2d');
      const ctx = this.#ctx;
      if (!ctx) continue;
      drawn.peak = peak;
      drawn.rms = rms;
      drawn.hold = hold;
      ctx.clearRect(slot.x, slot.y, slot.w, slot.h);
      drawBar(ctx, slot, peak, DIM);
      drawBar(ctx, slot, rms, COLOURS);
      if (hold > 0) {
        const tick = Math.max(1, Math.round(slot.h * 0.67));
        ctx.fillStyle = COLOURS[zoneOf(state.hold)];
        ctx.fillRect(slot.x + Math.min(slot.w - tick, hold), slot.y, tick, slot.h);
      }
    }
    return moving;
  }
}
