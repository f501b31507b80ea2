// The whole app rendered in jsdom with a service that answers the first
// requests with the small studio (fixtures.ts), for tests of what a person sees.
import type { ServerStatus } from '@jackbay/core/contract';
import { act, render } from '@testing-library/react';
import type { JackbayTransport } from '../src/api/ws';
import { App } from '../src/components/App';
import { emptyRestore } from '../src/store/restore';
import { createJackbayStore, type StoreOptions } from '../src/store/store';
import { studio } from './fixtures';

/** Call in beforeAll: what jsdom lacks and React Flow needs to draw nodes and edges. */
export function fakeLayout(): void {
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
}

export const up: ServerStatus = {
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

export async function renderApp(status = up, options: StoreOptions = {}) {
  const store = createJackbayStore(options);
  render(<App store={store} api={api(status)} />);
  await act(async () => {
    await new Promise((r) => setTimeout(r, 20));
  });
  return store;
}
