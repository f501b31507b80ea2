// Layered layout, left to right the way signal flows: sources (boxes with
// only outputs), then processors ordered by their longest path from a
// source, then sinks. Boxes placed automatically never overlap another box.
import type { Graph } from '@jackbay/core/patch';
import type { Box } from './boxes';
import { GAP_X, GAP_Y } from './geometry';

export interface XY {
  x: number;
  y: number;
}
export interface Rect extends XY {
  width: number;
  height: number;
}

/** Boxes closer than this count as touching. */
const MARGIN = 10;

export function intersects(a: Rect, b: Rect, margin = MARGIN): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}

/** Box-to-box links from the connections, each once. */
function boxLinks(boxes: readonly Box[], graph: Graph): Map<string, Set<string>> {
  const boxOf = new Map<string, string>();
  for (const b of boxes)
    for (const row of [...b.inputs, ...b.outputs])
      if (row.kind === 'port') boxOf.set(row.port.name, b.id);
      else {
        boxOf.set(row.left.name, b.id);
        boxOf.set(row.right.name, b.id);
      }
  const next = new Map<string, Set<string>>();
  for (const c of graph.connections.values()) {
    const from = boxOf.get(c.source);
    const to = boxOf.get(c.destination);
    if (from === undefined || to === undefined || from === to) continue;
    let set = next.get(from);
    if (!set) {
      set = new Set();
      next.set(from, set);
    }
    set.add(to);
  }
  return next;
}

/** The layer (column) of every box. Feedback loops are cut where first met. */
export function assignLayers(boxes: readonly Box[], graph: Graph): Map<string, number> {
  return layering(boxes, graph).layers;
}

/** Layers, and each processor's depth (its longest path from a source). */
function layering(
  boxes: readonly Box[],
  graph: Graph,
): { layers: Map<string, number>; depth: Map<string, number> } {
  const links = boxLinks(boxes, graph);
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const processors = boxes.filter((b) => b.role === 'processor');
  const preds = new Map<string, string[]>();
  for (const [from, tos] of links)
    for (const to of tos) {
      if (byId.get(from)?.role !== 'processor' || byId.get(to)?.role !== 'processor') continue;
      preds.set(to, [...(preds.get(to) ?? []), from]);
    }

  const depth = new Map<string, number>();
  const onStack = new Set<string>();
  // Longest path from a source, iteratively (deep chains must not overflow the stack).
  for (const start of processors) {
    if (depth.has(start.id)) continue;
    const stack: Array<{ id: string; i: number }> = [{ id: start.id, i: 0 }];
    onStack.add(start.id);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; i: number };
      const ps = preds.get(top.id) ?? [];
      if (top.i < ps.length) {
        const p = ps[top.i++] as string;
        if (!depth.has(p) && !onStack.has(p)) {
          onStack.add(p);
          stack.push({ id: p, i: 0 });
        }
        continue;
      }
      let d = 1;
      for (const p of ps) {
        const pd = depth.get(p);
        if (pd !== undefined) d = Math.max(d, pd + 1);
      }
      depth.set(top.id, d);
      onStack.delete(top.id);
      stack.pop();
    }
  }
  // A long chain would make a strip far wider than any screen: squeeze the
  // processor layers into about √(1.5 n) columns (at least three), keeping
  // their order; a short chain keeps one column per step.
  let deepest = 1;
  for (const d of depth.values()) deepest = Math.max(deepest, d);
  const budget = Math.max(3, Math.round(Math.sqrt(1.5 * processors.length)));
  const columns = Math.max(1, Math.min(deepest, budget));
  const column = (d: number) => 1 + Math.floor(((d - 1) * columns) / deepest);
  const last = processors.length > 0 ? columns + 1 : 1;
  const layers = new Map<string, number>();
  for (const b of boxes)
    layers.set(
      b.id,
      b.role === 'source' ? 0 : b.role === 'sink' ? last : column(depth.get(b.id) ?? 1),
    );
  return { layers, depth };
}

/** The x of each layer: every column as wide as its widest box. */
function columnXs(boxes: readonly Box[], layers: ReadonlyMap<string, number>): number[] {
  const widths: number[] = [];
  for (const b of boxes) {
    const l = layers.get(b.id) ?? 0;
    widths[l] = Math.max(widths[l] ?? 0, b.width);
  }
  const xs: number[] = [];
  let x = 0;
  for (let l = 0; l < widths.length; l++) {
    xs[l] = x;
    x += (widths[l] ?? 0) + (widths[l] === undefined ? 0 : GAP_X);
  }
  return xs;
}

