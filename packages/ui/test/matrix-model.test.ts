// The matrix's model: its axes come from the graph's boxes (client groups,
// stereo pairs, the same filter), which cells can connect and what a click
// connects, and the window of lines drawn at any scroll of a 2,000 × 2,000 matrix.
import { graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { buildBoxes } from '../src/graph/boxes';
import { parseSearch, visibleItems } from '../src/graph/search';
import { buildAxes } from '../src/matrix/axes';
import { buildLinks, cellEnds, connectable, isLinked, onPairDiagonal } from '../src/matrix/cells';
import {
  CELL,
  COL_HEAD,
  hitTest,
  moveFocus,
  scrollToShow,
  visibleSpan,
  visibleWindow,
} from '../src/matrix/grid';
import { inp, out, snapshot, studio } from './fixtures';

const axesOf = (snap = studio(), search = '') => {
  const graph = graphFromSnapshot(snap);
  const boxes = buildBoxes(graph, visibleItems(graph, parseSearch(search)));
  return { graph, axes: buildAxes(boxes) };
};
const names = (lines: { port: { name: string } }[]) => lines.map((l) => l.port.name);

describe('matrix axes', () => {
  it('puts outputs in rows and inputs in columns, grouped by client in the graph’s order', () => {
    const { axes } = axesOf();
    expect(names(axes.rows.lines)).toEqual([
      'system:capture_1',
      'system:capture_2',
      'keys:midi_out',
      'synth:out_L',
      'synth:out_R',
      'fx:out_1',
      'fx:out_2',
    ]);
    expect(names(axes.cols.lines)).toEqual([
      'system:playback_1',
      'system:playback_2',
      'synth:midi_in',
      'fx:in_1',
      'fx:in_2',
    ]);
    expect(axes.rows.groups.map((g) => [g.client, g.start, g.count])).toEqual([
      ['system', 0, 2],
      ['keys', 2, 1],
      ['synth', 3, 2],
      ['fx', 5, 2],
    ]);
    // A hardware client is split as in the graph: capture rows, playback columns.
    expect(axes.rows.groups[0]?.boxId).toBe('system%out');
    expect(axes.cols.groups[0]?.boxId).toBe('system%in');
  });

  it('marks the two lines of a stereo pair with the index of its left line', () => {
    const { axes } = axesOf();
    expect(axes.rows.lines.map((l) => l.pair)).toEqual([0, 0, -1, 3, 3, 5, 5]);
    expect(axes.cols.lines.map((l) => l.pair)).toEqual([0, 0, -1, 3, 3]);
  });

  it('shows only what the graph’s search shows', () => {
    const { axes } = axesOf(studio(), 'fx');
    expect(names(axes.rows.lines)).toEqual(['fx:out_1', 'fx:out_2']);
    expect(names(axes.cols.lines)).toEqual(['fx:in_1', 'fx:in_2']);
    const regex = axesOf(studio(), '/_(1|L)$/').axes;
    expect(names(regex.rows.lines)).toEqual(['system:capture_1', 'synth:out_L', 'fx:out_1']);
    // A filtered pair's other half is gone: what is left is a single line.
    expect(regex.rows.lines.map((l) => l.pair)).toEqual([-1, -1, -1]);
  });

  it('indexes every port by its full name', () => {
    const { axes } = axesOf();
    expect(axes.rows.index.get('synth:out_R')).toBe(4);
    expect(axes.cols.index.get('fx:in_1')).toBe(3);
    expect(axes.rows.index.get('fx:in_1')).toBeUndefined();
  });
});

describe('matrix cells', () => {
  it('finds the graph’s connections by row and column', () => {
    const { graph, axes } = axesOf();
    const links = buildLinks(axes, graph);
    expect(links.count).toBe(5);
    expect(isLinked(links, 3, 3)).toBe(true); // synth:out_L → fx:in_1
    expect(isLinked(links, 2, 2)).toBe(true); // keys:midi_out → synth:midi_in
    expect(isLinked(links, 3, 4)).toBe(false);
  });

  it('disables audio against MIDI', () => {
    const { axes } = axesOf();
    expect(connectable(axes, 2, 2)).toBe(true);
    expect(connectable(axes, 2, 0)).toBe(false); // MIDI out → audio playback
    expect(connectable(axes, 0, 2)).toBe(false); // audio capture → MIDI in
    expect(connectable(axes, 0, 0)).toBe(true);
  });

  it('connects both channels from the diagonal of a pair against a pair, one elsewhere', () => {
    const { axes } = axesOf();
    expect(onPairDiagonal(axes, 3, 3)).toBe(true);
    expect(onPairDiagonal(axes, 4, 4)).toBe(true);
    expect(onPairDiagonal(axes, 3, 4)).toBe(false);
    expect(cellEnds(axes, 4, 4)).toEqual({
      from: ['synth:out_L', 'synth:out_R'],
      to: ['fx:in_1', 'fx:in_2'],
    });
    expect(cellEnds(axes, 3, 4)).toEqual({ from: ['synth:out_L'], to: ['fx:in_2'] });
    // Shift asks for the one cell.
    expect(cellEnds(axes, 4, 4, true)).toEqual({ from: ['synth:out_R'], to: ['fx:in_2'] });
    // A mono output against a pair is a single cell.
    expect(cellEnds(axes, 2, 2)).toEqual({ from: ['keys:midi_out'], to: ['synth:midi_in'] });
  });
});

describe('matrix window', () => {
  // 200 clients of 10 outputs and 10 inputs: 2,000 × 2,000.
  const big = () => {
    const ports = [];
    for (let c = 0; c < 200; c++)
      for (let i = 1; i <= 10; i++) ports.push(out(`c${c}:out_${i}`), inp(`c${c}:in_${i}`));
    return snapshot(ports);
  };

  it('groups a 2,000 × 2,000 graph into 200 clients of five pairs each', () => {
    const { axes } = axesOf(big());
    expect(axes.rows.lines).toHaveLength(2000);
    expect(axes.cols.lines).toHaveLength(2000);
    expect(axes.rows.groups).toHaveLength(200);
    expect(axes.cols.groups[199]).toMatchObject({ client: 'c199', start: 1990, count: 10 });
    expect(axes.rows.lines.filter((l) => l.pair >= 0)).toHaveLength(2000);
  });

  it('draws only the lines in view, whatever the scroll of 2,000 × 2,000', () => {
    const view = { width: 1000, height: 600 };
    for (const [left, top] of [
      [0, 0],
      [12_345, 27_777],
      [2000 * CELL - view.width, 2000 * CELL - view.height],
    ] as const) {
      const win = visibleWindow({ left, top, ...view }, 2000, 2000, 2);
      const cols = win.cols.end - win.cols.start;
      const rows = win.rows.end - win.rows.start;
      expect(cols).toBeLessThanOrEqual(view.width / CELL + 5);
      expect(rows).toBeLessThanOrEqual(view.height / CELL + 5);
      expect(win.cols.start).toBe(Math.max(0, Math.floor(left / CELL) - 2));
      expect(win.rows.end).toBeLessThanOrEqual(2000);
    }
    expect(visibleSpan(39_990, 600, 2000, 0)).toEqual({ start: 1999, end: 2000 });
    expect(visibleSpan(0, 600, 0)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls only as far as needed to show a line', () => {
    expect(scrollToShow(0, 0, 200)).toBe(0);
    expect(scrollToShow(5, 0, 200)).toBe(0);
    expect(scrollToShow(10, 0, 200)).toBe(11 * CELL - 200);
    expect(scrollToShow(3, 400, 200)).toBe(3 * CELL);
  });

  it('moves the focus with arrows, pages, Home and End, never off the matrix', () => {
    const at = { row: 5, col: 5 };
    expect(moveFocus(at, 'ArrowUp', false, 10, 10, 4)).toEqual({ row: 4, col: 5 });
    expect(moveFocus(at, 'ArrowRight', false, 10, 10, 4)).toEqual({ row: 5, col: 6 });
    expect(moveFocus({ row: 0, col: 0 }, 'ArrowLeft', false, 10, 10, 4)).toEqual({
      row: 0,
      col: 0,
    });
    expect(moveFocus(at, 'PageDown', false, 10, 10, 4)).toEqual({ row: 9, col: 5 });
    expect(moveFocus(at, 'End', false, 10, 10, 4)).toEqual({ row: 5, col: 9 });
    expect(moveFocus(at, 'Home', true, 10, 10, 4)).toEqual({ row: 0, col: 0 });
    expect(moveFocus(at, 'x', false, 10, 10, 4)).toBeNull();
  });

  it('tells a cell from a header under the pointer', () => {
    const head = { groups: 100, width: 250 };
    const scroll = { left: 40, top: 20 };
    expect(hitTest(250, COL_HEAD, scroll, head, 10, 10)).toEqual({ kind: 'cell', row: 1, col: 2 });
    expect(hitTest(50, COL_HEAD + 5, scroll, head, 10, 10)).toEqual({
      kind: 'row',
      row: 1,
      group: true,
    });
    expect(hitTest(260, 5, scroll, head, 10, 10)).toEqual({ kind: 'col', col: 2, group: true });
    expect(hitTest(260, 60, scroll, head, 10, 10)).toEqual({ kind: 'col', col: 2, group: false });
    expect(hitTest(10, 10, scroll, head, 10, 10)).toEqual({ kind: 'none' });
    expect(hitTest(250 + 10 * CELL, COL_HEAD, { left: 0, top: 0 }, head, 10, 10)).toEqual({
      kind: 'none',
    });
  });
});
