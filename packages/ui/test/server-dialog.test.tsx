// @vitest-environment jsdom
// Server control in a real React render: the "Server…" dialog opened from the
// no-server page and the status bar, its settings, Start with jackd's error,
// Stop with the confirm step for a server Jackbay did not start; the status
// bar's buffer size and xrun reset.
import type {
  RequestName,
  ServerControlState,
  ServerSettings,
  ServerStatus,
} from '@jackbay/core/contract';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { JackbayTransport } from '../src/api/ws';
import { NoServer } from '../src/components/NoServer';
import { ServerDialogWhenOpen } from '../src/components/ServerDialog';
import { StatusBar } from '../src/components/StatusBar';
import { StoreProvider } from '../src/store/context';
import { emptyRestore } from '../src/store/restore';
import { createJackbayStore } from '../src/store/store';
import { studio } from './fixtures';
import { settle, status } from './service';

afterEach(cleanup);

const SETTINGS: ServerSettings = {
  driver: 'dummy',
  device: null,
  rate: 48000,
  period: 256,
  periods: 2,
  realtime: true,
};

const DEVICES: ServerControlState['devices'] = [
  {
    id: 'hw:1,0',
    card: 1,
    device: 0,
    cardId: 'USB',
    cardName: 'Scarlett 2i2 USB',
    name: 'USB Audio',
    playback: true,
    capture: true,
  },
];

interface Behaviour {
  server: ServerStatus;
  startedByJackbay: boolean;
  startError?: { code: string; message: string };
}

// The transport of a service whose server control acts as core's does (core's
// own tests run it against real jackd): it records what the page asked.
function fakeService(behaviour: Behaviour) {
  const sent: Array<{ method: RequestName; params: unknown }> = [];
  let control: ServerControlState = {
    settings: SETTINGS,
    startedByJackbay: behaviour.startedByJackbay,
    running: behaviour.server.server === 'up',
    busy: false,
    devices: DEVICES,
    lastError: null,
    settingsProblem: null,
  };
  const api: JackbayTransport = {
    async request(method, params) {
      sent.push({ method, params });
      switch (method) {
        case 'getStatus':
          return behaviour.server as never;
        case 'getSnapshot':
          return studio() as never;
        case 'getTools':
          return { tones: [], thrus: [] } as never;
        case 'getRestore':
          return emptyRestore as never;
        case 'getServerControl':
          return control as never;
        case 'setServerSettings':
          control = { ...control, settings: params as ServerSettings };
          return control as never;
        case 'startServer':
          if (behaviour.startError) {
            control = { ...control, lastError: behaviour.startError as never };
            throw behaviour.startError;
          }
          control = { ...control, startedByJackbay: true, running: true };
          return control as never;
        case 'stopServer':
          if (!control.startedByJackbay && !(params as { confirm?: boolean }).confirm)
            throw { code: 'confirm-needed', message: 'Jackbay did not start it' };
          control = { ...control, startedByJackbay: false, running: false };
          return control as never;
        default:
          return null as never;
      }
    },
    subscribe: () => () => {},
  };
  return { api, sent, calls: (method: RequestName) => sent.filter((s) => s.method === method) };
}

const down = status({ server: 'down', reason: 'not running', transport: null, bufferSize: 0 });

async function renderApp(behaviour: Behaviour) {
  const service = fakeService(behaviour);
  const store = createJackbayStore();
  store.getState().attach(service.api);
  await act(settle);
  render(
    <StoreProvider store={store}>
      <NoServer host="web" />
      <StatusBar />
      <ServerDialogWhenOpen />
    </StoreProvider>,
  );
  return { ...service, store };
}

const dialog = () => screen.getByRole('dialog', { name: 'JACK server' });
const select = (name: string) =>
  within(dialog()).getByRole('combobox', { name }) as HTMLSelectElement;

