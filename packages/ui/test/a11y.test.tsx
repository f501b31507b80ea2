// @vitest-environment jsdom
// The accessibility contract of the graph, in a real React render: every port
// handle is named by its full port name and carries stable data attributes,
// every edge is named "source → destination", and a port opens the keyboard
// patching dialog with Enter.
import type { ServerStatus } from '@jackbay/core/contract';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JackbayTransport } from '../src/api/ws';
import { App } from '../src/components/App';
import { emptyRestore } from '../src/store/restore';
import { createJackbayStore } from '../src/store/store';
import { studio } from './fixtures';

beforeAll(() => {
  // jsdom lays nothing out; React Flow needs sizes and these two APIs to draw edges.
  // Like a browser's, the observer reports each element once when observed:
  // that first report is how React Flow measures new nodes and their handles.
  globalThis.ResizeObserver = class {
    constructor(private readonly callback: ResizeObserverCallback) {}
    observe(target: Element) {
      queueMicrotask(() =>
        this.callback(
          [
            {
              target,
              contentRect: target.getBoundingClientRect(),
            } as unknown as ResizeObserverEntry,
          ],
          this as unknown as ResizeObserver,
        ),
      );
    }
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  (globalThis as { DOMMatrixReadOnly?: unknown }).DOMMatrixReadOnly = class {
    m22 = 1;
    constructor(transform?: string) {
      const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
      this.m22 = scale !== undefined ? +scale : 1;
    }
  };
  Element.prototype.scrollIntoView = () => undefined;
  // jsdom has no canvas: meters draw nothing, their ARIA values still follow.
  HTMLCanvasElement.prototype.getContext = (() => null) as never;
  Object.defineProperties(HTMLElement.prototype, {
    offsetWidth: { get: () => 120, configurable: true },
    offsetHeight: { get: () => 20, configurable: true },
  });
});

afterEach(cleanup);

const up: ServerStatus = {
  server: 'up',
  reason: null,
  serverName: 'test',
  sampleRate: 48000,
  bufferSize: 256,
  latencyMs: 5.33,
  dspLoad: 12.5,
  xrunCount: 0,
  lastXrunDelayUs: null,
  ownClient: null,
  demo: false,
  transport: { state: 'stopped', frame: 0, frameRate: 48000, bbt: null, timebase: 'none' },
  implementation: { kind: 'jack2', version: '1.9.21' },
};

function api(status: ServerStatus): JackbayTransport {
  return {
    async request(method) {
      if (method === 'getStatus') return status as never;
      if (method === 'getSnapshot') return studio() as never;
      if (method === 'getRestore') return emptyRestore as never;
      return null as never;
    },
    subscribe: () => () => undefined,
  };
}

async function renderApp(status = up) {
  const store = createJackbayStore();
  render(<App store={store} api={api(status)} />);
  await act(async () => {
    await new Promise((r) => setTimeout(r, 20));
  });
  return store;
}

describe('accessibility', () => {
  it('names every port handle by its full port name, with stable data attributes', async () => {
    const store = await renderApp();
    expect(screen.getByLabelText('Connection graph').classList.contains('react-flow')).toBe(true);
    for (const port of store.getState().graph.ports.values()) {
      const handle = screen.getByRole('button', { name: port.name });
      expect(handle.getAttribute('data-port-name')).toBe(port.name);
      expect(handle.getAttribute('data-handleid')).toBe(port.name);
      expect(handle.getAttribute('tabindex')).toBe('0');
    }
  });

  it('names every edge "source → destination"', async () => {
    const store = await renderApp();
    for (const c of store.getState().graph.connections.values()) {
      const label = `${c.source} → ${c.destination}`;
      expect(document.querySelector(`[aria-label="${label}"]`), label).not.toBeNull();
    }
  });

  it('opens the patching dialog on Enter and lists only what can connect', async () => {
    await renderApp();
    const handle = screen.getByRole('button', { name: 'synth:out_L' });
    handle.focus();
    fireEvent.keyDown(handle, { key: 'Enter' });
    const dialog = await screen.findByRole('dialog', { name: 'Connect synth:out_L' });
    const options = Array.from(dialog.querySelectorAll('[role=option]')).map((o) =>
      o.getAttribute('data-ports'),
    );
    expect(options).toContain('fx:in_1');
    expect(options).toContain('system:playback_1\nsystem:playback_2');
    expect(options).not.toContain('synth:midi_in'); // MIDI: cannot take audio
    expect(options).not.toContain('fx:out_1'); // an output
  });

  it('gives every audio port a meter named by its full port name, and toggles them', async () => {
    const store = await renderApp();
    const audio = [...store.getState().graph.ports.values()].filter((p) => p.type === 'audio');
    expect(audio.length).toBeGreaterThan(0);
    for (const port of audio) {
      const meter = screen.getByRole('meter', { name: `Level of ${port.name}` });
      expect(meter.getAttribute('aria-valuemin')).toBe('-120');
      expect(Number(meter.getAttribute('aria-valuenow'))).toBe(-120);
      expect(meter.getAttribute('aria-valuetext')).toBe('peak silent, RMS silent');
      expect(meter.closest('[aria-live]')).toBeNull();
    }
    expect(screen.queryByRole('meter', { name: 'Level of synth:midi_in' })).toBeNull();
    // Silent meters need no canvas yet.
    expect(document.querySelectorAll('.jb-box canvas')).toHaveLength(0);
    // A lit clip indicator is a button; a click resets it.
    const meters = store.getState().meters;
    const { newMeterFrame } = await import('@jackbay/core/meter-frame');
    const frame = newMeterFrame(1, 1);
    frame.values.set([3, 0, 5]);
    meters.expect(['synth:out_L'], 1);
    act(() => void meters.feed(frame.bytes));
    const clip = screen.getByRole('button', { name: 'Reset clip of synth:out_L' });
    // The box's layer writes the meter's ARIA values from the live channel.
    const synthL = screen.getByRole('meter', { name: 'Level of synth:out_L' });
    await waitFor(() => expect(synthL.getAttribute('aria-valuenow')).toBe('3.0'));
    expect(synthL.getAttribute('aria-valuetext')).toMatch(/^peak 3\.0 dBFS/);
    // One canvas for the box with sound, drawing all of its meters; each meter keeps its element.
    const synth = synthL.closest('.jb-box') as HTMLElement;
    await waitFor(() => expect(synth.querySelectorAll('canvas')).toHaveLength(1));
    expect(synth.querySelectorAll('[role="meter"]').length).toBeGreaterThan(1);
    expect(document.querySelectorAll('.jb-box canvas')).toHaveLength(1);
    fireEvent.click(clip);
    expect(screen.queryByRole('button', { name: 'Reset clip of synth:out_L' })).toBeNull();
    // One client off, then all.
    fireEvent.click(screen.getByRole('button', { name: 'Meters of synth' }));
    expect(screen.queryByRole('meter', { name: 'Level of synth:out_L' })).toBeNull();
    expect(screen.getByRole('meter', { name: 'Level of fx:out_1' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Meters' }));
    expect(screen.queryAllByRole('meter')).toHaveLength(0);
  });

  it('shows what to do when no server runs', async () => {
    await renderApp({ ...up, server: 'down', reason: 'server not running', transport: null });
    expect(screen.getByText('No JACK server is running')).toBeTruthy();
    expect(screen.getByText(/server not running/)).toBeTruthy();
    expect(screen.getByText('pnpm start --demo')).toBeTruthy();
  });
});
