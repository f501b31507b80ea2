// @vitest-environment jsdom
// The matrix view in a real React render: a click or Space on a cell patches
// through the store (the request sent, the step in the undo history), a pair's
// diagonal patches both channels, the arrow keys move the active cell, audio
// against MIDI is disabled, and the graph's selection is where it starts.
import { connectionKey } from '@jackbay/core/patch';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MatrixView } from '../src/components/MatrixView';
import { useViewKey } from '../src/components/ViewSwitch';
import { CELL, COL_HEAD, rowHead } from '../src/matrix/grid';
import { StoreProvider } from '../src/store/context';
import type { JackbayStore } from '../src/store/store';
import { conn } from './fixtures';
import { attached, settle } from './service';

const WIDTH = 1000;
const HEIGHT = 600;

beforeAll(() => {
  // jsdom lays nothing out: the view is given a size, and has no canvas to draw on.
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  HTMLCanvasElement.prototype.getContext = (() => null) as never;
  Object.defineProperties(HTMLElement.prototype, {
    clientWidth: { get: () => WIDTH, configurable: true },
    clientHeight: { get: () => HEIGHT, configurable: true },
  });
});

afterEach(cleanup);

// studio(): rows system:capture_1/2, keys:midi_out, synth:out_L/R, fx:out_1/2;
// columns system:playback_1/2, synth:midi_in, fx:in_1/2.
async function open(before?: (store: JackbayStore) => void) {
  const harness = await attached();
  before?.(harness.store);
  render(
    <StoreProvider store={harness.store}>
      <MatrixView />
    </StoreProvider>,
  );
  await act(settle);
  return { ...harness, grid: screen.getByRole('grid') };
}

/** Where a cell is, in the view's coordinates (the view sits at 0, 0). */
function at(row: number, col: number) {
  return {
    clientX: rowHead(WIDTH).width + col * CELL + CELL / 2,
    clientY: COL_HEAD + row * CELL + CELL / 2,
  };
}

const requests = (sent: Array<{ method: string; params: unknown }>, method: string) =>
  sent.filter((s) => s.method === method).map((s) => s.params);

function activeCell(grid: HTMLElement): HTMLElement {
  const id = grid.getAttribute('aria-activedescendant');
  const cell = id ? document.getElementById(id) : null;
  if (!cell) throw new Error('no active cell');
  return cell;
}

