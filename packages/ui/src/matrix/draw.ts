// Draws the visible window of the matrix on one canvas: the cells, then the
// sticky headers over them, in the same frame, so labels never lag the cells
// while scrolling. Only the lines in view are touched: the cost of a frame is
// the window's, whatever the size of the graph.
import { connectionKey } from '@jackbay/core/patch';
import { portLabel } from '../graph/boxes';
import type { Axis, Line, MatrixAxes } from './axes';
import { connectable, type Links, onPairDiagonal } from './cells';
import { CELL, COL_HEAD, type Focus, GROUP_BAND, type Span, visibleWindow } from './grid';
import type { Selection } from './selection';

/** Height of a line of a client's name in the row headers. */
const TEXT_LINE = 14;

export interface Palette {
  bg: string;
  bg2: string;
  bg3: string;
  bg4: string;
  line: string;
  line2: string;
  text: string;
  text2: string;
  text3: string;
  accent: string;
  audio: string;
  midi: string;
  other: string;
  font: string;
}

/** The app's colours, read from its stylesheet's custom properties. */
export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#111317'),
    bg2: v('--bg-2', '#171a1f'),
    bg3: v('--bg-3', '#1d2127'),
    bg4: v('--bg-4', '#252a32'),
    line: v('--line', '#2a3039'),
    line2: v('--line-2', '#38404c'),
    text: v('--text', '#dde2ea'),
    text2: v('--text-2', '#a0a9b8'),
    text3: v('--text-3', '#6f7888'),
    accent: v('--accent', '#7aa7ff'),
    audio: v('--audio', '#48d0a0'),
    midi: v('--midi', '#f2a14a'),
    other: v('--other', '#b793ff'),
    font: v('--font', 'sans-serif'),
  };
}

export interface Scene {
  axes: MatrixAxes;
  links: Links;
  selection: Selection;
  /** Size of the view (css px), scrollbars excluded. */
  width: number;
  height: number;
  head: { groups: number; labels: number; width: number };
  scroll: { left: number; top: number };
  focus: Focus | null;
  /** The grid has the keyboard focus: the focused cell is outlined. */
  focused: boolean;
  hover: { row: number; col: number } | null;
  palette: Palette;
}

function typeColor(line: Line, p: Palette): string {
  const t = line.port.type;
  return t === 'audio' ? p.audio : t === 'midi' ? p.midi : p.other;
}

// Text cut with an ellipsis to fit `width`; measured once per text and width.
const fitted = new Map<string, string>();
function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  const key = `${width}\u0000${text}`;
  const hit = fitted.get(key);
  if (hit !== undefined) return hit;
  let out = text;
  if (ctx.measureText(text).width > width) {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
      else hi = mid - 1;
    }
    out = `${text.slice(0, lo)}…`;
  }
  if (fitted.size > 20_000) fitted.clear();
  fitted.set(key, out);
  return out;
}

// A client's name on as many lines as its group has room for (broken after
// a separator where one is near), the last cut with an ellipsis.
const wrapped = new Map<string, string[]>();
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number, most: number): string[] {
  const key = `${width}\u0000${most}\u0000${text}`;
  const hit = wrapped.get(key);
  if (hit) return hit;
  const lines: string[] = [];
  let rest = text;
  while (lines.length < most - 1 && ctx.measureText(rest).width > width) {
    let lo = 1;
    let hi = rest.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(rest.slice(0, mid)).width <= width) lo = mid;
      else hi = mid - 1;
    }
    const head = rest.slice(0, lo);
    const sep = Math.max(...['_', '-', ' ', ':', '.', '/'].map((c) => head.lastIndexOf(c)));
    const cut = sep >= lo / 2 ? sep + 1 : lo;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  lines.push(fit(ctx, rest, width));
  if (wrapped.size > 5_000) wrapped.clear();
  wrapped.set(key, lines);
  return lines;
}

/** The groups with a line in the span. */
function groupsIn(axis: Axis, span: Span): number[] {
  if (span.end <= span.start) return [];
  const first = axis.lines[span.start]?.group ?? 0;
  const last = axis.lines[span.end - 1]?.group ?? first;
  const out: number[] = [];
  for (let g = first; g <= last; g++) out.push(g);
  return out;
}

