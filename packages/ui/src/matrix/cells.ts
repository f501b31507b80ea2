// What each cell of the matrix is and does: whether its two ports can be
// connected at all, whether they are, and what a click on it connects. A
// click on the diagonal of a 2×2 block where a stereo pair meets a stereo
// pair stands for both channels (left to left, right to right), like a drag
// between two pairs in the graph.
import type { Graph } from '@jackbay/core/patch';
import { sameType } from '../graph/validate';
import type { Axis, MatrixAxes } from './axes';

export interface Links {
  /** Per row, the columns it is connected to. */
  byRow: Map<number, Set<number>>;
  /** Number of connections drawn. */
  count: number;
}

/** Where the graph's connections fall in the matrix (those between shown ports only). */
export function buildLinks(axes: MatrixAxes, graph: Graph): Links {
  const byRow = new Map<number, Set<number>>();
  let count = 0;
  for (const c of graph.connections.values()) {
    const row = axes.rows.index.get(c.source);
    const col = axes.cols.index.get(c.destination);
    if (row === undefined || col === undefined) continue;
    let set = byRow.get(row);
    if (!set) {
      set = new Set();
      byRow.set(row, set);
    }
    set.add(col);
    count++;
  }
  return { byRow, count };
}

export function isLinked(links: Links, row: number, col: number): boolean {
  return links.byRow.get(row)?.has(col) ?? false;
}

/** Whether the row's output can feed the column's input (audio to audio, MIDI to MIDI). */
export function connectable(axes: MatrixAxes, row: number, col: number): boolean {
  const r = axes.rows.lines[row];
  const c = axes.cols.lines[col];
  return r !== undefined && c !== undefined && sameType(r.port, c.port);
}

function pairPorts(axis: Axis, line: number): string[] | null {
  const at = axis.lines[line]?.pair ?? -1;
  if (at < 0) return null;
  const left = axis.lines[at];
  const right = axis.lines[at + 1];
  return left && right ? [left.port.name, right.port.name] : null;
}

/**
 * Whether the cell lies on the diagonal of a block where an output pair meets
 * an input pair (left-left or right-right): there a click means both channels.
 */
export function onPairDiagonal(axes: MatrixAxes, row: number, col: number): boolean {
  const r = axes.rows.lines[row];
  const c = axes.cols.lines[col];
  if (!r || !c || r.pair < 0 || c.pair < 0) return false;
  return row - r.pair === col - c.pair && connectable(axes, row, col);
}

/**
 * The ends a click (or Space) on a cell connects or disconnects, in the form
 * the store's `toggle` takes: both channels of two pairs on the block's
 * diagonal, otherwise the one output and the one input. `single` (Shift)
 * asks for the one cell even on a pair's diagonal.
 */
export function cellEnds(
  axes: MatrixAxes,
  row: number,
  col: number,
  single = false,
): { from: string[]; to: string[] } | null {
  const r = axes.rows.lines[row];
  const c = axes.cols.lines[col];
  if (!r || !c) return null;
  if (!single && onPairDiagonal(axes, row, col)) {
    const from = pairPorts(axes.rows, row);
    const to = pairPorts(axes.cols, col);
    if (from && to) return { from, to };
  }
  return { from: [r.port.name], to: [c.port.name] };
}
