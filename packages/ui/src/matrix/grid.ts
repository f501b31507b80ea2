// The matrix's geometry: one size for every cell, headers above and to the
// left, and which lines a scrolled view shows. Only those are drawn, so a
// 2,000 × 2,000 matrix costs what its visible window costs.

/** Width and height of a cell (px). */
export const CELL = 20;
/** The column headers: a band with the client names over the rotated port names. */
export const GROUP_BAND = 22;
export const COL_LABELS = 120;
export const COL_HEAD = GROUP_BAND + COL_LABELS;
/** Lines drawn beyond the edges, so a small scroll needs no new labels. */
export const OVERSCAN = 2;

/** The row headers: client names, then port names; narrower in a small window. */
export function rowHead(viewWidth: number): { groups: number; labels: number; width: number } {
  const groups = viewWidth < 900 ? 96 : 130;
  const labels = viewWidth < 900 ? 124 : 160;
  return { groups, labels, width: groups + labels };
}

export interface Span {
  /** First line drawn. */
  start: number;
  /** One past the last line drawn. */
  end: number;
}

/**
 * The lines of one axis that a view of `size` px scrolled to `scroll` px (of
 * the cells, headers excluded) shows, with `overscan` more on each side.
 */
export function visibleSpan(
  scroll: number,
  size: number,
  count: number,
  overscan = OVERSCAN,
  cell = CELL,
): Span {
  if (count <= 0 || size <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scroll) / cell);
  const last = Math.ceil((Math.max(0, scroll) + size) / cell);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
}

export interface Window {
  rows: Span;
  cols: Span;
}

/** The rows and columns drawn in a view: `width` × `height` of cells scrolled by `left`, `top`. */
export function visibleWindow(
  view: { left: number; top: number; width: number; height: number },
  rows: number,
  cols: number,
  overscan = OVERSCAN,
): Window {
  return {
    rows: visibleSpan(view.top, view.height, rows, overscan),
    cols: visibleSpan(view.left, view.width, cols, overscan),
  };
}

/**
 * Where to scroll one axis so `line` is wholly in a view of `size` px of cells
 * now scrolled to `scroll`: unchanged when it already is.
 */
export function scrollToShow(line: number, scroll: number, size: number, cell = CELL): number {
  const from = line * cell;
  const to = from + cell;
  if (from < scroll) return from;
  if (to > scroll + size) return Math.max(0, to - size);
  return scroll;
}

export interface Focus {
  row: number;
  col: number;
}

/**
 * Where a key moves the focused cell: arrows by one, Page Up/Down by a page
 * of rows, Home/End to the first/last column (with Ctrl: the first/last cell).
 * Null for any other key.
 */
export function moveFocus(
  focus: Focus,
  key: string,
  ctrl: boolean,
  rows: number,
  cols: number,
  pageRows: number,
): Focus | null {
  const clamp = (f: Focus): Focus => ({
    row: Math.min(Math.max(f.row, 0), rows - 1),
    col: Math.min(Math.max(f.col, 0), cols - 1),
  });
  switch (key) {
    case 'ArrowUp':
      return clamp({ ...focus, row: focus.row - 1 });
    case 'ArrowDown':
      return clamp({ ...focus, row: focus.row + 1 });
    case 'ArrowLeft':
      return clamp({ ...focus, col: focus.col - 1 });
    case 'ArrowRight':
      return clamp({ ...focus, col: focus.col + 1 });
    case 'PageUp':
      return clamp({ ...focus, row: focus.row - Math.max(1, pageRows) });
    case 'PageDown':
      return clamp({ ...focus, row: focus.row + Math.max(1, pageRows) });
    case 'Home':
      return clamp(ctrl ? { row: 0, col: 0 } : { ...focus, col: 0 });
    case 'End':
      return clamp(ctrl ? { row: rows - 1, col: cols - 1 } : { ...focus, col: cols - 1 });
    default:
      return null;
  }
}

/** What lies under a point of the view. */
export type Hit =
  | { kind: 'cell'; row: number; col: number }
  /** A row's header: its client's name (`group`) or the port's. */
  | { kind: 'row'; row: number; group: boolean }
  | { kind: 'col'; col: number; group: boolean }
  | { kind: 'none' };

/**
 * What is under the point (x, y) of the view (px from its top left corner,
 * scrollbars excluded), scrolled by `left`, `top` px of cells.
 */
export function hitTest(
  x: number,
  y: number,
  scroll: { left: number; top: number },
  head: { groups: number; width: number },
  rows: number,
  cols: number,
): Hit {
  const row = y >= COL_HEAD ? Math.floor((y - COL_HEAD + scroll.top) / CELL) : -1;
  const col = x >= head.width ? Math.floor((x - head.width + scroll.left) / CELL) : -1;
  const rowOk = row >= 0 && row < rows;
  const colOk = col >= 0 && col < cols;
  if (rowOk && colOk) return { kind: 'cell', row, col };
  if (rowOk && x < head.width) return { kind: 'row', row, group: x < head.groups };
  if (colOk && y < COL_HEAD) return { kind: 'col', col, group: y < GROUP_BAND };
  return { kind: 'none' };
}