export function drawMatrix(ctx: CanvasRenderingContext2D, s: Scene): void {
  const { axes, head, palette: p } = s;
  const { rows, cols } = axes;
  const x0 = head.width;
  const y0 = COL_HEAD;
  const cellsW = Math.max(0, s.width - x0);
  const cellsH = Math.max(0, s.height - y0);
  const win = visibleWindow(
    { left: s.scroll.left, top: s.scroll.top, width: cellsW, height: cellsH },
    rows.lines.length,
    cols.lines.length,
  );
  // Screen position of a row's top and a column's left edge.
  const ry = (r: number) => y0 + r * CELL - s.scroll.top;
  const cx = (c: number) => x0 + c * CELL - s.scroll.left;
  const rowGroups = groupsIn(rows, win.rows);
  const colGroups = groupsIn(cols, win.cols);

  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, s.width, s.height);

  // ---- Cells
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y0, cellsW, cellsH);
  ctx.clip();
  // Blocks of one client against another, shaded like a chequerboard (Ardour's grid).
  for (const rg of rowGroups) {
    const a = rows.groups[rg];
    if (!a) continue;
    for (const cg of colGroups) {
      const b = cols.groups[cg];
      if (!b) continue;
      ctx.fillStyle = (rg + cg) % 2 === 0 ? p.bg2 : p.bg3;
      ctx.fillRect(cx(b.start), ry(a.start), b.count * CELL, a.count * CELL);
    }
  }
  // Cells that can never connect (audio against MIDI) are dimmed and crossed out.
  ctx.fillStyle = p.bg;
  ctx.strokeStyle = p.line;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let r = win.rows.start; r < win.rows.end; r++)
    for (let c = win.cols.start; c < win.cols.end; c++) {
      if (connectable(axes, r, c)) continue;
      const x = cx(c);
      const y = ry(r);
      ctx.fillRect(x, y, CELL, CELL);
      ctx.moveTo(x + 5, y + CELL - 5);
      ctx.lineTo(x + CELL - 5, y + 5);
    }
  ctx.stroke();
  // Hover: the row and the column under the pointer.
  if (s.hover) {
    ctx.fillStyle = 'rgba(122, 167, 255, 0.08)';
    if (s.hover.row >= 0) ctx.fillRect(x0, ry(s.hover.row), cellsW, CELL);
    if (s.hover.col >= 0) ctx.fillRect(cx(s.hover.col), y0, CELL, cellsH);
  }
  // Grid lines: thin between cells, stronger between clients; none past the last line.
  const right = Math.min(x0 + cellsW, cx(cols.lines.length));
  const bottom = Math.min(y0 + cellsH, ry(rows.lines.length));
  ctx.strokeStyle = p.line;
  ctx.beginPath();
  for (let r = win.rows.start; r <= win.rows.end; r++) {
    const y = ry(r) + 0.5;
    ctx.moveTo(x0, y);
    ctx.lineTo(right, y);
  }
  for (let c = win.cols.start; c <= win.cols.end; c++) {
    const x = cx(c) + 0.5;
    ctx.moveTo(x, y0);
    ctx.lineTo(x, bottom);
  }
  ctx.stroke();
  ctx.strokeStyle = p.line2;
  ctx.beginPath();
  for (const g of rowGroups) {
    const y = ry(rows.groups[g]?.start ?? 0) + 0.5;
    ctx.moveTo(x0, y);
    ctx.lineTo(right, y);
  }
  for (const g of colGroups) {
    const x = cx(cols.groups[g]?.start ?? 0) + 0.5;
    ctx.moveTo(x, y0);
    ctx.lineTo(x, bottom);
  }
  ctx.stroke();
  // Where a pair meets a pair, the block's diagonal is one click for both channels.
  ctx.strokeStyle = p.line2;
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  for (let r = win.rows.start; r < win.rows.end; r++) {
    if (rows.lines[r]?.pair !== r) continue;
    for (let c = win.cols.start; c < win.cols.end; c++) {
      if (cols.lines[c]?.pair !== c || !onPairDiagonal(axes, r, c)) continue;
      ctx.moveTo(cx(c) + 3, ry(r) + 3);
      ctx.lineTo(cx(c) + 2 * CELL - 3, ry(r) + 2 * CELL - 3);
    }
  }
  ctx.stroke();
  ctx.setLineDash([]);
  // Connections: a dot in the port type's colour; a selected one ringed.
  for (let r = win.rows.start; r < win.rows.end; r++) {
    const targets = s.links.byRow.get(r);
    const line = rows.lines[r];
    if (!targets || !line) continue;
    for (const c of targets) {
      if (c < win.cols.start || c >= win.cols.end) continue;
      const x = cx(c) + CELL / 2;
      const y = ry(r) + CELL / 2;
      ctx.fillStyle = typeColor(line, p);
      ctx.beginPath();
      ctx.arc(x, y, CELL * 0.28, 0, Math.PI * 2);
      ctx.fill();
      const key = connectionKey({
        source: line.port.name,
        destination: cols.lines[c]?.port.name ?? '',
      });
      if (s.selection.connections.has(key)) {
        ctx.strokeStyle = p.accent;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, CELL * 0.42, 0, Math.PI * 2);
        ctx.stroke();
        ctx.lineWidth = 1;
      }
    }
  }
  if (s.focus && s.focused) {
    ctx.strokeStyle = p.accent;
    ctx.lineWidth = 2;
    ctx.strokeRect(cx(s.focus.col) + 1, ry(s.focus.row) + 1, CELL - 1, CELL - 1);
    ctx.lineWidth = 1;
  }
  ctx.restore();

  ctx.font = `11px ${p.font}`;
  ctx.textBaseline = 'middle';
  const current = (kind: 'row' | 'col', i: number) =>
    (kind === 'row' ? s.hover?.row : s.hover?.col) === i ||
    (kind === 'row' ? s.focus?.row : s.focus?.col) === i;

  // ---- Row headers: client names, then port names.
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, y0, x0, cellsH);
  ctx.clip();
  ctx.fillStyle = p.bg2;
  ctx.fillRect(0, y0, x0, cellsH);
  for (const g of rowGroups) {
    const group = rows.groups[g];
    if (!group) continue;
    const top = ry(group.start);
    const h = group.count * CELL;
    const selected = s.selection.boxes.has(group.boxId);
    ctx.fillStyle = selected ? 'rgba(122, 167, 255, 0.18)' : g % 2 === 0 ? p.bg3 : p.bg2;
    ctx.fillRect(0, top, head.groups, h);
    ctx.strokeStyle = p.line2;
    ctx.beginPath();
    ctx.moveTo(0, top + 0.5);
    ctx.lineTo(x0, top + 0.5);
    ctx.stroke();
    // The name stays in view while any of its group is, on more lines if it has them.
    const lines = wrap(ctx, group.title, head.groups - 12, Math.max(1, Math.floor(h / TEXT_LINE)));
    const y = Math.min(
      Math.max(top, y0) + CELL / 2,
      top + h - CELL / 2 - (lines.length - 1) * TEXT_LINE,
    );
    ctx.fillStyle = selected ? p.accent : p.text;
    ctx.textAlign = 'left';
    for (const [i, text] of lines.entries()) ctx.fillText(text, 6, y + i * TEXT_LINE);
  }
  for (let r = win.rows.start; r < win.rows.end; r++) {
    const line = rows.lines[r];
    if (!line) continue;
    const y = ry(r);
    if (current('row', r)) {
      ctx.fillStyle = 'rgba(122, 167, 255, 0.14)';
      ctx.fillRect(head.groups, y, head.labels, CELL);
    }
    ctx.fillStyle = typeColor(line, p);
    ctx.fillRect(x0 - 4, y + 3, 3, CELL - 6);
    ctx.fillStyle = current('row', r) ? p.text : p.text2;
    ctx.textAlign = 'right';
    ctx.fillText(fit(ctx, portLabel(line.port), head.labels - 24), x0 - 14, y + CELL / 2);
    if (line.pair === r) {
      // A bracket joins the two channels of a pair.
      ctx.strokeStyle = p.text3;
      ctx.beginPath();
      ctx.moveTo(x0 - 7, y + 5);
      ctx.lineTo(x0 - 10, y + 5);
      ctx.lineTo(x0 - 10, y + 2 * CELL - 5);
      ctx.lineTo(x0 - 7, y + 2 * CELL - 5);
      ctx.stroke();
    }
  }
  ctx.strokeStyle = p.line2;
  ctx.beginPath();
  ctx.moveTo(head.groups + 0.5, y0);
  ctx.lineTo(head.groups + 0.5, y0 + cellsH);
  ctx.moveTo(x0 - 0.5, y0);
  ctx.lineTo(x0 - 0.5, y0 + cellsH);
  ctx.stroke();
  ctx.restore();

  // ---- Column headers: client names in a band, port names turned upright.
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, 0, cellsW, y0);
  ctx.clip();
  ctx.fillStyle = p.bg2;
  ctx.fillRect(x0, 0, cellsW, y0);
  for (const g of colGroups) {
    const group = cols.groups[g];
    if (!group) continue;
    const left = cx(group.start);
    const w = group.count * CELL;
    const selected = s.selection.boxes.has(group.boxId);
    ctx.fillStyle = selected ? 'rgba(122, 167, 255, 0.18)' : g % 2 === 0 ? p.bg3 : p.bg2;
    ctx.fillRect(left, 0, w, GROUP_BAND);
    ctx.strokeStyle = p.line2;
    ctx.beginPath();
    ctx.moveTo(left + 0.5, 0);
    ctx.lineTo(left + 0.5, y0);
    ctx.stroke();
    // The last group's name may run on past its columns: nothing is there.
    const end = g === cols.groups.length - 1 ? x0 + cellsW : left + w;
    const from = Math.max(left, x0);
    const room = end - from - 8;
    if (room > 12) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, 0, end - left, GROUP_BAND);
      ctx.clip();
      ctx.fillStyle = selected ? p.accent : p.text;
      ctx.textAlign = 'left';
      ctx.fillText(fit(ctx, group.title, room), from + 5, GROUP_BAND / 2);
      ctx.restore();
    }
  }
  for (let c = win.cols.start; c < win.cols.end; c++) {
    const line = cols.lines[c];
    if (!line) continue;
    const x = cx(c);
    if (current('col', c)) {
      ctx.fillStyle = 'rgba(122, 167, 255, 0.14)';
      ctx.fillRect(x, GROUP_BAND, CELL, y0 - GROUP_BAND);
    }
    ctx.fillStyle = typeColor(line, p);
    ctx.fillRect(x + 3, y0 - 4, CELL - 6, 3);
    ctx.save();
    ctx.translate(x + CELL / 2, y0 - 14);
    ctx.rotate(-Math.PI / 2);
    ctx.fillStyle = current('col', c) ? p.text : p.text2;
    ctx.textAlign = 'left';
    ctx.fillText(fit(ctx, portLabel(line.port), y0 - GROUP_BAND - 22), 0, 0);
    ctx.restore();
    if (line.pair === c) {
      ctx.strokeStyle = p.text3;
      ctx.beginPath();
      ctx.moveTo(x + 5, y0 - 7);
      ctx.lineTo(x + 5, y0 - 10);
      ctx.lineTo(x + 2 * CELL - 5, y0 - 10);
      ctx.lineTo(x + 2 * CELL - 5, y0 - 7);
      ctx.stroke();
    }
  }
  ctx.strokeStyle = p.line2;
  ctx.beginPath();
  ctx.moveTo(x0, GROUP_BAND + 0.5);
  ctx.lineTo(x0 + cellsW, GROUP_BAND + 0.5);
  ctx.moveTo(x0, y0 - 0.5);
  ctx.lineTo(x0 + cellsW, y0 - 0.5);
  ctx.stroke();
  ctx.restore();

  // ---- The corner says which way is which.
  ctx.fillStyle = p.bg2;
  ctx.fillRect(0, 0, x0, y0);
  ctx.strokeStyle = p.line2;
  ctx.beginPath();
  ctx.moveTo(0, y0 - 0.5);
  ctx.lineTo(x0, y0 - 0.5);
  ctx.moveTo(x0 - 0.5, 0);
  ctx.lineTo(x0 - 0.5, y0);
  ctx.stroke();
  ctx.fillStyle = p.text3;
  ctx.textAlign = 'right';
  ctx.fillText(`inputs (${cols.lines.length}) →`, x0 - 10, GROUP_BAND / 2);
  ctx.textAlign = 'left';
  ctx.fillText(`outputs (${rows.lines.length}) ↓`, 8, y0 - CELL / 2);
}
