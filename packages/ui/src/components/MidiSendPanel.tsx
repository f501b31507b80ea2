// The MIDI send panel: a small keyboard and controller into one MIDI input
// port, the MIDI counterpart of the test tone. Notes (a clickable keyboard
// with octave shift, or the computer keyboard while the panel has the focus),
// control changes and program changes, on a chosen channel. The service's
// sender lives only while the panel is open: closing it (the button, Escape,
// or the page going away) turns off every note it left on.
import { type CSSProperties, type PointerEvent, useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { controllerName, noteName } from '../midi/decode';
import { useJackbay, useStoreApi } from '../store/context';

const CHANNELS = Array.from({ length: 16 }, (_, i) => i + 1);
const CONTROLLERS = Array.from({ length: 128 }, (_, i) => i);
/** The lowest C shown, as a MIDI note; the keyboard shows two octaves from it. */
const DEFAULT_BASE = 48;
const MAX_BASE = 96;
const KEYS = 24;
const BLACK = new Set([1, 3, 6, 8, 10]);

/**
 * Computer keys (by physical position, KeyboardEvent.code) and the semitone
 * above the lowest C they play: the home row is the white keys, the row above
 * the black ones, as in most DAWs.
 */
export const COMPUTER_KEYS: Record<string, number> = {
  KeyA: 0,
  KeyW: 1,
  KeyS: 2,
  KeyE: 3,
  KeyD: 4,
  KeyF: 5,
  KeyT: 6,
  KeyG: 7,
  KeyY: 8,
  KeyH: 9,
  KeyU: 10,
  KeyJ: 11,
  KeyK: 12,
  KeyO: 13,
  KeyL: 14,
  KeyP: 15,
  Semicolon: 16,
};

/** Whether a key press was typing into a field or a control of its own. */
function ownKeys(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.matches('input, select, textarea');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The keyboard's keys: white ones in a row, black ones over the gaps. */
function Keyboard(props: {
  base: number;
  held: ReadonlySet<number>;
  press(note: number): void;
  release(note: number): void;
}) {
  const { base, held, press, release } = props;
  const whites: number[] = [];
  const blacks: Array<{ note: number; after: number }> = [];
  for (let k = 0; k < KEYS; k++) {
    const note = base + k;
    if (BLACK.has(k % 12)) blacks.push({ note, after: whites.length });
    else whites.push(note);
  }
  const down = (note: number) => (e: PointerEvent<HTMLButtonElement>) => {
    if (e.button > 0) return; // the main button (or a touch) only
    // Keep the pointer: a release outside the key still ends the note.
    e.currentTarget.setPointerCapture?.(e.pointerId);
    press(note);
  };
  const up = (note: number) => () => release(note);
  const key = (note: number, className: string, style?: CSSProperties) => (
    <button
      key={note}
      type="button"
      className={className}
      style={style}
      aria-label={noteName(note)}
      aria-pressed={held.has(note)}
      data-note={note}
      // The keyboard plays with the pointer or the computer keys; a tab stop
      // per key would make 24 stops between the fields.
      tabIndex={-1}
      onPointerDown={down(note)}
      onPointerUp={up(note)}
      onPointerCancel={up(note)}
      onLostPointerCapture={up(note)}
    >
      {note % 12 === 0 ? <span className="jb-key-label">{noteName(note)}</span> : null}
    </button>
  );
  const width = 100 / whites.length;
  return (
    <div className="jb-keyboard" data-testid="midi-keyboard">
      {whites.map((note) => key(note, 'jb-key jb-key-white'))}
      {blacks.map(({ note, after }) =>
        key(note, 'jb-key jb-key-black', {
          left: `calc(${after * width}% - ${width * 0.3}%)`,
          width: `${width * 0.6}%`,
        }),
      )}
    </div>
  );
}

export function MidiSendPanel() {
  const store = useStoreApi();
  const panel = useJackbay(useShallow((s) => s.midiSendPanel));
  const ref = useRef<HTMLDivElement>(null);
  const returnTo = useRef<Element | null>(null);
  const titleId = useId();
  const fieldId = useId();
  const [channel, setChannel] = useState(1);
  const [velocity, setVelocity] = useState(100);
  const [base, setBase] = useState(DEFAULT_BASE);
  const [controller, setController] = useState(1);
  const [value, setValue] = useState(0);
  const [program, setProgram] = useState(0);
  const [held, setHeld] = useState<ReadonlySet<number>>(new Set());
  // The notes on, with the channel each started on (a note ends where it began).
  const sounding = useRef(new Map<number, number>());
  const open = panel !== null;
  const port = panel?.port ?? '';

  // biome-ignore lint/correctness/useExhaustiveDependencies: a panel for another port is a new panel
  useEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement;
    ref.current?.focus();
    sounding.current.clear();
    setHeld(new Set());
    return () => {
      const el = returnTo.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
    };
  }, [open, port]);

  // The sender must not outlive the page: close it when the page is hidden for good.
  useEffect(() => {
    if (!open) return;
    const close = () => void store.getState().closeMidiSendPanel();
    window.addEventListener('pagehide', close);
    return () => window.removeEventListener('pagehide', close);
  }, [open, store]);

  if (!panel) return null;
  const s = () => store.getState();
  const ready = panel.id !== null;
  const status = channel - 1;

  const press = (note: number) => {
    if (!ready || note < 0 || note > 127 || sounding.current.has(note)) return;
    sounding.current.set(note, status);
    setHeld(new Set(sounding.current.keys()));
    void s().sendMidi([0x90 | status, note, velocity]);
  };
  const release = (note: number) => {
    const on = sounding.current.get(note);
    if (on === undefined) return;
    sounding.current.delete(note);
    setHeld(new Set(sounding.current.keys()));
    void s().sendMidi([0x80 | on, note, 0]);
  };
  const releaseAll = () => {
    for (const note of [...sounding.current.keys()]) release(note);
  };
  const shift = (by: number) => {
    releaseAll();
    setBase((b) => clamp(b + by, 0, MAX_BASE));
  };
  const close = () => void s().closeMidiSendPanel();

  return (
    <div
      ref={ref}
      className="jb-panel jb-midi-send-panel"
      role="dialog"
      aria-labelledby={titleId}
      aria-describedby={`${fieldId}-keys`}
      data-testid="midi-send-panel"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
          return;
        }
        if (ownKeys(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
        if (e.code === 'KeyZ' || e.code === 'KeyX') {
          e.preventDefault();
          if (!e.repeat) shift(e.code === 'KeyZ' ? -12 : 12);
          return;
        }
        const offset = COMPUTER_KEYS[e.code];
        if (offset === undefined) return;
        e.preventDefault();
        e.stopPropagation();
        if (!e.repeat) press(base + offset);
      }}
      onKeyUp={(e) => {
        const offset = COMPUTER_KEYS[e.code];
        if (offset !== undefined) release(base + offset);
      }}
      onBlur={(e) => {
        // Keys held on the computer keyboard end when the panel loses the focus.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) releaseAll();
      }}
    >
      <div className="jb-dialog-head">
        <div id={titleId} className="jb-dialog-title">
          Send MIDI to <span className="jb-mono">{panel.port}</span>
        </div>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label="Close MIDI send (turns its notes off)"
          onClick={close}
        >
          ×
        </button>
      </div>
      <div className="jb-send-fields">
        <label className="jb-field">
          <span>Channel</span>
          <select value={channel} onChange={(e) => setChannel(Number(e.target.value))}>
            {CHANNELS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="jb-field jb-send-range">
          <span>Velocity</span>
          <input
            type="range"
            min={1}
            max={127}
            value={velocity}
            onChange={(e) => setVelocity(Number(e.target.value))}
          />
          <output className="jb-send-value">{velocity}</output>
        </label>
        <fieldset className="jb-send-octave">
          <legend className="jb-visually-hidden">Octave</legend>
          <button
            type="button"
            className="jb-btn jb-btn-small"
            aria-label="Octave down"
            title="Octave down (Z)"
            disabled={base <= 0}
            onClick={() => shift(-12)}
          >
            −
          </button>
          <span className="jb-send-range-text" data-testid="midi-send-range">
            {noteName(base)}–{noteName(base + KEYS - 1)}
          </span>
          <button
            type="button"
            className="jb-btn jb-btn-small"
            aria-label="Octave up"
            title="Octave up (X)"
            disabled={base >= MAX_BASE}
            onClick={() => shift(12)}
          >
            +
          </button>
        </fieldset>
      </div>
      <Keyboard base={base} held={held} press={press} release={release} />
      <p id={`${fieldId}-keys`} className="jb-send-hint jb-muted">
        Click the keys, or play A W S E D F T G Y H U J K while this panel has the focus; Z and X
        shift the octave.
      </p>
      <div className="jb-send-fields">
        <label className="jb-field">
          <span>CC</span>
          <select
            aria-label="Controller"
            value={controller}
            onChange={(e) => setController(Number(e.target.value))}
          >
            {CONTROLLERS.map((n) => (
              <option key={n} value={n}>
                {n} {controllerName(n)}
              </option>
            ))}
          </select>
        </label>
        <label className="jb-field jb-send-range">
          <span className="jb-visually-hidden">Controller value</span>
          <input
            type="range"
            min={0}
            max={127}
            value={value}
            disabled={!ready}
            onChange={(e) => {
              const next = Number(e.target.value);
              setValue(next);
              void s().sendMidi([0xb0 | status, controller, next]);
            }}
          />
          <output className="jb-send-value">{value}</output>
        </label>
      </div>
      <div className="jb-send-fields">
        <label className="jb-field">
          <span>Program</span>
          <input
            type="number"
            min={0}
            max={127}
            value={program}
            onChange={(e) => setProgram(clamp(Number(e.target.value) || 0, 0, 127))}
          />
        </label>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          disabled={!ready}
          onClick={() => void s().sendMidi([0xc0 | status, program])}
        >
          Send program change
        </button>
      </div>
      <div className="jb-tone-foot">
        <button
          type="button"
          className="jb-btn jb-btn-small"
          disabled={!ready}
          onClick={() => {
            releaseAll();
            void s().sendMidi([0xb0 | status, 123, 0]);
          }}
        >
          All notes off
        </button>
        <span className="jb-tone-state" role="status" data-testid="midi-send-state">
          {ready
            ? `Sent ${panel.sent}${panel.dropped > 0 ? ` · dropped ${panel.dropped}` : ''}`
            : 'Connecting…'}
        </span>
      </div>
    </div>
  );
}
