import { BUFFER_SIZES } from '@jackbay/core/server-options';
import { useCallback, useRef, useState, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatImplementation, formatLatency, formatRate } from '../format';
import { useJackbay } from '../store/context';
import { DSP_HISTORY, selectLive } from '../store/link';
import { NOT_METERED_WHY } from './Meter';
import { Sparkline } from './Sparkline';

const FLASH_EVERY_MS = 1000;
/** Shown for a value nobody knows now (no link, no server): never the last one seen. */
const UNKNOWN = '—';

function XrunCounter({ live }: { live: boolean }) {
  const { count, flash, lastDelay } = useJackbay(
    useShallow((s) => ({
      count: s.status?.xrunCount ?? 0,
      flash: s.xrunFlash,
      lastDelay: s.status?.lastXrunDelayUs ?? null,
    })),
  );
  // The key restarts the flash animation; during a burst of xruns restart it
  // at most once a second, since each restart repaints the whole window.
  const shown = useRef({ flash, at: 0, key: flash });
  if (flash !== shown.current.flash) {
    const now = performance.now();
    shown.current.flash = flash;
    if (now - shown.current.at >= FLASH_EVERY_MS) shown.current = { flash, at: now, key: flash };
  }
  const title = !live
    ? 'Xruns: unknown while no server is reachable'
    : lastDelay === null
      ? 'No xrun yet'
      : `Last xrun: ${(lastDelay / 1000).toFixed(2)} ms late`;
  return (
    <span
      key={shown.current.key}
      className={`jb-stat jb-xruns${live && count > 0 ? ' has-xruns' : ''}${live && flash > 0 ? ' flash' : ''}`}
      title={title}
      data-testid="xrun-count"
    >
      <span className="jb-stat-label">Xruns</span>
      <span className="jb-stat-value">{live ? count : UNKNOWN}</span>
    </span>
  );
}

/** How many ports the page asked to meter have no meter: the server refused more probe ports. */
function NotMetered() {
  const meters = useJackbay((s) => s.meters);
  const count = useSyncExternalStore(
    useCallback((listener: () => void) => meters.onMarks(listener), [meters]),
    () => meters.notMeteredCount,
  );
  if (count === 0) return null;
  return (
    <span className="jb-stat jb-not-metered" title={NOT_METERED_WHY} data-testid="not-metered">
      <span className="jb-stat-label">Not metered</span>
      <span className="jb-stat-value">
        {count} {count === 1 ? 'port' : 'ports'}
      </span>
    </span>
  );
}

/**
 * The running server's buffer size, changed here (JACK2 changes it live); each
 * choice shows the latency of one period at the server's rate.
 */
function BufferSize({ frames, rate }: { frames: number; rate: number }) {
  const setBufferSize = useJackbay((s) => s.setBufferSize);
  const sizes: readonly number[] = BUFFER_SIZES.includes(frames as (typeof BUFFER_SIZES)[number])
    ? BUFFER_SIZES
    : [...BUFFER_SIZES, frames].sort((a, b) => a - b);
  return (
    <select
      className="jb-stat-value jb-bufsize"
      aria-label="Buffer size"
      data-testid="buffer-size"
      value={frames}
      onChange={(e) => void setBufferSize(Number(e.target.value))}
    >
      {sizes.map((size) => (
        <option key={size} value={size}>
          {size === frames ? size : `${size} (${formatLatency(size, rate)})`}
        </option>
      ))}
    </select>
  );
}

/** Jackbay's own count starts again; JACK itself keeps no count a client could reset. */
function ResetXruns() {
  const { count, live, resetXruns } = useJackbay(
    useShallow((s) => ({
      count: s.status?.xrunCount ?? 0,
      live: selectLive(s),
      resetXruns: s.resetXruns,
    })),
  );
  if (!live || count === 0) return null;
  return (
    <button
      type="button"
      className="jb-btn jb-btn-small jb-xrun-reset"
      aria-label="Reset xrun count"
      title="Reset Jackbay's xrun count (JACK's own statistics, e.g. jackdbus's, are not touched)"
      onClick={() => void resetXruns()}
    >
      Reset
    </button>
  );
}

/** Opens the "Server…" dialog: start, stop and the settings of a JACK server. */
function ServerButton() {
  const { open, enabled } = useJackbay(
    useShallow((s) => ({ open: s.openServerDialog, enabled: s.link === 'open' })),
  );
  return (
    <button
      type="button"
      className="jb-btn jb-btn-small"
      aria-label="JACK server settings, start and stop"
      aria-haspopup="dialog"
      disabled={!enabled}
      onClick={open}
    >
      Server…
    </button>
  );
}

function DspLoad({ live }: { live: boolean }) {
  const history = useJackbay((s) => s.dspHistory);
  const load = history[history.length - 1];
  return (
    <span className="jb-stat jb-dsp" title="DSP load: share of each period JACK spent processing">
      <span className="jb-stat-label">DSP</span>
      <span className="jb-stat-value" data-testid="dsp-load">
        {live && load !== undefined ? `${load.toFixed(1)}%` : UNKNOWN}
      </span>
      <Sparkline values={history} slots={DSP_HISTORY} />
    </span>
  );
}

function Counts() {
  const { clients, ports, connections } = useJackbay(
    useShallow((s) => ({
      clients: s.graph.clients.size,
      ports: s.graph.ports.size,
      connections: s.graph.connections.size,
    })),
  );
  return (
    <span className="jb-counts">
      {clients} clients · {ports} ports · {connections} connections
    </span>
  );
}

