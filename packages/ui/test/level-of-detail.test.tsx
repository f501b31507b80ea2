// @vitest-environment jsdom
// The level of detail as a person sees it: zoomed out with the view's
// controls, every box shows its summary (name, ports, connections) and the
// page holds no port rows; zoomed in again, the rows are back, and a box the
// person collapsed stayed collapsed throughout.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeLayout, renderApp } from './render-app';

beforeAll(fakeLayout);
afterEach(cleanup);

const box = (name: string) => document.querySelector<HTMLElement>(`.jb-box[aria-label="${name}"]`);
const summaries = () => document.querySelectorAll('.jb-box[data-summary]').length;
const rows = () => document.querySelectorAll('[data-port-name]').length;

/** Presses one of the view's zoom buttons until `done` (at most 30 times). */
async function zoomUntil(button: 'Zoom In' | 'Zoom Out', done: () => boolean) {
  for (let i = 0; i < 30 && !done(); i++)
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: button }));
      await new Promise((r) => setTimeout(r, 0));
    });
  expect(done()).toBe(true);
}

describe('level of detail in the app', { timeout: 30_000 }, () => {
  it('shows summaries zoomed out and the rows zoomed in, and leaves a collapsed box collapsed', async () => {
    const store = await renderApp();
    await zoomUntil('Zoom In', () => summaries() === 0 && rows() > 0);
    fireEvent.click(
      within(box('keys') as HTMLElement).getByRole('button', { name: 'Collapse keys' }),
    );
    const boxes = store.getState().nodes.length;

    await zoomUntil('Zoom Out', () => summaries() > 0);
    expect(rows()).toBe(0);
    // Every box but the collapsed one shows its summary.
    expect(summaries()).toBe(boxes - 1);
    const fx = within(box('fx') as HTMLElement);
    expect(fx.getByText('2 in · 2 out')).toBeTruthy();
    expect(fx.getByText('4 connections')).toBeTruthy();
    expect(box('keys')?.hasAttribute('data-collapsed')).toBe(true);
    expect(box('keys')?.hasAttribute('data-summary')).toBe(false);
    // Its edges are still drawn, to the headers.
    await waitFor(() =>
      expect(document.querySelector('[aria-label="synth:out_L → fx:in_1"]')).not.toBeNull(),
    );

    await zoomUntil('Zoom In', () => summaries() === 0);
    expect(within(box('fx') as HTMLElement).getByRole('button', { name: 'fx:in_1' })).toBeTruthy();
    expect(box('keys')?.hasAttribute('data-collapsed')).toBe(true);
    expect(store.getState().collapsed).toEqual(new Set(['keys']));
  });
});
