import { useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatLatency, formatRate } from '../format';
import { useJackbay } from '../store/context';
import { DSP_HISTORY, selectLive } from '../store/link';
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
          ? `JACK running${status.serverName ? ` · ${status.serverName}` : ''}`
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
        <span className="jb-stat-value" data-testid="buffer-size">
          {values ? values.bufferSize : UNKNOWN}
        </span>
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
      <span className="jb-spacer" />
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
    </span>
  );
}
