// @vitest-environment jsdom
// The status bar and transport in a real React render: they show the server's
// live values, and nothing stale when the service link or the server is gone.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBar } from '../src/components/StatusBar';
import { TransportBar } from '../src/components/TransportBar';
import { StoreProvider } from '../src/store/context';
import { attached, memoryStorage, status } from './service';

afterEach(cleanup);

async function renderBars() {
  const service = await attached(undefined, memoryStorage(), { withLink: true });
  render(
    <StoreProvider store={service.store}>
      <TransportBar />
      <StatusBar />
    </StoreProvider>,
  );
  return service;
}

const text = (id: string) => screen.getByTestId(id).textContent;
const STATS = ['sample-rate', 'buffer-size', 'latency', 'dsp-load'];

describe('status bar', () => {
  it('shows the live values while the link and the server are up', async () => {
    await renderBars();
    expect(text('sample-rate')).toBe('48 kHz');
    expect((screen.getByTestId('buffer-size') as HTMLSelectElement).value).toBe('256');
    expect(text('dsp-load')).toBe('10.0%');
    expect(screen.getByTestId('transport-play').hasAttribute('disabled')).toBe(false);
  });

  it('shows dashes, not the last values, and disables the transport while the link is lost', async () => {
    const { setLink } = await renderBars();
    act(() => setLink('closed'));
    for (const id of STATS) expect(text(id), id).toBe('—');
    expect(screen.getByTestId('xrun-count').textContent).toContain('—');
    expect(screen.getByTestId('transport-play').hasAttribute('disabled')).toBe(true);
    // Nor a made-up transport: no 'stopped' at frame 0.
    expect(screen.getByTestId('transport-state').dataset.state).toBe('unknown');
    expect(text('transport-frame')).toBe('–');
  });

  it('names the server: JACK2 with its version, PipeWire as the JACK API it serves', async () => {
    const { emit } = await renderBars();
    expect(text('server-state')).toBe('JACK2 1.9.21 running · test');
    act(() => emit('status', status({ implementation: { kind: 'pipewire', version: '0.3.65' } })));
    expect(text('server-state')).toBe('PipeWire 0.3.65 (JACK API) running · test');
    act(() => emit('status', status({ implementation: { kind: 'jack', version: null } })));
    expect(text('server-state')).toBe('JACK running · test');
    act(() => emit('status', status({ server: 'down', reason: 'gone', implementation: null })));
    expect(text('server-state')).toBe('No JACK server');
  });

  it('shows dashes while no server runs', async () => {
    const { emit } = await renderBars();
    act(() => emit('status', status({ server: 'down', reason: 'gone', transport: null })));
    for (const id of STATS) expect(text(id), id).toBe('—');
    expect(screen.getByTestId('transport-play').hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('transport-state').textContent).toBe('—');
  });
});
