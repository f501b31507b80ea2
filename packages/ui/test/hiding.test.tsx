// @vitest-environment jsdom
// Hiding and collapsing as a person sees them in the app: the box menu's
// "Hide" and "Collapse", the toolbar's "N hidden" and its list, the hint on a
// box whose connections lead to a hidden client, a collapsed box's count.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { menuItems } from '../src/components/menuItems';
import { fakeLayout, renderApp, up } from './render-app';
import { memoryStorage } from './service';

beforeAll(fakeLayout);
afterEach(cleanup);

const box = (name: string) => document.querySelector(`.jb-box[aria-label="${name}"]`);
const anchor = { left: 0, top: 0, right: 0, bottom: 0 };

// Rendering the whole app takes seconds on a loaded machine.
describe('hiding in the app', { timeout: 30_000 }, () => {
  it('hides a client from its menu, counts it, hints at it, and shows it again from the list', async () => {
    const store = await renderApp();
    expect(screen.queryByRole('button', { name: /hidden/ })).toBeNull();
    const hide = menuItems(
      store.getState(),
      { kind: 'client', name: 'synth', box: 'synth' },
      anchor,
    ).find((i) => i.label === 'Hide');
    act(() => hide?.run());
    expect(box('synth')).toBeNull();
    const indicator = screen.getByRole('button', { name: '1 hidden' });
    expect(screen.getByRole('img', { name: '2 connections to hidden synth' })).toBeTruthy();
    expect(
      within(box('keys') as HTMLElement).getByRole('img', {
        name: '1 connection to hidden synth',
      }),
    ).toBeTruthy();
    fireEvent.click(indicator);
    const list = screen.getByRole('dialog', { name: 'Hidden from the graph' });
    fireEvent.click(within(list).getByRole('button', { name: 'Show synth' }));
    expect(box('synth')).not.toBeNull();
    expect(screen.queryByRole('button', { name: /hidden/ })).toBeNull();
    expect(screen.queryByRole('img', { name: /to hidden/ })).toBeNull();
  });

  it('counts hidden types with clients; Show all brings everything back, Escape closes the list', async () => {
    const store = await renderApp();
    act(() => {
      store.getState().setClientHidden('keys', true);
      store.getState().setTypeHidden('midi', true);
    });
    fireEvent.click(screen.getByRole('button', { name: '2 hidden' }));
    const list = screen.getByRole('dialog', { name: 'Hidden from the graph' });
    expect(within(list).getByRole('button', { name: 'Show MIDI ports' })).toBeTruthy();
    fireEvent.keyDown(within(list).getByRole('button', { name: 'Show keys' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Hidden from the graph' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '2 hidden' }));
    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(box('keys')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'synth:midi_in' })).toBeTruthy();
  });

  it('collapses a box from its header to its title and count, and expands it again', async () => {
    await renderApp();
    const fx = box('fx') as HTMLElement;
    fireEvent.click(within(fx).getByRole('button', { name: 'Collapse fx' }));
    const folded = box('fx') as HTMLElement;
    expect(folded.hasAttribute('data-collapsed')).toBe(true);
    expect(within(folded).getByRole('img', { name: '4 connections' }).textContent).toBe('4');
    expect(within(folded).queryByRole('button', { name: 'fx:in_1' })).toBeNull();
    expect(within(folded).queryAllByRole('meter')).toHaveLength(0);
    // Its edges are still drawn, to the header.
    await waitFor(() =>
      expect(document.querySelector('[aria-label="synth:out_L → fx:in_1"]')).not.toBeNull(),
    );
    const expand = within(folded).getByRole('button', { name: 'Expand fx' });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(expand);
    expect(within(box('fx') as HTMLElement).getByRole('button', { name: 'fx:in_1' })).toBeTruthy();
  });

  it('remembers what was hidden and collapsed in the next session', async () => {
    const storage = memoryStorage();
    const store = await renderApp(up, { storage });
    act(() => {
      store.getState().setClientHidden('keys', true);
      store.getState().setCollapsed('fx', true);
    });
    cleanup();
    await renderApp(up, { storage });
    expect(box('keys')).toBeNull();
    expect(screen.getByRole('button', { name: '1 hidden' })).toBeTruthy();
    expect(box('fx')?.hasAttribute('data-collapsed')).toBe(true);
  });
});
