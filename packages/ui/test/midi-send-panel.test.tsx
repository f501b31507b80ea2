// @vitest-environment jsdom
// The MIDI send panel in a real React render, against a recorded transport:
// the context menu opens it on a MIDI input, keys, controllers and program
// changes become exactly the short messages the service is asked to send,
// and closing it stops the sender. Also: the "MIDI monitor" menu item, and
// the monitor rows' bar|beat|tick.
import { encodeMidiFrame } from '@jackbay/core/midi-frame';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContextMenu } from '../src/components/ContextMenu';
import { MidiMonitor } from '../src/components/MidiMonitor';
import { MidiSendPanel } from '../src/components/MidiSendPanel';
import { StoreProvider } from '../src/store/context';
import type { JackbayStore } from '../src/store/store';
import { conn, inp, out, snapshot } from './fixtures';
import { attached, settle, status } from './service';

beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined;
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(cleanup);

const rig = snapshot(
  [
    inp('synth:midi_in', 'midi'),
    inp('drums:midi_in', 'midi'),
    out('keys:midi_out', 'midi'),
    out('seq:midi_out', 'midi'),
    inp('amp:in'),
  ],
  [conn('keys:midi_out', 'drums:midi_in'), conn('seq:midi_out', 'drums:midi_in')],
);

/** The store with every request recorded; startMidiSend answers id 5. */
async function mounted() {
  const attachedStore = await attached(rig);
  const { store } = attachedStore;
  const calls: Array<{ method: string; params: unknown }> = [];
  const api = store.getState().api;
  if (!api) throw new Error('not attached');
  const original = api.request.bind(api);
  api.request = (async (method: never, params: never) => {
    calls.push({ method, params });
    if (method === 'startMidiSend') return { id: 5 };
    if (method === 'sendMidi') return { queued: true, dropped: 0 };
    return original(method, params);
  }) as typeof api.request;
  render(
    <StoreProvider store={store}>
      <ContextMenu />
      <MidiSendPanel />
      <MidiMonitor />
    </StoreProvider>,
  );
  return { store, calls };
}

const itemNames = () => screen.getAllByRole('menuitem').map((item) => item.textContent);
const sent = (calls: Array<{ method: string; params: unknown }>) =>
  calls.filter((c) => c.method === 'sendMidi').map((c) => (c.params as { bytes: number[] }).bytes);

async function openPanel(store: JackbayStore) {
  act(() => store.getState().openMenu({ kind: 'port', ports: ['synth:midi_in'] }, 10, 10));
  fireEvent.click(screen.getByRole('menuitem', { name: 'Send MIDI…' }));
  await act(settle);
  return screen.getByRole('dialog', { name: 'Send MIDI to synth:midi_in' });
}

describe('context menu MIDI items', () => {
  it('offers Send MIDI… on a MIDI input, the MIDI monitor on outputs and on fed inputs', async () => {
    const { store } = await mounted();
    act(() => store.getState().openMenu({ kind: 'port', ports: ['synth:midi_in'] }, 10, 10));
    expect(itemNames()).toEqual(['Send MIDI…', 'Rename…', 'Details']);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['keys:midi_out'] }, 10, 10));
    expect(itemNames()).toEqual([
      'Thru to…',
      'MIDI monitor',
      'Disconnect all',
      'Rename…',
      'Details',
    ]);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['drums:midi_in'] }, 10, 10));
    expect(itemNames()).toEqual([
      'Send MIDI…',
      'MIDI monitor',
      'Disconnect all',
      'Rename…',
      'Details',
    ]);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['amp:in'] }, 10, 10));
    expect(itemNames()).not.toContain('Send MIDI…');
    expect(itemNames()).not.toContain('MIDI monitor');
  });

  it('opens the MIDI monitor narrowed to that output, or to the outputs feeding that input', async () => {
    const { store } = await mounted();
    act(() => store.getState().openMenu({ kind: 'port', ports: ['keys:midi_out'] }, 10, 10));
    fireEvent.click(screen.getByRole('menuitem', { name: 'MIDI monitor' }));
    expect(store.getState().midiMonitorOpen).toBe(true);
    expect([...(store.getState().midi.filter.ports ?? [])]).toEqual(['keys:midi_out']);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['drums:midi_in'] }, 10, 10));
    fireEvent.click(screen.getByRole('menuitem', { name: 'MIDI monitor' }));
    expect([...(store.getState().midi.filter.ports ?? [])].sort()).toEqual([
      'keys:midi_out',
      'seq:midi_out',
    ]);
  });
});

