// The "Server…" dialog: the settings of a JACK server Jackbay starts (driver,
// sound card device, rate, period, periods, realtime), Start and Stop.
// Settings are saved as they change and apply at the next start. Stopping a
// server Jackbay did not start asks first, here in the dialog.
import type { AudioDevice, ServerSettings } from '@jackbay/core/contract';
import {
  BUFFER_SIZES,
  JACK_DRIVERS,
  PERIODS_RANGE,
  SAMPLE_RATES,
} from '@jackbay/core/server-options';
import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatLatency, formatRate } from '../format';
import { useJackbay } from '../store/context';

const DRIVER_NAMES: Record<ServerSettings['driver'], string> = {
  dummy: 'Dummy (no sound card)',
  alsa: 'ALSA (a sound card)',
};

const PERIOD_COUNTS = Array.from(
  { length: PERIODS_RANGE.max - PERIODS_RANGE.min + 1 },
  (_, i) => PERIODS_RANGE.min + i,
);

function deviceLabel(device: AudioDevice): string {
  const directions = [device.playback && 'playback', device.capture && 'capture']
    .filter(Boolean)
    .join(' + ');
  return `${device.id} · ${device.cardName}: ${device.name}${directions ? ` (${directions})` : ''}`;
}

/** The dialog while the store says it is open (from the status bar or the no-server page). */
export function ServerDialogWhenOpen() {
  const open = useJackbay((s) => s.serverDialogOpen);
  return open ? <ServerDialog /> : null;
}

