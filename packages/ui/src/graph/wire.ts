// The path of a connection that cannot simply curve left to right: from a
// client to itself, or to a box beside or above it (stacked boxes). A Bézier
// there would hook back behind the boxes and hide; this route leaves the
// output to the right, runs through the free space below, above or between
// the boxes, and enters the input from the left, so the whole wire shows.
import type { Rect, XY } from './layout';

/** How far a wire runs straight out of a port before it turns. */
export const STUB = 18;
/** How far a wire passes clear of a box it goes around. */
export const CLEARANCE = 16;
const RADIUS = 8;

/** Whether a wire from `s` to `t` (an output's right edge to an input's left edge) needs routing. */
export function needsRoute(s: XY, t: XY): boolean {
  return t.x - s.x < 2 * STUB;
}

function bottom(r: Rect): number {
  return r.y + r.height;
}

/** The height at which the wire crosses over from the source side to the target side. */
function laneY(s: XY, t: XY, from: Rect, to: Rect): number {
  if (to.y >= bottom(from)) return (bottom(from) + to.y) / 2; // target below: the gap between
  if (from.y >= bottom(to)) return (bottom(to) + from.y) / 2; // target above
  // Side by side or the same box: around the nearer of the top and the bottom.
  const top = Math.min(from.y, to.y) - CLEARANCE;
  const under = Math.max(bottom(from), bottom(to)) + CLEARANCE;
  const mid = (s.y + t.y) / 2;
  return mid - top < under - mid ? top : under;
}

/** An SVG path through the points, corners rounded. */
export function roundedPolyline(points: readonly XY[]): string {
  const first = points[0];
  if (!first) return '';
  let d = `M ${first.x} ${first.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1] as XY;
    const c = points[i] as XY;
    const n = points[i + 1] as XY;
    const r = Math.min(
      RADIUS,
      Math.hypot(c.x - p.x, c.y - p.y) / 2,
      Math.hypot(n.x - c.x, n.y - c.y) / 2,
    );
    const toward = (a: XY, b: XY) => {
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      return { x: a.x + ((b.x - a.x) * r) / len, y: a.y + ((b.y - a.y) * r) / len };
    };
    const a = toward(c, p);
    const b = toward(c, n);
    d += ` L ${a.x} ${a.y} Q ${c.x} ${c.y} ${b.x} ${b.y}`;
  }
  const last = points[points.length - 1] as XY;
  return `${d} L ${last.x} ${last.y}`;
}

/** The corners of a routed wire from `s` (on `from`) to `t` (on `to`). */
export function routePoints(s: XY, t: XY, from: Rect, to: Rect): XY[] {
  const out = Math.max(s.x, from.x + from.width) + STUB;
  const into = Math.min(t.x, to.x) - STUB;
  const y = laneY(s, t, from, to);
  return [s, { x: out, y: s.y }, { x: out, y }, { x: into, y }, { x: into, y: t.y }, t];
}

export function routedPath(s: XY, t: XY, from: Rect, to: Rect): string {
  return roundedPolyline(routePoints(s, t, from, to));
}