describe('MIDI send panel', () => {
  it('sends notes from the keys, on the chosen channel and velocity, and stops when closed', async () => {
    const { store, calls } = await mounted();
    const panel = await openPanel(store);
    expect(calls.filter((c) => c.method === 'startMidiSend')).toEqual([
      { method: 'startMidiSend', params: { port: 'synth:midi_in' } },
    ]);
    expect(document.activeElement).toBe(panel);
    const c3 = within(panel).getByRole('button', { name: 'C3' });
    fireEvent.pointerDown(c3, { button: 0, pointerId: 1 });
    await act(settle);
    expect(c3.getAttribute('aria-pressed')).toBe('true');
    fireEvent.pointerUp(c3, { button: 0, pointerId: 1 });
    fireEvent.change(within(panel).getByLabelText('Channel'), { target: { value: '10' } });
    fireEvent.change(within(panel).getByLabelText('Velocity'), { target: { value: '30' } });
    fireEvent.pointerDown(within(panel).getByRole('button', { name: 'F#4' }), { button: 0 });
    fireEvent.pointerUp(within(panel).getByRole('button', { name: 'F#4' }), { button: 0 });
    await act(settle);
    expect(sent(calls)).toEqual([
      [0x90, 48, 100],
      [0x80, 48, 0],
      [0x99, 66, 30],
      [0x89, 66, 0],
    ]);
    expect(screen.getByTestId('midi-send-state').textContent).toBe('Sent 4');
    fireEvent.keyDown(panel, { key: 'Escape' });
    await act(settle);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.at(-1)).toEqual({ method: 'stopMidiSend', params: { id: 5 } });
  });

  it('plays from the computer keyboard while it has the focus, and shifts octaves', async () => {
    const { store, calls } = await mounted();
    const panel = await openPanel(store);
    fireEvent.keyDown(panel, { key: 'a', code: 'KeyA' });
    fireEvent.keyDown(panel, { key: 'a', code: 'KeyA', repeat: true }); // auto-repeat: no new note
    fireEvent.keyUp(panel, { key: 'a', code: 'KeyA' });
    fireEvent.keyDown(panel, { key: 'x', code: 'KeyX' });
    expect(screen.getByTestId('midi-send-range').textContent).toBe('C4–B5');
    fireEvent.keyDown(panel, { key: 'w', code: 'KeyW' });
    // Shifting while a key is held ends that note first (no stuck notes).
    fireEvent.keyDown(panel, { key: 'z', code: 'KeyZ' });
    fireEvent.keyUp(panel, { key: 'w', code: 'KeyW' });
    await act(settle);
    expect(sent(calls)).toEqual([
      [0x90, 48, 100],
      [0x80, 48, 0],
      [0x90, 61, 100],
      [0x80, 61, 0],
    ]);
    expect(screen.getByTestId('midi-send-range').textContent).toBe('C3–B4');
    // Typing into a field is typing, not playing.
    fireEvent.keyDown(within(panel).getByLabelText('Program'), { key: 'a', code: 'KeyA' });
    await act(settle);
    expect(sent(calls)).toHaveLength(4);
  });

  it('sends control changes with the named controller, program changes and all notes off', async () => {
    const { store, calls } = await mounted();
    const panel = await openPanel(store);
    const controller = within(panel).getByLabelText('Controller') as HTMLSelectElement;
    expect(controller.selectedOptions[0]?.textContent).toBe('1 Modulation');
    fireEvent.change(controller, { target: { value: '7' } });
    expect(controller.selectedOptions[0]?.textContent).toBe('7 Volume');
    fireEvent.change(within(panel).getByLabelText('Controller value'), { target: { value: '99' } });
    fireEvent.change(within(panel).getByLabelText('Channel'), { target: { value: '16' } });
    fireEvent.change(within(panel).getByLabelText('Program'), { target: { value: '42' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send program change' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'All notes off' }));
    await act(settle);
    expect(sent(calls)).toEqual([
      [0xb0, 7, 99],
      [0xcf, 42],
      [0xbf, 123, 0],
    ]);
  });
});

describe('MIDI monitor rows', () => {
  it('show the bar|beat|tick of each event while the transport has BBT, else —', async () => {
    const { store } = await mounted();
    const bbt = {
      bar: 3,
      beat: 1,
      tick: 0,
      beatsPerBar: 4,
      beatType: 4,
      beatsPerMinute: 120,
      ticksPerBeat: 1920,
    };
    act(() =>
      store.getState().setStatus(
        status({
          transport: {
            state: 'rolling',
            frame: 384000,
            frameRate: 48000,
            bbt,
            timebase: 'jackbay',
            frameTime: 100000,
          },
        }),
      ),
    );
    const channel = store.getState().midi;
    channel.expect(['keys:midi_out'], 1);
    const frame = encodeMidiFrame({
      generation: 1,
      received: 2,
      lost: 0,
      missedCycles: 0,
      events: [
        { time: 100000 + 24000, port: 0, data: new Uint8Array([0x90, 60, 100]) },
        { time: 100000 + 4 * 24000 + 1200, port: 0, data: new Uint8Array([0x80, 60, 0]) },
      ],
    });
    act(() => {
      channel.feed(frame);
      store.getState().setMidiMonitorOpen(true);
    });
    const cells = () =>
      [...document.querySelectorAll('tbody .jb-midi-bbt')].map((cell) => cell.textContent);
    expect(screen.getByRole('columnheader', { name: 'BBT' })).toBeTruthy();
    expect(cells()).toEqual(['003|2|0000', '004|1|0096']);
    // A transport without BBT from here on: later events have none.
    act(() =>
      store.getState().setStatus(
        status({
          transport: {
            state: 'rolling',
            frame: 500000,
            frameRate: 48000,
            bbt: null,
            timebase: 'none',
            frameTime: 300000,
          },
        }),
      ),
    );
    act(() => {
      channel.feed(
        encodeMidiFrame({
          generation: 1,
          received: 1,
          lost: 0,
          missedCycles: 3,
          events: [{ time: 310000, port: 0, data: new Uint8Array([0xb0, 1, 2]) }],
        }),
      );
    });
    // The list re-renders on the next animation frame.
    await waitFor(() => expect(cells()).toEqual(['003|2|0000', '004|1|0096', '—']));
    // Cycles JACK skipped are told apart from lost events.
    expect(screen.getByTestId('midi-missed').parentElement?.textContent).toBe(
      '3 cycles missed (xruns): events in them are not seen',
    );
  });
});