/** Mounted while open: it takes the focus and gives it back when it closes. */
export function ServerDialog() {
  const { control, status, close, save, start, stop } = useJackbay(
    useShallow((s) => ({
      control: s.serverControl,
      status: s.status,
      close: s.closeServerDialog,
      save: s.saveServerSettings,
      start: s.startServer,
      stop: s.stopServer,
    })),
  );
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState<'start' | 'stop' | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  const titleId = useId();

  // The confirm step takes the focus on its safe answer, and gives it back to
  // Stop when it goes: the focus never falls out of the dialog onto the page.
  useEffect(() => {
    if (confirming) keepButton.current?.focus();
    else if (wasConfirming.current) stopButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  useEffect(() => {
    const returnTo = document.activeElement;
    dialog.current?.querySelector<HTMLElement>('select, button')?.focus();
    return () => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
    };
  }, []);

  // What the person chose, shown at once: a second change before the service
  // answered the first must build on it, not on the service's older settings.
  const [draft, setDraft] = useState<ServerSettings | null>(null);
  const settings = draft ?? control?.settings ?? null;
  const running = status?.server === 'up' || (control?.running ?? false);
  const busy = pending !== null || (control?.busy ?? false);
  const change = (next: Partial<ServerSettings>) => {
    if (!settings) return;
    const merged = { ...settings, ...next };
    setDraft(merged);
    // Refused (a toast says why): show what the service kept.
    void save(merged).then((saved) => saved || setDraft(null));
  };
  const onStart = async () => {
    setPending('start');
    await start();
    setPending(null);
  };
  const onStop = async (confirm: boolean) => {
    setPending('stop');
    const outcome = await stop(confirm);
    setPending(null);
    setConfirming(outcome === 'confirm');
  };

  const state = !running
    ? `No JACK server${status?.serverName ? ` '${status.serverName}'` : ''} is running.`
    : control?.startedByJackbay
      ? `Running: started by Jackbay${status?.serverName ? ` as '${status.serverName}'` : ''}; it stops when Jackbay stops.`
      : `Running: started outside Jackbay${status?.serverName ? ` ('${status.serverName}')` : ''}; Jackbay leaves it running when it stops.`;
  const devices = control?.devices ?? [];
  const alsa = settings?.driver === 'alsa';

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Escape does from the keyboard
    <div
      className="jb-modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        ref={dialog}
        className="jb-dialog jb-server-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="server-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            if (confirming) setConfirming(false);
            else close();
          }
        }}
      >
        <div className="jb-dialog-head">
          <h2 className="jb-dialog-title" id={titleId}>
            JACK server
          </h2>
          <button
            type="button"
            className="jb-btn jb-btn-small"
            aria-label="Close the server dialog"
            onClick={close}
          >
            ×
          </button>
        </div>
        <div className="jb-server-body">
          <p
            className={`jb-server-state${running ? ' is-up' : ''}`}
            role="status"
            data-testid="server-dialog-state"
          >
            {busy ? (pending === 'stop' ? 'Stopping…' : 'Starting…') : state}
          </p>
          {control?.settingsProblem && (
            <p className="jb-server-note" data-testid="server-settings-problem">
              {control.settingsProblem}
            </p>
          )}
          {!settings ? (
            <p className="jb-server-note">Reading the settings…</p>
          ) : (
            <fieldset className="jb-server-settings" disabled={busy}>
              <legend>Settings for the next start</legend>
              <label>
                <span>Driver</span>
                <select
                  aria-label="Driver"
                  value={settings.driver}
                  onChange={(e) => change({ driver: e.target.value as ServerSettings['driver'] })}
                >
                  {JACK_DRIVERS.map((driver) => (
                    <option key={driver} value={driver}>
                      {DRIVER_NAMES[driver]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span>Device</span>
                <select
                  aria-label="Device"
                  value={settings.device ?? ''}
                  disabled={!alsa}
                  onChange={(e) => change({ device: e.target.value || null })}
                >
                  <option value="">
                    {devices.length === 0
                      ? 'No sound card found (/proc/asound)'
                      : 'Choose a device'}
                  </option>
                  {settings.device && !devices.some((d) => d.id === settings.device) && (
                    <option value={settings.device}>{settings.device} (not present now)</option>
                  )}
                  {devices.map((device) => (
                    <option key={device.id} value={device.id}>
                      {deviceLabel(device)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span>Sample rate</span>
                <select
                  aria-label="Sample rate"
                  value={settings.rate}
                  onChange={(e) => change({ rate: Number(e.target.value) })}
                >
                  {SAMPLE_RATES.map((rate) => (
                    <option key={rate} value={rate}>
                      {formatRate(rate)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span>Frames per period</span>
                <select
                  aria-label="Frames per period"
                  value={settings.period}
                  onChange={(e) => change({ period: Number(e.target.value) })}
                >
                  {BUFFER_SIZES.map((frames) => (
                    <option key={frames} value={frames}>
                      {frames} ({formatLatency(frames, settings.rate)})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span>Periods per buffer</span>
                <select
                  aria-label="Periods per buffer"
                  value={settings.periods}
                  disabled={!alsa}
                  title={alsa ? undefined : 'The dummy driver has no periods setting'}
                  onChange={(e) => change({ periods: Number(e.target.value) })}
                >
                  {PERIOD_COUNTS.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              <label className="jb-server-check">
                <input
                  type="checkbox"
                  checked={settings.realtime}
                  onChange={(e) => change({ realtime: e.target.checked })}
                />
                <span>Realtime scheduling</span>
              </label>
            </fieldset>
          )}
          {control?.lastError && !busy && (
            <div className="jb-server-error" role="alert" data-testid="server-error">
              <pre>{control.lastError.message}</pre>
            </div>
          )}
          {confirming ? (
            <fieldset className="jb-server-confirm" data-testid="server-confirm">
              <legend>Stop a server Jackbay did not start?</legend>
              <p>
                Jackbay did not start this server. Stopping it stops the audio of every program that
                uses it.
              </p>
              <div className="jb-server-actions">
                <button
                  ref={keepButton}
                  type="button"
                  className="jb-btn"
                  onClick={() => setConfirming(false)}
                >
                  Keep it running
                </button>
                <button
                  type="button"
                  className="jb-btn jb-btn-danger"
                  onClick={() => void onStop(true)}
                >
                  Stop the server
                </button>
              </div>
            </fieldset>
          ) : (
            <div className="jb-server-actions">
              <button
                ref={stopButton}
                type="button"
                className="jb-btn"
                disabled={busy || !running}
                onClick={() => void onStop(false)}
              >
                Stop
              </button>
              <button
                type="button"
                className="jb-btn jb-btn-primary"
                disabled={busy || running || !settings || (alsa && !settings.device)}
                onClick={() => void onStart()}
              >
                Start
              </button>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
