// @vitest-environment jsdom
// A box's meter layer: one canvas for every meter of the box, each bar drawn
// in its meter element's place, only when it moved by a pixel; the ARIA
// values on each meter's own element.
import { newMeterFrame } from '@jackbay/core/meter-frame';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeterLayer } from '../src/components/meterLayer';
import { MeterChannel } from '../src/live/meters';

interface Drawn {
  fills: Array<[number, number, number, number]>;
  clears: Array<[number, number, number, number]>;
}

let frames = new Map<number, FrameRequestCallback>();
let frameIds = 0;
let time = 1000;

/** Runs the animation frames queued now, as the browser would on its next frame. */
function nextFrame(): void {
  const queued = [...frames.values()];
  frames.clear();
  for (const callback of queued) callback(time);
}

function rect(left: number, top: number, width: number, height: number): () => DOMRect {
  return () => ({ left, top, width, height, right: left + width, bottom: top + height }) as DOMRect;
}

/** A box body 200 × 40 at (100, 50) holding two meters 100 px wide, and a recording canvas. */
function box() {
  const drawn: Drawn = { fills: [], clears: [] };
  const context = {
    fillStyle: '',
    fillRect: (...r: [number, number, number, number]) => void drawn.fills.push(r),
    clearRect: (...r: [number, number, number, number]) => void drawn.clears.push(r),
  };
  const body = document.createElement('div');
  Object.defineProperties(body, {
    offsetWidth: { value: 200 },
    offsetHeight: { value: 40 },
  });
  body.getBoundingClientRect = rect(100, 50, 200, 40);
  const canvas = document.createElement('canvas');
  const getContext = vi.fn(() => context);
  canvas.getContext = getContext as never;
  body.append(canvas);
  const meter = (top: number) => {
    const el = document.createElement('span');
    el.getBoundingClientRect = rect(110, 50 + top, 100, 3);
    body.append(el);
    return el;
  };
  return { body, canvas, getContext, drawn, a: meter(16), b: meter(36) };
}

function feed(meters: MeterChannel, generation: number, levels: number[][]): void {
  const frame = newMeterFrame(generation, levels.length);
  frame.values.set(levels.flat());
  meters.feed(frame.bytes);
}

beforeEach(() => {
  frames = new Map();
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    frames.set(++frameIds, callback);
    return frameIds;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
  vi.stubGlobal('devicePixelRatio', 1);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the meter layer of a box', () => {
  it('draws each meter where its element sits, and only the bars that moved', () => {
    const meters = new MeterChannel(() => time);
    const layer = new MeterLayer(meters, () => {
      throw new Error('it has its canvas');
    });
    const { canvas, getContext, drawn, a, b } = box();
    const stop = layer.start();
    const detach = layer.attach(canvas);
    layer.add('c:a', a);
    layer.add('c:b', b);
    meters.expect(['c:a', 'c:b'], 1);
    nextFrame();
    // Silence on a blank canvas: nothing to draw, no context taken.
    expect(getContext).not.toHaveBeenCalled();
    expect(canvas.width).toBe(200);
    expect(canvas.height).toBe(40);

    // The ARIA values are rewritten a few times a second.
    time += 300;
    feed(meters, 1, [
      [-6, -9, 0],
      [-120, -120, 0],
    ]);
    nextFrame();
    expect(getContext).toHaveBeenCalledTimes(1);
    // Meter a's place only: x 10, y 16, 100 × 3; nothing at meter b's row.
    expect(drawn.clears).toEqual([[10, 16, 100, 3]]);
    expect(drawn.fills.length).toBeGreaterThan(0);
    for (const [x, y, w, h] of drawn.fills) {
      expect(y).toBe(16);
      expect(h).toBe(3);
      expect(x).toBeGreaterThanOrEqual(10);
      expect(x + w).toBeLessThanOrEqual(110);
    }
    expect(a.getAttribute('aria-valuenow')).toBe('-6.0');
    expect(a.getAttribute('aria-valuetext')).toBe('peak -6.0 dBFS, RMS -9.0 dBFS');
    expect(b.getAttribute('aria-valuenow')).toBe('-120.0');

    // The same levels a moment later: the bars have not moved by a pixel.
    drawn.fills.length = 0;
    drawn.clears.length = 0;
    time += 1;
    feed(meters, 1, [
      [-6, -9, 0],
      [-120, -120, 0],
    ]);
    nextFrame();
    expect(drawn.fills).toEqual([]);
    expect(drawn.clears).toEqual([]);

    // A box that goes leaves the animation loop.
    detach();
    stop();
    expect(frames.size).toBe(0);
  });

  it('asks for its canvas at the first bar to draw, and sleeps while all is silent', () => {
    const meters = new MeterChannel(() => time);
    let asked = 0;
    const layer = new MeterLayer(meters, () => void asked++);
    const { canvas, getContext, drawn, a } = box();
    const stop = layer.start();
    layer.add('c:a', a);
    nextFrame();
    expect(frames.size).toBe(0);
    expect(asked).toBe(0);
    // A frame with sound wakes it; the readout needs no canvas, the bar does.
    meters.expect(['c:a'], 2);
    time += 300;
    feed(meters, 2, [[-20, -23, 0]]);
    expect(frames.size).toBe(1);
    nextFrame();
    expect(a.getAttribute('aria-valuenow')).toBe('-20.0');
    nextFrame();
    expect(asked).toBe(1);
    expect(getContext).not.toHaveBeenCalled();
    // The canvas came: the bar is drawn on it.
    const detach = layer.attach(canvas);
    nextFrame();
    expect(getContext).toHaveBeenCalledTimes(1);
    expect(drawn.fills.length).toBeGreaterThan(0);
    detach();
    stop();
  });
});
