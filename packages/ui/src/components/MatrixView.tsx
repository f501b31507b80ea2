// The matrix view: outputs as rows, inputs as columns, one cell per pair of
// ports (Ardour's port matrix is the model). It shows what the graph shows
// (the same boxes, so the same search and filters) and the same selection, and
// patches through the same store actions, so Undo takes its changes back.
// The cells and headers are drawn on one canvas over a scrolling area that
// is as large as the whole matrix; only the window in view is drawn. The
// keyboard and assistive technology meet a role="grid" whose active cell is
// described in the DOM.
import { connectionKey } from '@jackbay/core/patch';
import {
  type KeyboardEvent,
  type MouseEvent,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Box } from '../graph/boxes';
import { portLabel } from '../graph/boxes';
import { typeLabel } from '../graph/validate';
import { edgeLabel } from '../graph/view';
import { buildAxes, type MatrixAxes } from '../matrix/axes';
import { buildLinks, cellEnds, connectable, isLinked, onPairDiagonal } from '../matrix/cells';
import { drawMatrix, type Palette, readPalette, type Scene } from '../matrix/draw';
import {
  CELL,
  COL_HEAD,
  type Focus,
  hitTest,
  moveFocus,
  rowHead,
  scrollToShow,
} from '../matrix/grid';
import { initialFocus, selectionOf } from '../matrix/selection';
import { useJackbay, useStoreApi } from '../store/context';
import type { JackbayStore } from '../store/store';
import { typing } from './HelpOverlay';

// The boxes the graph draws, without ghosts (nothing there to connect); the
// same array while those boxes are the same, so the axes are rebuilt only
// when what they show changes (not when a box moves).
function useShownBoxes(): readonly Box[] {
  const last = useRef<Box[]>([]);
  const nodes = useJackbay((s) => s.nodes);
  return useMemo(() => {
    const boxes = nodes.flatMap((n) => (n.data.ghost ? [] : [n.data.box]));
    const prev = last.current;
    if (boxes.length === prev.length && boxes.every((b, i) => b === prev[i])) return prev;
    last.current = boxes;
    return boxes;
  }, [nodes]);
}

/** Selects a box as a click in the graph does (with `add`: Ctrl+click). */
function selectBox(store: JackbayStore, boxId: string, add: boolean): void {
  const s = store.getState();
  s.onNodesChange(
    s.nodes.flatMap((n) => {
      const selected = n.id === boxId ? (add ? !n.selected : true) : add && Boolean(n.selected);
      return selected === Boolean(n.selected)
        ? []
        : [{ type: 'select' as const, id: n.id, selected }];
    }),
  );
  if (!add)
    s.onEdgesChange(
      s.edges.flatMap((e) =>
        e.selected ? [{ type: 'select' as const, id: e.id, selected: false }] : [],
      ),
    );
}

/** The words for a cell, for the status line and the active cell's label. */
function describe(axes: MatrixAxes, linked: boolean, row: number, col: number): string {
  const r = axes.rows.lines[row]?.port;
  const c = axes.cols.lines[col]?.port;
  if (!r || !c) return '';
  const what = edgeLabel({ source: r.name, destination: c.name });
  if (!connectable(axes, row, col))
    return `${what}: ${typeLabel(r)} and ${typeLabel(c)} cannot be connected`;
  const state = linked ? 'connected' : 'not connected';
  return onPairDiagonal(axes, row, col)
    ? `${what}: ${state}; a click sets both channels (Shift: this one)`
    : `${what}: ${state}`;
}

/** The words for a header's line: its full name, as a cut label may not show it. */
function describeLine(axes: MatrixAxes, row: number, col: number): string {
  const line = row >= 0 ? axes.rows.lines[row] : axes.cols.lines[col];
  const group = line ? (row >= 0 ? axes.rows : axes.cols).groups[line.group] : undefined;
  if (!line || !group) return '';
  return `${line.port.name} · ${typeLabel(line.port)} ${line.port.direction} of ${group.title}`;
}