/**
 * A full arrangement: each layer a column, boxes stacked top-down. Within a
 * column a chain runs downwards (a processor below what feeds it), and boxes
 * sit near the average height of what feeds them (fewer crossings).
 */
export function arrange(boxes: readonly Box[], graph: Graph): Map<string, XY> {
  const { layers, depth } = layering(boxes, graph);
  const xs = columnXs(boxes, layers);
  const links = boxLinks(boxes, graph);
  const feeders = new Map<string, string[]>();
  for (const [from, tos] of links)
    for (const to of tos) feeders.set(to, [...(feeders.get(to) ?? []), from]);

  const columns: Box[][] = [];
  for (const b of boxes) {
    const l = layers.get(b.id) ?? 0;
    columns[l] ??= [];
    columns[l].push(b);
  }
  const out = new Map<string, XY>();
  const centre = new Map<string, number>();
  const heights: number[] = [];
  for (let l = 0; l < columns.length; l++) {
    const column = columns[l];
    if (!column) continue;
    const keyed = column.map((b, order) => {
      const ys = (feeders.get(b.id) ?? []).flatMap((f) => {
        const c = centre.get(f);
        return c === undefined ? [] : [c];
      });
      const empty = b.inputs.length === 0 && b.outputs.length === 0;
      // Hardware first in the first column; boxes without ports last.
      const key =
        ys.length > 0 ? ys.reduce((s, y) => s + y, 0) / ys.length : Number.POSITIVE_INFINITY;
      return { b, order, key, rank: empty ? 2 : b.physical ? 0 : 1, d: depth.get(b.id) ?? 0 };
    });
    keyed.sort((p, q) => p.rank - q.rank || p.d - q.d || p.key - q.key || p.order - q.order);
    let y = 0;
    for (const { b } of keyed) {
      out.set(b.id, { x: xs[l] ?? 0, y });
      centre.set(b.id, y + b.height / 2);
      y += b.height + GAP_Y;
    }
    heights[l] = y - GAP_Y;
  }
  // Columns centred on the tallest one read as one picture, not a staircase.
  const tallest = Math.max(0, ...heights.filter((h) => h !== undefined));
  for (const b of boxes) {
    const at = out.get(b.id);
    const shift = (tallest - (heights[layers.get(b.id) ?? 0] ?? tallest)) / 2;
    if (at) out.set(b.id, { x: at.x, y: Math.round(at.y + shift) });
  }
  return out;
}

/** The first y at or below `fromY` where a box of this size at `x` touches nothing. */
export function freeSpot(
  x: number,
  width: number,
  height: number,
  fromY: number,
  taken: readonly Rect[],
): number {
  const band = taken.filter((r) => x < r.x + r.width + MARGIN && r.x < x + width + MARGIN);
  const candidates = [fromY, ...band.map((r) => r.y + r.height + GAP_Y).filter((y) => y > fromY)];
  candidates.sort((a, b) => a - b);
  for (const y of candidates) {
    const rect = { x, y, width, height };
    if (!band.some((r) => intersects(rect, r))) return y;
  }
  // Unreachable: the lowest candidate lies below every box in the band.
  return candidates[candidates.length - 1] ?? fromY;
}

/**
 * Positions for every box, disturbing as little as possible: a box a person
 * placed stays exactly where it was put; a box already on screen stays put
 * unless something now covers it (it grew, or a box was dropped on it), then
 * it moves down to the nearest free spot; a new box goes to its layer's
 * column at the first free spot from the top.
 */
export function place(
  boxes: readonly Box[],
  graph: Graph,
  current: ReadonlyMap<string, XY>,
  pinned: ReadonlyMap<string, XY>,
): Map<string, XY> {
  const out = new Map<string, XY>();
  const taken: Rect[] = [];
  const accept = (b: Box, at: XY) => {
    out.set(b.id, at);
    taken.push({ ...at, width: b.width, height: b.height });
  };
  const rest: Box[] = [];
  for (const b of boxes) {
    const p = pinned.get(b.id);
    if (p) accept(b, p);
    else rest.push(b);
  }
  const fresh: Box[] = [];
  for (const b of rest) {
    const at = current.get(b.id);
    if (!at) {
      fresh.push(b);
      continue;
    }
    accept(b, { x: at.x, y: freeSpot(at.x, b.width, b.height, at.y, taken) });
  }
  if (fresh.length > 0) {
    const layers = assignLayers(boxes, graph);
    const xs = columnXs(boxes, layers);
    for (const b of fresh) {
      const x = xs[layers.get(b.id) ?? 0] ?? 0;
      accept(b, { x, y: freeSpot(x, b.width, b.height, 0, taken) });
    }
  }
  return out;
}
