import type { Locator, Page } from '@playwright/test';
import {
  expect as baseExpect,
  expectJackConnection,
  keepScreenshot,
  test,
} from '../support/fixtures.ts';
import { settle, startPeer, stopPeers } from './helpers/graph.ts';

// The matrix view as a person uses it, in an 800×600 window: V switches to
// it, the filter narrows it, a click on a pair block's diagonal connects both
// channels (JACK's own jack_lsp sees them), Space on the same cell
// disconnects them, arrows reach a MIDI cell, audio against MIDI is disabled,
// Ctrl+Z takes the last change back, a box selected here is selected in the
// graph, and the graph comes back with its camera where it was.
const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 120_000 });

const SRC = 'e2e_mx_src';
const CROWD = 5;
const DST = 'e2e_mx_dst';

function activeCell(app: Page): Locator {
  return app.locator('[role="grid"] [aria-colindex]:not([scope])');
}

/** Moves the active cell to (row, col) of the matrix with the keyboard. */
async function goTo(app: Page, row: number, col: number): Promise<void> {
  await app.keyboard.press('Control+Home');
  for (let i = 0; i < row; i++) await app.keyboard.press('ArrowDown');
  for (let i = 0; i < col; i++) await app.keyboard.press('ArrowRight');
}

test('the matrix connects a pair with one click, disconnects with Space, and shares the selection', async ({
  app,
}) => {
  const peers = [
    await startPeer({ name: SRC, audioOut: ['out_L', 'out_R'], midiOut: ['midi_out'] }),
    await startPeer({ name: DST, audioIn: ['in_L', 'in_R'], midiIn: ['midi_in'] }),
  ];
  try {
    await app.setViewportSize({ width: 800, height: 600 });
    await expect(app.locator(`[data-client="${DST}"]`)).toHaveCount(1);
    await settle(app);
    const camera = () =>
      app.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    const before = await camera();
    await app.locator('body').press('v');
    const grid = app.getByRole('grid', { name: /Connection matrix/ });
    await expect(grid).toBeVisible();
    await expect(grid).toBeFocused();
    await keepScreenshot(app, 'matrix-800x600-all');

    await app.getByLabel('Filter clients and ports').fill('e2e_mx_');
    // Rows: out_L, out_R, midi_out; columns: in_L, in_R, midi_in.
    await expect(grid).toHaveAttribute('aria-rowcount', '4');
    await expect(grid).toHaveAttribute('aria-colcount', '4');
    await grid.focus();
    await goTo(app, 1, 1);
    const cell = activeCell(app);
    await expect(cell).toHaveAttribute('data-row', `${SRC}:out_R`);
    await expect(cell).toHaveAttribute('data-col', `${DST}:in_R`);
    await expect(cell).toHaveAttribute('aria-label', /not connected; a click sets both channels/);

    // One click on the pair block's diagonal: left to left, right to right.
    await cell.click();
    await expectJackConnection(`${SRC}:out_L`, `${DST}:in_L`, true);
    await expectJackConnection(`${SRC}:out_R`, `${DST}:in_R`, true);
    await expect(cell).toHaveAttribute('data-connected', 'true');
    await expect(app.getByTestId('matrix-status')).toContainText('2 connections');
    await keepScreenshot(app, 'matrix-800x600-filtered');

    // Space on the same cell disconnects both.
    await app.keyboard.press('Space');
    await expectJackConnection(`${SRC}:out_L`, `${DST}:in_L`, false);
    await expectJackConnection(`${SRC}:out_R`, `${DST}:in_R`, false);

    // MIDI against audio is disabled; MIDI to MIDI connects.
    await goTo(app, 2, 1);
    await expect(cell).toHaveAttribute('aria-disabled', 'true');
    await app.keyboard.press('Space');
    await app.keyboard.press('ArrowRight');
    await expect(cell).toHaveAttribute('data-col', `${DST}:midi_in`);
    await expect(cell).toHaveAttribute('aria-disabled', 'false');
    await app.keyboard.press('Space');
    await expectJackConnection(`${SRC}:midi_out`, `${DST}:in_R`, false);
    await expectJackConnection(`${SRC}:midi_out`, `${DST}:midi_in`, true);

    // The same history as the graph's: Ctrl+Z takes the connection back.
    await app.keyboard.press('Control+z');
    await expectJackConnection(`${SRC}:midi_out`, `${DST}:midi_in`, false);

    // A click on a client's name selects its box, in the graph too.
    const box = await grid.boundingBox();
    if (!box) throw new Error('no grid');
    const cellBox = await cell.boundingBox();
    if (!cellBox) throw new Error('no active cell');
    await app.mouse.click(box.x + 8, cellBox.y - 2 * cellBox.height + cellBox.height / 2);
    await app.locator('body').press('v');
    await expect(app.getByRole('grid')).toHaveCount(0);
    await expect(app.locator(`.react-flow__node[data-id="${SRC}"]`)).toHaveClass(/selected/);
    // The graph's camera is where it was left.
    expect(await camera()).toBe(before);
    await app.getByLabel('Filter clients and ports').fill('');

    await app.setViewportSize({ width: 1400, height: 900 });
    await app.getByRole('button', { name: 'Matrix', exact: true }).click();
    await expect(app.getByRole('grid')).toBeVisible();
    await keepScreenshot(app, 'matrix-1400x900');
    await app.getByRole('button', { name: 'Graph', exact: true }).click();
    await expect(app.getByRole('grid')).toHaveCount(0);
  } finally {
    await stopPeers(peers);
  }
});