describe('matrix view', () => {
  it('is a grid of every output and input, with the top left cell active and focused', async () => {
    const { grid } = await open();
    expect(grid.getAttribute('aria-rowcount')).toBe('8');
    expect(grid.getAttribute('aria-colcount')).toBe('6');
    expect(document.activeElement).toBe(grid);
    const cell = activeCell(grid);
    expect(cell.dataset.row).toBe('system:capture_1');
    expect(cell.dataset.col).toBe('system:playback_1');
    expect(cell.getAttribute('aria-label')).toBe(
      'system:capture_1 → system:playback_1: not connected; a click sets both channels (Shift: this one)',
    );
  });

  it('connects with a click on a cell, through the store, as one undoable step', async () => {
    const { grid, sent, store } = await open();
    fireEvent.click(grid, at(5, 2)); // fx:out_1 (pair) → synth:midi_in: not a pair diagonal
    await act(settle);
    expect(requests(sent, 'connect')).toEqual([]); // audio → MIDI: refused, said why
    expect(store.getState().toasts.at(-1)?.text).toMatch(/Cannot connect audio to MIDI/);

    fireEvent.click(grid, at(0, 4)); // system:capture_1 → fx:in_2
    await act(settle);
    expect(requests(sent, 'connect')).toEqual([conn('system:capture_1', 'fx:in_2')]);
    expect(store.getState().undoStack.at(-1)?.label).toBe('connect system:capture_1 → fx:in_2');
    expect(activeCell(grid).dataset.col).toBe('fx:in_2');
  });

  it('connects both channels from the diagonal of a pair block, one with Shift', async () => {
    const { grid, sent } = await open();
    fireEvent.click(grid, at(1, 4)); // system:capture_2 → fx:in_2: the block's diagonal
    await act(settle);
    expect(requests(sent, 'connect')).toEqual([
      conn('system:capture_1', 'fx:in_1'),
      conn('system:capture_2', 'fx:in_2'),
    ]);
    fireEvent.click(grid, at(6, 0)); // fx:out_2 → system:playback_1: off the diagonal, one channel
    await act(settle);
    expect(requests(sent, 'connect').slice(2)).toEqual([conn('fx:out_2', 'system:playback_1')]);
    fireEvent.click(grid, at(6, 1)); // fx:out_2 → system:playback_2: both channels are connected
    await act(settle);
    expect(requests(sent, 'disconnect')).toEqual([
      conn('fx:out_1', 'system:playback_1'),
      conn('fx:out_2', 'system:playback_2'),
    ]);
    fireEvent.click(grid, { ...at(0, 0), shiftKey: true });
    await act(settle);
    expect(requests(sent, 'connect').slice(3)).toEqual([
      conn('system:capture_1', 'system:playback_1'),
    ]);
  });

  it('moves with the arrow keys and toggles with Space: disconnects what is connected', async () => {
    const { grid, sent } = await open();
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight'])
      fireEvent.keyDown(grid, { key });
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    const cell = activeCell(grid);
    expect(cell.dataset.row).toBe('synth:out_L');
    expect(cell.dataset.col).toBe('fx:in_1');
    expect(cell.dataset.connected).toBe('true');
    fireEvent.keyDown(grid, { key: ' ' });
    await act(settle);
    // On the diagonal of two pairs: both channels go, as one step.
    expect(requests(sent, 'disconnect')).toEqual([
      conn('synth:out_L', 'fx:in_1'),
      conn('synth:out_R', 'fx:in_2'),
    ]);
    fireEvent.keyDown(grid, { key: 'ArrowRight' });
    fireEvent.keyDown(grid, { key: ' ', shiftKey: true });
    await act(settle);
    expect(requests(sent, 'connect')).toEqual([conn('synth:out_L', 'fx:in_2')]);
  });

  it('disables audio against MIDI: the cell says so and Space sends nothing', async () => {
    const { grid, sent } = await open();
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    const cell = activeCell(grid);
    expect(cell.dataset.row).toBe('keys:midi_out');
    expect(cell.getAttribute('aria-disabled')).toBe('true');
    expect(cell.getAttribute('aria-label')).toBe(
      'keys:midi_out → system:playback_1: MIDI and audio cannot be connected',
    );
    fireEvent.keyDown(grid, { key: ' ' });
    await act(settle);
    expect(requests(sent, 'connect')).toEqual([]);
  });

  it('starts on the connection selected in the graph, and selects a box from its client’s name', async () => {
    const selected = connectionKey(conn('fx:out_2', 'system:playback_2'));
    const { grid, store } = await open((s) =>
      s.getState().onEdgesChange([{ type: 'select', id: selected, selected: true }]),
    );
    expect(store.getState().edges.find((e) => e.selected)?.id).toBe(selected);
    const cell = activeCell(grid);
    expect(cell.dataset.row).toBe('fx:out_2');
    expect(cell.dataset.col).toBe('system:playback_2');
    expect(cell.dataset.selected).toBe('true');

    // The client names' column of the row headers: synth's outputs.
    fireEvent.click(grid, { clientX: 10, clientY: COL_HEAD + 3 * CELL + 5 });
    const s = store.getState();
    expect(s.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['synth']);
    expect(s.edges.some((e) => e.selected)).toBe(false);
  });
});

function ViewKey() {
  useViewKey();
  return null;
}

describe('the V key', () => {
  it('switches between the graph and the matrix, keeping the graph’s camera, but not while typing', async () => {
    const { store } = await attached();
    render(
      <StoreProvider store={store}>
        <ReactFlowProvider>
          <ViewKey />
          <input aria-label="field" />
        </ReactFlowProvider>
      </StoreProvider>,
    );
    fireEvent.keyDown(window, { key: 'v' });
    expect(store.getState().mainView).toBe('matrix');
    // The graph's camera is kept for its return.
    expect(store.getState().keptViewport).toEqual({
      viewport: { x: 0, y: 0, zoom: 1 },
      fitRequest: store.getState().fitRequest,
    });
    fireEvent.keyDown(screen.getByLabelText('field'), { key: 'v' });
    expect(store.getState().mainView).toBe('matrix');
    fireEvent.keyDown(window, { key: 'V' });
    expect(store.getState().mainView).toBe('graph');
  });
});
