import { useShallow } from 'zustand/react/shallow';
import { formatBbt, formatTime } from '../format';
import { useJackbay } from '../store/context';
import { selectLive } from '../store/link';
import { parseLocate } from '../transport/locate';
import { parseSignature, parseTempo } from '../transport/tempo';
import { InlineEdit } from './InlineEdit';

export function TransportBar() {
  const { transport, sampleRate, up, act, locate, setTimebaseMaster, setTempo } = useJackbay(
    useShallow((s) => ({
      transport: s.status?.transport ?? null,
      sampleRate: s.status?.sampleRate ?? 0,
      up: selectLive(s),
      act: s.transport,
      locate: s.locate,
      setTimebaseMaster: s.setTimebaseMaster,
      setTempo: s.setTempo,
    })),
  );
  // Without a live transport (no link, no server) nothing is known: dashes,
  // as in the status bar, never a made-up 'stopped' at frame 0.
  const state = up ? (transport?.state ?? null) : null;
  const rolling = state === 'rolling' || state === 'starting';
  const rate = transport?.frameRate || sampleRate;
  const disabled = !up || transport === null;
  const bbt = state && transport ? transport.bbt : null;
  const master = up && transport?.timebase === 'jackbay';
  const failed = (done: boolean) => (done ? null : 'The server refused it (see the message).');
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
      <InlineEdit
        className="jb-clock"
        label="Locate"
        title="Time (h:mm:ss.ms): click to go to a time (1:23.5) or a bar|beat|tick (12|3|0)"
        placeholder="1:23.5 or 12|3|0"
        testId="transport-time"
        disabled={disabled}
        initial={() => (state && transport ? formatTime(transport.frame, rate) : '')}
        commit={async (text) => {
          const target = parseLocate(text, rate, bbt);
          if ('error' in target) return target.error;
          return failed(await locate(target.frame));
        }}
      >
        {state && transport ? formatTime(transport.frame, rate) : '–:––:––.–––'}
      </InlineEdit>
      <span className="jb-bbt" title="Bar | beat | tick" data-testid="transport-bbt">
        {bbt ? formatBbt(bbt) : '---|-|----'}
      </span>
      {bbt && master && (
        <>
          <InlineEdit
            className="jb-bpm"
            label="Tempo"
            title="Tempo in beats per minute: click to change"
            inputMode="decimal"
            testId="transport-bpm"
            initial={() => String(Math.round(bbt.beatsPerMinute * 100) / 100)}
            commit={async (text) => {
              const tempo = parseTempo(text);
              if (typeof tempo === 'string') return tempo;
              return failed(await setTempo({ beatsPerMinute: tempo }));
            }}
          >
            {bbt.beatsPerMinute.toFixed(1)} BPM
          </InlineEdit>
          <InlineEdit
            className="jb-bpm"
            label="Time signature"
            title="Time signature (beats per bar / beat type): click to change"
            testId="transport-signature"
            initial={() => `${bbt.beatsPerBar}/${bbt.beatType}`}
            commit={async (text) => {
              const signature = parseSignature(text);
              if (typeof signature === 'string') return signature;
              return failed(await setTempo(signature));
            }}
          >
            {bbt.beatsPerBar}/{bbt.beatType}
          </InlineEdit>
        </>
      )}
      {bbt && !master && (
        <span
          className="jb-bpm"
          title="Tempo, from the timebase master"
          data-testid="transport-bpm"
        >
          {bbt.beatsPerMinute.toFixed(1)} BPM · {bbt.beatsPerBar}/{bbt.beatType}
        </span>
      )}
      <button
        type="button"
        className={`jb-tbtn jb-master${master ? ' active' : ''}`}
        aria-label="Timebase master"
        aria-pressed={master}
        data-testid="transport-master"
        title={
          master
            ? 'Jackbay is the timebase master: click to give it up'
            : transport?.timebase === 'other'
              ? 'Another client is the timebase master'
              : 'Make Jackbay the timebase master: it then reports bars, beats and a tempo you set'
        }
        disabled={disabled}
        onClick={() => void setTimebaseMaster(!master)}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M6.5 1.5h3L13 14.5H3zM8 4.2 7.3 9h1.4zM5 12.5h6l-.4-1.5H5.4z" />
        </svg>
      </button>
      <span className="jb-frame" title="Frame" data-testid="transport-frame">
        {state && transport ? transport.frame : '–'}
      </span>
    </fieldset>
  );
}
