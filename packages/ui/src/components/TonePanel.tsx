// The test tone panel: the engine's sine into one input port or a pair, with
// its frequency and level. Its tone lives only while the panel is open:
// closing it (the button, Escape, or the page going away) stops the tone, so
// one can never be left playing unnoticed.
import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useJackbay, useStoreApi } from '../store/context';
import { selectLive } from '../store/link';

const MIN_HZ = 1;
const MIN_DB = -120;

/**
 * A number field that applies a valid value on Enter or when it loses the
 * focus: a playing tone does not sweep through every prefix of what is typed.
 */
function NumberField(props: {
  label: string;
  unit: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onValue(value: number): void;
}) {
  const id = useId();
  const [text, setText] = useState(String(props.value));
  useEffect(() => setText(String(props.value)), [props.value]);
  const value = Number(text);
  const valid =
    text.trim() !== '' && Number.isFinite(value) && value >= props.min && value <= props.max;
  return (
    <div className="jb-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={props.min}
        max={props.max}
        step={props.step}
        value={text}
        aria-invalid={!valid}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (valid && value !== props.value) props.onValue(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && valid && value !== props.value) props.onValue(value);
        }}
      />
      <span className="jb-unit">{props.unit}</span>
    </div>
  );
}

export function TonePanel() {
  const store = useStoreApi();
  const { panel, live, rate } = useJackbay(
    useShallow((s) => ({
      panel: s.tonePanel,
      live: selectLive(s),
      rate: s.status?.sampleRate ?? 48000,
    })),
  );
  const ref = useRef<HTMLDivElement>(null);
  const returnTo = useRef<Element | null>(null);
  const titleId = useId();
  const open = panel !== null;
  const target = panel?.ports.join(' + ') ?? '';

  // biome-ignore lint/correctness/useExhaustiveDependencies: a panel for another port is a new panel
  useEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement;
    ref.current?.querySelector<HTMLElement>('button[aria-pressed]')?.focus();
    return () => {
      const el = returnTo.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
    };
  }, [open, target]);

  // The tone must not outlive the page: stop it when the page is hidden for good.
  useEffect(() => {
    if (!open) return;
    const stop = () => void store.getState().closeTonePanel();
    window.addEventListener('pagehide', stop);
    return () => window.removeEventListener('pagehide', stop);
  }, [open, store]);

  if (!panel) return null;
  const playing = panel.id !== null;
  const { frequency, level } = panel.settings;
  const s = () => store.getState();

  return (
    <div
      ref={ref}
      className={`jb-panel jb-tone-panel${playing ? ' is-playing' : ''}`}
      role="dialog"
      aria-labelledby={titleId}
      data-testid="tone-panel"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        void s().closeTonePanel();
      }}
    >
      <div className="jb-dialog-head">
        <div id={titleId} className="jb-dialog-title">
          Test tone into <span className="jb-mono">{target}</span>
        </div>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label="Close the test tone (stops it)"
          onClick={() => void s().closeTonePanel()}
        >
          ×
        </button>
      </div>
      <div className="jb-tone-fields">
        <NumberField
          label="Frequency"
          unit="Hz"
          value={frequency}
          min={MIN_HZ}
          max={Math.floor(rate / 2) - 1}
          step={1}
          onValue={(v) => void s().setToneSettings({ frequency: v, level })}
        />
        <NumberField
          label="Level"
          unit="dBFS"
          value={level}
          min={MIN_DB}
          max={0}
          step={0.1}
          onValue={(v) => void s().setToneSettings({ frequency, level: v })}
        />
      </div>
      <div className="jb-tone-foot">
        <button
          type="button"
          className={`jb-btn${playing ? ' jb-btn-on' : ''}`}
          aria-pressed={playing}
          disabled={!live && !playing}
          onClick={() => void s().setToneOn(!playing)}
        >
          {playing ? 'Stop tone' : 'Play tone'}
        </button>
        <span className="jb-tone-state" role="status">
          {playing ? (
            <>
              <span className="jb-tone-dot" aria-hidden="true" />
              Tone playing: {frequency} Hz at {level} dBFS
            </>
          ) : (
            'Silent'
          )}
        </span>
      </div>
    </div>
  );
}