export function MatrixView() {
  const store = useStoreApi();
  const { graph, nodes, edges, toggle } = useJackbay(
    useShallow((s) => ({ graph: s.graph, nodes: s.nodes, edges: s.edges, toggle: s.toggle })),
  );
  const boxes = useShownBoxes();
  const axes = useMemo(() => buildAxes(boxes), [boxes]);
  const links = useMemo(() => buildLinks(axes, graph), [axes, graph]);
  const selection = useMemo(() => selectionOf(nodes, edges), [nodes, edges]);
  const rowCount = axes.rows.lines.length;
  const colCount = axes.cols.lines.length;

  const scroller = useRef<HTMLTableElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const head = rowHead(size.width);
  // The focused cell, held by its ports so a graph change keeps it on them.
  const [focusPorts, setFocusPorts] = useState<{ row: string; col: string } | null>(null);
  const [hasFocus, setHasFocus] = useState(false);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const palette = useRef<Palette | null>(null);
  const cellId = useId();

  const focus: Focus | null = useMemo(() => {
    if (rowCount === 0 || colCount === 0) return null;
    const row = focusPorts ? axes.rows.index.get(focusPorts.row) : undefined;
    const col = focusPorts ? axes.cols.index.get(focusPorts.col) : undefined;
    return { row: row ?? 0, col: col ?? 0 };
  }, [axes, focusPorts, rowCount, colCount]);

  const setFocus = useCallback(
    (f: Focus) => {
      const row = axes.rows.lines[f.row]?.port.name;
      const col = axes.cols.lines[f.col]?.port.name;
      if (row !== undefined && col !== undefined) setFocusPorts({ row, col });
    },
    [axes],
  );

  // Everything the next frame draws; scrolling changes only `scroll`, without React.
  const scene = useRef<Scene | null>(null);
  const frame = useRef(0);
  const paint = useCallback(() => {
    frame.current = 0;
    const c = canvas.current;
    const s = scene.current;
    const ctx = c?.getContext('2d');
    if (!c || !s || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(s.width * dpr);
    const h = Math.round(s.height * dpr);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawMatrix(ctx, s);
  }, []);
  const requestPaint = useCallback(() => {
    if (frame.current === 0) frame.current = requestAnimationFrame(paint);
  }, [paint]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    palette.current ??= readPalette(el);
    scene.current = {
      axes,
      links,
      selection,
      width: size.width,
      height: size.height,
      head,
      scroll: scene.current?.scroll ?? { left: el.scrollLeft, top: el.scrollTop },
      focus,
      focused: hasFocus,
      hover,
      palette: palette.current,
    };
    requestPaint();
  });

  // The view's size without its scrollbars.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Scrolls so the cell is wholly in view, clear of the headers.
  const reveal = (f: Focus) => {
    const el = scroller.current;
    if (!el) return;
    const h = rowHead(el.clientWidth);
    el.scrollTop = scrollToShow(f.row, el.scrollTop, el.clientHeight - COL_HEAD);
    el.scrollLeft = scrollToShow(f.col, el.scrollLeft, el.clientWidth - h.width);
  };

  // On opening: start where the graph's selection is, and take the keyboard.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || rowCount === 0 || colCount === 0 || size.width === 0) return;
    opened.current = true;
    const start = initialFocus(axes, selection, store.getState().edges);
    setFocus(start);
    reveal(start);
    // Not while the person types into the filter, which may have just made the matrix.
    if (!typing(document.activeElement)) scroller.current?.focus({ preventScroll: true });
  });

  const onScroll = () => {
    const el = scroller.current;
    if (!el || !scene.current) return;
    scene.current.scroll = { left: el.scrollLeft, top: el.scrollTop };
    requestPaint();
  };

  const hitAt = (e: MouseEvent) => {
    const el = scroller.current;
    if (!el) return { kind: 'none' } as const;
    const r = el.getBoundingClientRect();
    const x = e.clientX - r.left - el.clientLeft;
    const y = e.clientY - r.top - el.clientTop;
    if (x >= el.clientWidth || y >= el.clientHeight) return { kind: 'none' } as const;
    return hitTest(
      x,
      y,
      { left: el.scrollLeft, top: el.scrollTop },
      rowHead(el.clientWidth),
      rowCount,
      colCount,
    );
  };

  const onMouseMove = (e: MouseEvent) => {
    const hit = hitAt(e);
    const next =
      hit.kind === 'cell'
        ? { row: hit.row, col: hit.col }
        : hit.kind === 'row'
          ? { row: hit.row, col: -1 }
          : hit.kind === 'col'
            ? { row: -1, col: hit.col }
            : null;
    if (next?.row !== hover?.row || next?.col !== hover?.col) setHover(next);
  };

  const toggleCell = (f: Focus, single: boolean) => {
    const ends = cellEnds(axes, f.row, f.col, single);
    if (ends) void toggle(ends.from, ends.to);
  };

  const onClick = (e: MouseEvent) => {
    const hit = hitAt(e);
    if (hit.kind === 'cell') {
      setFocus(hit);
      toggleCell(hit, e.shiftKey);
    } else if (hit.kind === 'row' || hit.kind === 'col') {
      const axis = hit.kind === 'row' ? axes.rows : axes.cols;
      const line = axis.lines[hit.kind === 'row' ? hit.row : hit.col];
      const group = line ? axis.groups[line.group] : undefined;
      if (hit.group && group) selectBox(store, group.boxId, e.ctrlKey || e.metaKey);
      else if (focus)
        setFocus(hit.kind === 'row' ? { ...focus, row: hit.row } : { ...focus, col: hit.col });
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!focus) return;
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      toggleCell(focus, e.shiftKey);
      return;
    }
    const page = Math.max(
      1,
      Math.floor(((scroller.current?.clientHeight ?? 0) - COL_HEAD) / CELL) - 1,
    );
    const next = moveFocus(focus, e.key, e.ctrlKey || e.metaKey, rowCount, colCount, page);
    if (!next) return;
    e.preventDefault();
    setFocus(next);
    reveal(next);
  };

  const width = head.width + colCount * CELL;
  const height = COL_HEAD + rowCount * CELL;
  const linked = focus ? isLinked(links, focus.row, focus.col) : false;
  const focusText = focus ? describe(axes, linked, focus.row, focus.col) : '';
  const shown = hover && hover.row >= 0 && hover.col >= 0 ? hover : focus;
  const status =
    hover && (hover.row < 0 || hover.col < 0)
      ? describeLine(axes, hover.row, hover.col)
      : shown
        ? describe(axes, isLinked(links, shown.row, shown.col), shown.row, shown.col)
        : '';
  const empty = rowCount === 0 || colCount === 0;
  const rowPort = focus ? axes.rows.lines[focus.row]?.port : undefined;
  const selectedHere =
    focus && rowPort
      ? selection.connections.has(
          connectionKey({
            source: rowPort.name,
            destination: axes.cols.lines[focus.col]?.port.name ?? '',
          }),
        )
      : false;

  return (
    <div className="jb-matrix" data-testid="matrix">
      <div className="jb-matrix-stage">
        <table
          ref={scroller}
          className="jb-matrix-scroll"
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: ARIA's data grid, a table the arrow keys move in (its active cell is named by aria-activedescendant)
          role="grid"
          tabIndex={0}
          aria-label="Connection matrix: outputs in rows, inputs in columns"
          aria-rowcount={rowCount + 1}
          aria-colcount={colCount + 1}
          aria-activedescendant={focus ? cellId : undefined}
          onScroll={onScroll}
          onMouseMove={onMouseMove}
          onMouseLeave={() => setHover(null)}
          onClick={onClick}
          onKeyDown={onKeyDown}
          onFocus={() => setHasFocus(true)}
          onBlur={() => setHasFocus(false)}
        >
          {/* As large as the whole matrix, so the scrollbars are the matrix's. Only
              the active cell's row is in the DOM, where the cell is drawn. */}
          <tbody className="jb-matrix-space" style={{ width, height }}>
            {focus && rowPort && (
              <tr aria-rowindex={focus.row + 2} className="jb-matrix-aria">
                <th scope="row" aria-colindex={1} className="jb-visually-hidden">
                  {portLabel(rowPort)}
                </th>
                <td
                  id={cellId}
                  aria-colindex={focus.col + 2}
                  data-selected={selectedHere}
                  aria-disabled={!connectable(axes, focus.row, focus.col)}
                  aria-label={focusText}
                  data-row={rowPort.name}
                  data-col={axes.cols.lines[focus.col]?.port.name}
                  data-connected={linked}
                  className="jb-matrix-cell"
                  style={{
                    left: head.width + focus.col * CELL,
                    top: COL_HEAD + focus.row * CELL,
                    width: CELL,
                    height: CELL,
                  }}
                />
              </tr>
            )}
          </tbody>
        </table>
        <canvas ref={canvas} className="jb-matrix-canvas" style={size} />
        {empty && (
          <p className="jb-matrix-empty">
            {graph.ports.size === 0
              ? 'No ports.'
              : `Nothing to patch here: the filter shows ${rowCount} outputs and ${colCount} inputs.`}
          </p>
        )}
      </div>
      <div className="jb-matrix-status" aria-live="off" data-testid="matrix-status">
        <span className="jb-matrix-status-cell">{status}</span>
        <span className="jb-muted">
          {links.count} connections
          <span className="jb-matrix-hint"> · click or Space toggles</span>
        </span>
      </div>
    </div>
  );
}
