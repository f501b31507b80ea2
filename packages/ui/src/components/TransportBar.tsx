import { useShallow } from 'zustand/react/shallow';
import { formatBbt, formatTime } from '../format';
import { useJackbay } from '../store/context';
import { selectLive } from '../store/link';

export function TransportBar() {
  const { transport, sampleRate, up, act } = useJackbay(
    useShallow((s) => ({
      transport: s.status?.transport ?? null,
      sampleRate: s.status?.sampleRate ?? 0,
      up: selectLive(s),
      act: s.transport,
    })),
  );
  // Without a live transport (no link, no server) nothing is known: dashes,
  // as in the status bar, never a made-up 'stopped' at frame 0.
  const state = up ? (transport?.state ?? null) : null;
  const rolling = state === 'rolling' || state === 'starting';
  const rate = transport?.frameRate || sampleRate;
  const disabled = !up || transport === null;
  return (
    <fieldset className="jb-transport" aria-label="Transport">
      <button
        type="button"
        className="jb-tbtn"
        aria-label="Rewind"
        data-testid="transport-rewind"
        title="Rewind to the start"
        disabled={disabled}
        onClick={() => void act('rewind')}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3 3h2v10H3zM13 3v10L6 8z" />
        </svg>
      </button>
      <button
        type="button"
        className={`jb-tbtn jb-play${rolling ? ' active' : ''}`}
        aria-label="Play"
        data-testid="transport-play"
        aria-pressed={rolling}
        title="Start the transport"
        disabled={disabled}
        onClick={() => void act('play')}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M4 2.5v11L13.5 8z" />
        </svg>
      </button>
      <button
        type="button"
        className={`jb-tbtn jb-stop${!rolling ? ' active' : ''}`}
        aria-label="Stop"
        data-testid="transport-stop"
        title="Stop the transport"
        disabled={disabled}
        onClick={() => void act('stop')}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3.5 3.5h9v9h-9z" />
        </svg>
      </button>
      <span
        className={`jb-tstate jb-tstate-${state ?? 'unknown'}`}
        data-testid="transport-state"
        data-state={state ?? 'unknown'}
        role="status"
      >
        {state ?? '—'}
      </span>
      <span className="jb-clock" title="Time (h:mm:ss.ms)" data-testid="transport-time">
        {state && transport ? formatTime(transport.frame, rate) : '–:––:––.–––'}
      </span>
      <span className="jb-bbt" title="Bar | beat | tick" data-testid="transport-bbt">
        {state && transport?.bbt ? formatBbt(transport.bbt) : '---|-|----'}
      </span>
      {state && transport?.bbt && (
        <span className="jb-bpm" title="Tempo">
          {transport.bbt.beatsPerMinute.toFixed(1)} BPM · {transport.bbt.beatsPerBar}/
          {transport.bbt.beatType}
        </span>
      )}
      <span className="jb-frame" title="Frame" data-testid="transport-frame">
        {state && transport ? transport.frame : '–'}
      </span>
    </fieldset>
  );
}
