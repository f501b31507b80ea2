// @vitest-environment jsdom
// Tools on a port in a real React render: the context menu's items and
// keys, and a test tone panel whose tone cannot outlive it.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContextMenu } from '../src/components/ContextMenu';
import { TonePanel } from '../src/components/TonePanel';
import { StoreProvider } from '../src/store/context';
import { conn, inp, out, snapshot } from './fixtures';
import { attached, settle } from './service';

beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined;
});

afterEach(cleanup);

const rig = snapshot(
  [inp('amp:in'), out('synth:out'), out('synth:midi', 'midi'), inp('rec:in')],
  [conn('synth:out', 'rec:in')],
);

async function mounted() {
  const attachedStore = await attached(rig);
  const { store } = attachedStore;
  render(
    <StoreProvider store={store}>
      <button type="button">before</button>
      <ContextMenu />
      <TonePanel />
    </StoreProvider>,
  );
  return attachedStore;
}

const itemNames = () => screen.getAllByRole('menuitem').map((item) => item.textContent);

describe('context menu', () => {
  it('offers what fits each port, and the canvas its own items', async () => {
    const { store } = await mounted();
    act(() => store.getState().openMenu({ kind: 'port', ports: ['amp:in'] }, 10, 10));
    expect(itemNames()).toEqual(['Test tone…', 'Meter (add to bridge)', 'Rename…', 'Details']);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['synth:out'] }, 10, 10));
    expect(itemNames()).toEqual([
      'Thru to…',
      'Meter (add to bridge)',
      'Disconnect all',
      'Rename…',
      'Details',
    ]);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['synth:midi'] }, 10, 10));
    expect(itemNames()).toEqual(['Thru to…', 'MIDI monitor', 'Rename…', 'Details']);
    act(() => store.getState().openMenu({ kind: 'canvas' }, 10, 10));
    expect(itemNames()).toEqual(['Fit view', 'Arrange', 'Hide audio ports', 'Hide MIDI ports']);
  });

  it('offers to remove Jackbay’s thru routes where they touch', async () => {
    const { store } = await mounted();
    const thru = { id: 3, source: 'synth:out', destination: 'amp:in', type: 'audio' as const };
    act(() => store.getState().setTools({ tones: [], thrus: [thru] }));
    act(() => store.getState().openMenu({ kind: 'route', thru }, 10, 10));
    expect(itemNames()).toEqual(['Remove thru']);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['amp:in'] }, 10, 10));
    expect(itemNames()).toEqual([
      'Test tone…',
      'Meter (add to bridge)',
      'Remove thru synth:out → amp:in',
      'Rename…',
      'Details',
    ]);
    act(() => store.getState().openMenu({ kind: 'canvas' }, 10, 10));
    expect(itemNames()).toEqual([
      'Fit view',
      'Arrange',
      'Hide audio ports',
      'Hide MIDI ports',
      'Remove thru synth:out → amp:in',
    ]);
  });

  it('moves with the arrows, closes with Escape and gives the focus back', async () => {
    const { store } = await mounted();
    const before = screen.getByRole('button', { name: 'before' });
    before.focus();
    act(() => store.getState().openMenu({ kind: 'port', ports: ['synth:out'] }, 10, 10));
    const menu = screen.getByRole('menu', { name: 'Actions for synth:out' });
    const [thru, bridge, , , details] = screen.getAllByRole('menuitem');
    expect(document.activeElement).toBe(thru);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(bridge);
    fireEvent.keyDown(menu, { key: 'End' });
    expect(document.activeElement).toBe(details);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(thru);
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(details);
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(before);
  });
});

describe('test tone panel', () => {
  it('starts, changes and stops the tone, and stops it when it closes', async () => {
    const { store } = await mounted();
    act(() => store.getState().openMenu({ kind: 'port', ports: ['amp:in'] }, 10, 10));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Test tone…' }));
    const panel = screen.getByRole('dialog', { name: 'Test tone into amp:in' });
    const level = screen.getByLabelText('Level');
    fireEvent.change(level, { target: { value: '-12' } });
    fireEvent.keyDown(level, { key: 'Enter' });
    // The service's side of the tone: an id for startTone, every call noted.
    const api = store.getState().api;
    if (!api) throw new Error('not attached');
    const original = api.request.bind(api);
    const calls: Array<{ method: string; params: unknown }> = [];
    api.request = (async (method: never, params: never) => {
      calls.push({ method, params });
      return method === 'startTone' ? { id: 7 } : original(method, params);
    }) as typeof api.request;
    fireEvent.click(screen.getByRole('button', { name: 'Play tone' }));
    await act(settle);
    expect(screen.getByRole('status').textContent).toBe('Tone playing: 1000 Hz at -12 dBFS');
    fireEvent.keyDown(panel, { key: 'Escape' });
    await act(settle);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls).toEqual([
      { method: 'startTone', params: { ports: ['amp:in'], frequency: 1000, level: -12 } },
      { method: 'stopTone', params: { id: 7 } },
    ]);
  });
});