test('a crowded matrix scrolls with its headers, in a large and a small window', async ({
  app,
}) => {
  const channels = (side: string) => Array.from({ length: 12 }, (_, i) => `${side}_${i + 1}`);
  // One after another: a loaded machine is slow to start many JACK clients at once.
  const peers = [];
  for (let i = 0; i < CROWD; i++)
    peers.push(
      await startPeer({
        name: `e2e_mx_crowd_${i}`,
        audioOut: channels('out'),
        audioIn: channels('in'),
        midiIn: ['midi_in'],
        midiOut: ['midi_out'],
      }),
    );
  try {
    await app.setViewportSize({ width: 1400, height: 900 });
    await expect(app.locator(`[data-client="e2e_mx_crowd_${CROWD - 1}"]`)).toHaveCount(1);
    await app.getByRole('button', { name: 'Matrix', exact: true }).click();
    const grid = app.getByRole('grid', { name: /Connection matrix/ });
    await app.getByLabel('Filter clients and ports').fill('e2e_mx_crowd');
    await expect(grid).toHaveAttribute('aria-rowcount', String(CROWD * 13 + 1));
    await expect(grid).toHaveAttribute('aria-colcount', String(CROWD * 13 + 1));
    await grid.focus();
    await keepScreenshot(app, 'matrix-crowded-1400x900');

    // The last cell: the view scrolls to it, and the headers follow.
    await app.keyboard.press('Control+End');
    const cell = app.locator('[role="grid"] [aria-colindex]:not([scope])');
    await expect(cell).toHaveAttribute('data-row', `e2e_mx_crowd_${CROWD - 1}:midi_out`);
    await expect(cell).toHaveAttribute('data-col', `e2e_mx_crowd_${CROWD - 1}:midi_in`);
    await expect.poll(() => grid.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await expect(cell).toBeInViewport();
    await app.setViewportSize({ width: 800, height: 600 });
    await app.keyboard.press('ArrowUp');
    await expect(cell).toHaveAttribute('data-row', `e2e_mx_crowd_${CROWD - 1}:out_12`);
    await expect(cell).toBeInViewport();
    await keepScreenshot(app, 'matrix-crowded-800x600');
    await app.getByLabel('Filter clients and ports').fill('');
    await app.getByRole('button', { name: 'Graph', exact: true }).click();
    await expect(grid).toHaveCount(0);
  } finally {
    await stopPeers(peers);
  }
});
