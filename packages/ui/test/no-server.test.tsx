// @vitest-environment jsdom
// The no-server card suggests only commands that exist where the renderer
// runs: the web host is started with `pnpm serve`, the desktop app with
// `pnpm start`; neither has a `jackbay` command on PATH.
import type { ServerStatus } from '@jackbay/core/contract';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../src/api/ws';
import { NoServer } from '../src/components/NoServer';
import { StoreProvider } from '../src/store/context';
import { createJackbayStore } from '../src/store/store';

afterEach(cleanup);

const down: ServerStatus = {
  server: 'down',
  reason: 'server not running',
  serverName: null,
  sampleRate: 0,
  bufferSize: 0,
  latencyMs: 0,
  dspLoad: 0,
  xrunCount: 0,
  lastXrunDelayUs: null,
  ownClient: null,
  demo: false,
  transport: null,
  implementation: null,
};

function cardFor(host: Host): string {
  const store = createJackbayStore();
  act(() => {
    store.setState({ link: 'open' });
    store.getState().setStatus(down);
  });
  render(
    <StoreProvider store={store}>
      <NoServer host={host} />
    </StoreProvider>,
  );
  return screen.getByTestId('no-server').textContent ?? '';
}

describe('the no-server card', () => {
  it('in the web host: pnpm serve, jackd; nothing of the desktop app, no jackbay command', () => {
    const text = cardFor('web');
    expect(text).toContain('pnpm serve --demo');
    expect(text).toContain('jackd -d');
    expect(text).not.toContain('pnpm start');
    expect(text).not.toContain('jackbay serve');
  });

  it('in the desktop app: pnpm start, jackd; nothing of the web host, no jackbay command', () => {
    const text = cardFor('desktop');
    expect(text).toContain('pnpm start --demo');
    expect(text).toContain('jackd -d');
    expect(text).not.toContain('pnpm serve');
    expect(text).not.toContain('jackbay serve');
  });
});