describe('the server dialog', () => {
  it('opens from the no-server page with every setting named, and saves what changes', async () => {
    const { calls } = await renderApp({ server: down, startedByJackbay: false });
    fireEvent.click(screen.getByRole('button', { name: 'Start JACK server…' }));
    await act(settle);
    expect(calls('getServerControl')).toHaveLength(1);
    expect(select('Driver').value).toBe('dummy');
    expect(select('Sample rate').value).toBe('48000');
    expect(select('Frames per period').value).toBe('256');
    expect(select('Periods per buffer').disabled).toBe(true);
    expect(select('Device').disabled).toBe(true);
    expect(within(dialog()).getByRole('checkbox', { name: 'Realtime scheduling' })).toBeTruthy();
    // Each period size shows its latency at the chosen rate.
    expect(
      within(select('Frames per period')).getByRole('option', { name: '256 (5.33 ms)' }),
    ).toBeTruthy();

    fireEvent.change(select('Driver'), { target: { value: 'alsa' } });
    await act(settle);
    expect(calls('setServerSettings').at(-1)?.params).toEqual({ ...SETTINGS, driver: 'alsa' });
    // ALSA needs a device before it can start; the devices come from /proc/asound.
    expect(within(dialog()).getByRole('button', { name: 'Start' }).hasAttribute('disabled')).toBe(
      true,
    );
    expect(
      within(select('Device')).getByRole('option', {
        name: 'hw:1,0 · Scarlett 2i2 USB: USB Audio (playback + capture)',
      }),
    ).toBeTruthy();
    fireEvent.change(select('Device'), { target: { value: 'hw:1,0' } });
    fireEvent.change(select('Periods per buffer'), { target: { value: '3' } });
    await act(settle);
    expect(calls('setServerSettings').at(-1)?.params).toEqual({
      ...SETTINGS,
      driver: 'alsa',
      device: 'hw:1,0',
      periods: 3,
    });
    expect(within(dialog()).getByRole('button', { name: 'Start' }).hasAttribute('disabled')).toBe(
      false,
    );

    fireEvent.keyDown(dialog(), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it("starts a server, and shows jackd's own message when it does not start", async () => {
    const failing = {
      code: 'server-start-failed',
      message: "jackd 'x' exited at start: Unknown driver",
    };
    const { calls } = await renderApp({
      server: down,
      startedByJackbay: false,
      startError: failing,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Start JACK server…' }));
    await act(settle);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Start' }));
    await act(settle);
    expect(calls('startServer')).toHaveLength(1);
    expect(within(dialog()).getByRole('alert').textContent).toContain('Unknown driver');
  });

  it('stops a server Jackbay did not start only after the confirm step', async () => {
    const { calls } = await renderApp({ server: status(), startedByJackbay: false });
    fireEvent.click(screen.getByRole('button', { name: 'JACK server settings, start and stop' }));
    await act(settle);
    expect(within(dialog()).getByRole('status').textContent).toMatch(/started outside Jackbay/);
    expect(within(dialog()).getByRole('button', { name: 'Start' }).hasAttribute('disabled')).toBe(
      true,
    );

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Stop' }));
    await act(settle);
    expect(calls('stopServer').map((c) => c.params)).toEqual([{ confirm: false }]);
    const confirm = within(dialog()).getByRole('group', {
      name: 'Stop a server Jackbay did not start?',
    });
    expect(document.activeElement?.textContent).toBe('Keep it running');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep it running' }));
    expect(calls('stopServer')).toHaveLength(1);
    // The focus stays in the dialog, on Stop.
    expect(document.activeElement?.textContent).toBe('Stop');
    expect(within(dialog()).queryByRole('group', { name: /did not start/ })).toBeNull();

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Stop' }));
    await act(settle);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Stop the server' }));
    await act(settle);
    expect(calls('stopServer').map((c) => c.params)).toEqual([
      { confirm: false },
      { confirm: false },
      { confirm: true },
    ]);
  });

  it('stops a server Jackbay started without asking', async () => {
    const { calls } = await renderApp({ server: status(), startedByJackbay: true });
    fireEvent.click(screen.getByRole('button', { name: 'JACK server settings, start and stop' }));
    await act(settle);
    expect(within(dialog()).getByRole('status').textContent).toMatch(/started by Jackbay/);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Stop' }));
    await act(settle);
    expect(calls('stopServer').map((c) => c.params)).toEqual([{ confirm: false }]);
    expect(screen.queryByTestId('server-confirm')).toBeNull();
  });
});

describe('the status bar', () => {
  it('changes the buffer size, each size with its latency', async () => {
    const { calls } = await renderApp({ server: status(), startedByJackbay: false });
    const bufsize = screen.getByRole('combobox', { name: 'Buffer size' }) as HTMLSelectElement;
    expect(bufsize.value).toBe('256');
    expect(within(bufsize).getByRole('option', { name: '1024 (21.33 ms)' })).toBeTruthy();
    fireEvent.change(bufsize, { target: { value: '1024' } });
    await act(settle);
    expect(calls('setBufferSize').map((c) => c.params)).toEqual([{ frames: 1024 }]);
  });

  it('resets the xrun count once there are xruns', async () => {
    const { calls } = await renderApp({
      server: status({ xrunCount: 3 }),
      startedByJackbay: false,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Reset xrun count' }));
    await act(settle);
    expect(calls('resetXruns')).toHaveLength(1);
  });
});
