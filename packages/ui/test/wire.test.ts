// Wires that cannot curve left to right are routed around the boxes, in
// the open, never behind a box.
import { describe, expect, it } from 'vitest';
import type { Rect, XY } from '../src/graph/layout';
import { needsRoute, routePoints } from '../src/graph/wire';

function inside(p: XY, r: Rect): boolean {
  return p.x > r.x && p.x < r.x + r.width && p.y > r.y && p.y < r.y + r.height;
}

/** Points along the polyline, every few pixels. */
function along(points: readonly XY[]): XY[] {
  const out: XY[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as XY;
    const b = points[i] as XY;
    const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 4));
    for (let k = 0; k <= n; k++)
      out.push({ x: a.x + ((b.x - a.x) * k) / n, y: a.y + ((b.y - a.y) * k) / n });
  }
  return out;
}

describe('wire routes', () => {
  it('leaves a forward wire to the Bézier', () => {
    expect(needsRoute({ x: 100, y: 10 }, { x: 300, y: 80 })).toBe(false);
  });

  it('takes a connection from a client to itself around the box', () => {
    const box = { x: 0, y: 0, width: 200, height: 120 };
    const s = { x: 200, y: 60 }; // an output, on the right edge
    const t = { x: 0, y: 90 }; // an input, on the left edge
    expect(needsRoute(s, t)).toBe(true);
    const points = routePoints(s, t, box, box);
    expect(along(points).filter((p) => inside(p, box))).toEqual([]);
    const ys = points.map((p) => p.y);
    expect(Math.max(...ys) > box.height || Math.min(...ys) < 0).toBe(true);
  });

  it('runs between stacked boxes, through the gap', () => {
    const upper = { x: 0, y: 0, width: 200, height: 100 };
    const lower = { x: 0, y: 140, width: 200, height: 100 };
    const s = { x: 200, y: 50 };
    const t = { x: 0, y: 190 };
    const points = routePoints(s, t, upper, lower);
    const path = along(points);
    expect(path.filter((p) => inside(p, upper) || inside(p, lower))).toEqual([]);
    expect(points.some((p) => p.y > 100 && p.y < 140)).toBe(true);
  });

  it('goes around boxes side by side, the target left of the source', () => {
    const right = { x: 400, y: 0, width: 200, height: 100 };
    const left = { x: 0, y: 30, width: 200, height: 100 };
    const s = { x: 600, y: 50 };
    const t = { x: 0, y: 80 };
    const path = along(routePoints(s, t, right, left));
    expect(path.filter((p) => inside(p, right) || inside(p, left))).toEqual([]);
  });
});
