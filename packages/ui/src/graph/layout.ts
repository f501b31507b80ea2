// Layered layout, left to right the way signal flows: sources (boxes with
// only outputs), then processors ordered by their longest path from a
// source, then sinks, shaped to fill a screen. Boxes placed automatically
// never overlap another box.

import type { Graph } from '@jackbay/core/patch';
import type { Box } from './boxes';
import { FIT_MAX_ZOOM, GAP_X, GAP_Y } from './geometry';

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
  const d = depths(boxes, graph);
  return layersIn(boxes, d, defaultColumns(d));
}

interface Depths {
  /** Each processor's longest path from a source. */
  depth: Map<string, number>;
  deepest: number;
  processors: number;
}

function depths(boxes: readonly Box[], graph: Graph): Depths {
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
  let deepest = 1;
  for (const d of depth.values()) deepest = Math.max(deepest, d);
  return { depth, deepest, processors: processors.length };
}

// A long chain would make a strip far wider than any screen: at most about
// √(1.5 n) processor columns (at least three); a short chain keeps one column
// per step.
function defaultColumns({ deepest, processors }: Depths): number {
  const budget = Math.max(3, Math.round(Math.sqrt(1.5 * processors)));
  return Math.max(1, Math.min(deepest, budget));
}

/** Sources in layer 0, processors squeezed into `columns` layers keeping their order, sinks last. */
function layersIn(boxes: readonly Box[], d: Depths, columns: number): Map<string, number> {
  const column = (depth: number) => 1 + Math.floor(((depth - 1) * columns) / d.deepest);
  const last = d.processors > 0 ? columns + 1 : 1;
  const layers = new Map<string, number>();
  for (const b of boxes)
    layers.set(
      b.id,
      b.role === 'source' ? 0 : b.role === 'sink' ? last : column(d.depth.get(b.id) ?? 1),
    );
  return layers;
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

export interface View {
  width: number;
  height: number;
}

/**
 * The graph pane a full arrangement is shaped for when the real one is not
 * known: a laptop's window, wider than tall.
 */
export const TYPICAL_VIEW: View = { width: 1360, height: 780 };

/** The zoom at which a graph of this size fills the view, up to the fit's limit. */
function fitZoom(width: number, height: number, view: View): number {
  return Math.min(FIT_MAX_ZOOM, view.width / Math.max(1, width), view.height / Math.max(1, height));
}

/** Splits boxes, in order, into `k` runs of about equal height. */
function split(column: readonly Box[], k: number): Box[][] {
  const total = column.reduce((h, b) => h + b.height + GAP_Y, 0);
  const runs: Box[][] = [[]];
  let height = 0;
  for (const b of column) {
    const run = runs[runs.length - 1] as Box[];
    if (run.length > 0 && runs.length < k && height + b.height / 2 > total / k) {
      runs.push([b]);
      height = b.height + GAP_Y;
    } else {
      run.push(b);
      height += b.height + GAP_Y;
    }
  }
  return runs;
}

function runHeight(run: readonly Box[]): number {
  return run.reduce((h, b) => h + b.height + GAP_Y, 0) - GAP_Y;
}

/**
 * Each layer's boxes in top-down order. Within a column a chain runs
 * downwards (a processor below what feeds it), and boxes sit near the
 * average height of what feeds them (fewer crossings).
 */
function ordered(
  boxes: readonly Box[],
  graph: Graph,
  layers: ReadonlyMap<string, number>,
  depth: ReadonlyMap<string, number>,
): Box[][] {
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
  const centre = new Map<string, number>();
  const out: Box[][] = [];
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
      centre.set(b.id, y + b.height / 2);
      y += b.height + GAP_Y;
    }
    out.push(keyed.map((k) => k.b));
  }
  return out;
}

/**
 * Columns of boxes, a layer that is too tall for the view wrapped into
 * several side by side, as long as that lets the whole graph be shown larger.
 */
function wrapColumns(layers: readonly Box[][], view: View): Box[][] {
  const runs = layers.map((column) => [column]);
  const size = () => {
    let width = -GAP_X;
    let height = 0;
    for (const layer of runs) {
      const w = Math.max(0, ...layer.flat().map((b) => b.width));
      width += layer.length * (w + GAP_X);
      for (const run of layer) height = Math.max(height, runHeight(run));
    }
    return fitZoom(width, height, view);
  };
  let zoom = size();
  for (;;) {
    // The layer with the tallest run, if it can be wrapped once more.
    let tallest = -1;
    let height = 0;
    runs.forEach((layer, l) => {
      const h = Math.max(...layer.map(runHeight));
      if (h > height && layer.length < (layers[l]?.length ?? 0)) {
        height = h;
        tallest = l;
      }
    });
    const layer = layers[tallest];
    const before = runs[tallest];
    if (!layer || !before) return runs.flat();
    runs[tallest] = split(layer, before.length + 1);
    const wrapped = size();
    if (wrapped <= zoom) {
      runs[tallest] = before;
      return runs.flat();
    }
    zoom = wrapped;
  }
}

/** Positions for columns of boxes, each column centred on the tallest. */
function stack(columns: readonly Box[][]): { at: Map<string, XY>; width: number; height: number } {
  const at = new Map<string, XY>();
  const tallest = Math.max(0, ...columns.map(runHeight));
  let x = 0;
  for (const column of columns) {
    let y = Math.round((tallest - runHeight(column)) / 2);
    for (const b of column) {
      at.set(b.id, { x, y });
      y += b.height + GAP_Y;
    }
    x += Math.max(0, ...column.map((b) => b.width)) + GAP_X;
  }
  return { at, width: x - GAP_X, height: tallest };
}

/**
 * A full arrangement: sources left, sinks right, processors between in as
 * many columns as make the whole graph largest at Fit in `view` (a chain
 * squeezed into fewer columns runs downwards), tall columns wrapped.
 */
export function arrange(
  boxes: readonly Box[],
  graph: Graph,
  view: View = TYPICAL_VIEW,
): Map<string, XY> {
  const d = depths(boxes, graph);
  let best: { at: Map<string, XY>; zoom: number } | null = null;
  // From the most columns down: with equal zoom, more columns read more like signal flow.
  for (let columns = defaultColumns(d); columns >= 1; columns--) {
    const layers = layersIn(boxes, d, columns);
    const laid = stack(wrapColumns(ordered(boxes, graph, layers, d.depth), view));
    const zoom = fitZoom(laid.width, laid.height, view);
    if (!best || zoom > best.zoom + 1e-3) best = { at: laid.at, zoom };
  }
  return best?.at ?? new Map();
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