export function StatusBar() {
  const { status, link, live } = useJackbay(
    useShallow((s) => ({ status: s.status, link: s.link, live: selectLive(s) })),
  );
  const up = status?.server === 'up';
  // The values of a running server, or dashes: the slots stay put so the bar does not jump.
  const values = live && status ? status : null;
  const state =
    link !== 'open'
      ? link === 'connecting'
        ? 'Connecting to the Jackbay service…'
        : link === 'refused'
          ? 'The Jackbay service refused this page: no valid token'
          : 'Service connection lost, reconnecting…'
      : !status
        ? 'Waiting for status…'
        : up
          ? `${formatImplementation(status.implementation)} running${status.serverName ? ` · ${status.serverName}` : ''}`
          : 'No JACK server';
  return (
    <footer className="jb-statusbar">
      <span
        className={`jb-server jb-server-${link !== 'open' ? 'link' : up ? 'up' : 'down'}`}
        role="status"
        data-testid="server-state"
        data-state={link !== 'open' ? link : (status?.server ?? 'unknown')}
      >
        <span className="jb-dot" aria-hidden="true" />
        <span className="jb-server-text" title={state}>
          {state}
        </span>
      </span>
      {status?.demo && <span className="jb-badge">demo</span>}
      <span className="jb-stat" title="Sample rate">
        <span className="jb-stat-value" data-testid="sample-rate">
          {values ? formatRate(values.sampleRate) : UNKNOWN}
        </span>
      </span>
      <span className="jb-stat" title="Buffer size (frames per period)">
        {values ? (
          <BufferSize frames={values.bufferSize} rate={values.sampleRate} />
        ) : (
          <span className="jb-stat-value" data-testid="buffer-size">
            {UNKNOWN}
          </span>
        )}
        <span className="jb-stat-label">frames</span>
      </span>
      <span className="jb-stat" title="Latency of one period">
        <span className="jb-stat-value" data-testid="latency">
          {!values
            ? UNKNOWN
            : values.latencyMs > 0
              ? `${values.latencyMs.toFixed(2)} ms`
              : formatLatency(values.bufferSize, values.sampleRate)}
        </span>
      </span>
      <DspLoad live={live} />
      <XrunCounter live={live} />
      <ResetXruns />
      <NotMetered />
      <span className="jb-spacer" />
      <ServerButton />
      <Restore />
      {live && <Counts />}
    </footer>
  );
}

/**
 * Never lose a patch: the switch for re-making remembered connections, and a
 * note of the last re-making with its undo until the person sets it aside.
 */
function Restore() {
  const { enabled, last, seen, setRestoring, undoRestore, setRestoreSeen } = useJackbay(
    useShallow((s) => ({
      enabled: s.restore.enabled,
      last: s.restore.lastRestore,
      seen: s.restoreSeen,
      setRestoring: s.setRestoring,
      undoRestore: s.undoRestore,
      setRestoreSeen: s.setRestoreSeen,
    })),
  );
  const note = last && last.id !== seen ? last : null;
  const count = note?.connections.length ?? 0;
  return (
    <span className="jb-restore">
      {note && (
        <span className="jb-restore-note" role="status" data-testid="restore-note">
          Re-made {count} connection{count === 1 ? '' : 's'}
          {note.clients.length > 0 ? ` for ${note.clients.join(', ')}` : ''}
          <button
            type="button"
            className="jb-btn jb-btn-small"
            onClick={() => void undoRestore(note.id)}
          >
            Undo
          </button>
          <button
            type="button"
            className="jb-btn jb-btn-small"
            aria-label="Dismiss the note"
            onClick={() => setRestoreSeen(note.id)}
          >
            ×
          </button>
        </span>
      )}
      <button
        type="button"
        className={`jb-btn jb-btn-small jb-restore-toggle${enabled ? ' is-on' : ''}`}
        aria-pressed={enabled}
        aria-label="Restore connections"
        title={
          enabled
            ? 'Connections of clients that come back (and of a restarted server) are made again. Click to stop.'
            : 'Connections are not made again when clients come back. Click to restore them.'
        }
        onClick={() => void setRestoring(!enabled)}
      >
        ↺ {enabled ? 'Restore' : 'Restore off'}
      </button>
      <MergeRules />
    </span>
  );
}

/**
 * Which differently named clients are one (a program that comes back as
 * "Firefox-417" after "Firefox-233"): one regular expression per line; a
 * returning client that matches one gets the connections of the ghost that
 * matched it. The service checks every pattern and refuses a bad one whole.
 */
function MergeRules() {
  const { rules, setMergeRules } = useJackbay(
    useShallow((s) => ({ rules: s.restore.mergeRules, setMergeRules: s.setMergeRules })),
  );
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  return (
    <>
      <button
        type="button"
        className="jb-btn jb-btn-small"
        aria-expanded={open}
        title="Clients that count as one when they come back under another name"
        onClick={() => {
          setText(rules.join('\n'));
          setOpen(!open);
        }}
      >
        Same client…
      </button>
      {open && (
        <form
          className="jb-merge-rules"
          aria-label="Clients that are one"
          onSubmit={(e) => {
            e.preventDefault();
            const next = text
              .split('\n')
              .map((line) => line.trim())
              .filter((line) => line !== '');
            void setMergeRules(next).then((ok) => ok && setOpen(false));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          <label>
            A returning client is the one that went away when both names match one of these regular
            expressions (one per line), e.g. <code>^Firefox-\d+$</code>
            <textarea
              value={text}
              rows={3}
              spellCheck={false}
              // biome-ignore lint/a11y/noAutofocus: the form opens on purpose to type into it
              autoFocus
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <button type="submit" className="jb-btn jb-btn-small">
            Apply
          </button>
        </form>
      )}
    </>
  );
}
