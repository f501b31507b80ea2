// The meter bridge: large vertical meters for the ports a person chose
// (from a port's menu: "Meter (add to bridge)", or dragged from the graph
// onto it: bridgeDrop.ts), one strip per port or stereo pair, with numeric peak, RMS and true-peak readouts, clip indicators that stay
// lit until clicked, a scale switch (dBFS, K-20, K-14, K-12) and EBU R128
// loudness (momentary, short-term, integrated, range) with a reset. Bars are
// drawn on canvas from the live bridge channel in the shared animation loop;
// readouts and ARIA values are written into the DOM a few times a second,
// never through React state.
import type { BridgeMeterInfo } from '@jackbay/core/contract';
import { memo, useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  BRIDGE_SCALES,
  type BridgeScale,
  type BridgeZone,
  formatLevel,
  formatLoudness,
  position,
  reference,
  ticks,
  zone,
  zoneEdges,
} from '../bridge/scale';
import { METER_FLOOR_DB } from '../live/ballistics';
import type { BridgeChannel } from '../live/bridge';
import { onAnimationFrame } from '../live/meters';
import { useJackbay, useStoreApi } from '../store/context';

/** How often readouts and ARIA values are rewritten. */
const READOUT_MS = 250;
const COLOURS: Record<BridgeZone, string> = { green: '#3fb950', yellow: '#d29922', red: '#f85149' };
const DIM: Record<BridgeZone, string> = { green: '#1f5b2a', yellow: '#5e4613', red: '#6b2623' };
const TRACK = '#1a1f27';
// Canvas pixels: CSS stretches the canvas over its box; bars need no sharper edges.
const WIDTH = 16;
const HEIGHT = 300;

/** What a strip is called: the ports, with the client named once for a pair of one client. */
export function bridgeLabel(ports: readonly string[]): string {
  const [first, second] = ports;
  if (!first) return '';
  if (!second) return first;
  const colon = first.lastIndexOf(':');
  if (colon > 0 && second.startsWith(first.slice(0, colon + 1)))
    return `${first} + ${second.slice(colon + 1)}`;
  return `${first} + ${second}`;
}

function drawBar(
  ctx: CanvasRenderingContext2D,
  dbfs: number,
  scale: BridgeScale,
  colours: Record<BridgeZone, string>,
): void {
  const top = position(dbfs, scale) * HEIGHT;
  const [yellowAt, redAt] = zoneEdges(scale).map((db) => position(db, scale) * HEIGHT);
  const segments: Array<[number, number, string]> = [
    [0, yellowAt ?? 0, colours.green],
    [yellowAt ?? 0, redAt ?? 0, colours.yellow],
    [redAt ?? 0, HEIGHT, colours.red],
  ];
  for (const [from, to, colour] of segments) {
    if (top <= from) break;
    ctx.fillStyle = colour;
    ctx.fillRect(0, HEIGHT - Math.min(top, to), WIDTH, Math.min(top, to) - from);
  }
}

function drawMark(ctx: CanvasRenderingContext2D, dbfs: number, scale: BridgeScale): void {
  if (dbfs <= METER_FLOOR_DB) return;
  const y = HEIGHT - Math.max(2, position(dbfs, scale) * HEIGHT);
  ctx.fillStyle = COLOURS[zone(dbfs, scale)];
  ctx.fillRect(0, y, WIDTH, 2);
}

const cell = (column: number, row: number) => ({ gridColumn: column, gridRow: row });

/**
 * One channel: its clip indicator, its bar (dBFS: peak, RMS and the held peak;
 * K: RMS and its peak mark) and its readouts, as cells of the strip's grid.
 */
const ChannelColumn = memo(function ChannelColumn({
  live,
  id,
  index,
  port,
  scale,
  named,
}: {
  live: BridgeChannel;
  id: number;
  index: number;
  port: string;
  scale: BridgeScale;
  /** Show the port's short name over the bar (the channels of a pair). */
  named: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const element = useRef<HTMLSpanElement>(null);
  const peakOut = useRef<HTMLSpanElement>(null);
  const rmsOut = useRef<HTMLSpanElement>(null);
  const trueOut = useRef<HTMLSpanElement>(null);
  const column = index + 2;

  useEffect(() => {
    let ctx: CanvasRenderingContext2D | null | undefined;
    let drawn = '';
    return onAnimationFrame(() => {
      const state = live.channel(id, index);
      if (ctx === undefined) ctx = canvas.current?.getContext('2d') ?? null;
      const k = scale !== 'dBFS';
      const key = k
        ? `${state.kRms.toFixed(2)} ${state.kPeak.toFixed(2)}`
        : `${state.level.peak.toFixed(2)} ${state.level.rms.toFixed(2)} ${state.level.hold.toFixed(2)}`;
      if (ctx && key !== drawn) {
        drawn = key;
        ctx.fillStyle = TRACK;
        ctx.fillRect(0, 0, WIDTH, HEIGHT);
        if (k) {
          drawBar(ctx, state.kRms, scale, COLOURS);
          drawMark(ctx, state.kPeak, scale);
        } else {
          drawBar(ctx, state.level.peak, scale, DIM);
          drawBar(ctx, state.level.rms, scale, COLOURS);
          drawMark(ctx, state.level.hold, scale);
        }
      }
      const silent = k
        ? state.kRms <= METER_FLOOR_DB && state.kPeak <= METER_FLOOR_DB
        : state.level.peak <= METER_FLOOR_DB && state.level.hold <= METER_FLOOR_DB;
      return !silent;
    });
  }, [live, id, index, scale]);

  // Readouts and ARIA values: what was measured since the last readout, in the scale's units.
  useEffect(() => {
    let last = '';
    const write = () => {
      const recent = live.takeRecent(id, index);
      const state = live.channel(id, index);
      const peak = recent?.peak ?? METER_FLOOR_DB;
      const rms = scale === 'dBFS' ? (recent?.rms ?? METER_FLOOR_DB) : state.kRms;
      const truePeak = recent?.truePeak ?? Number.NaN;
      const text = [
        formatLevel(peak),
        formatLevel(rms, scale),
        Number.isNaN(truePeak) ? '–' : formatLevel(truePeak),
      ] as const;
      const key = text.join(' ');
      if (key === last) return;
      last = key;
      if (peakOut.current) peakOut.current.textContent = text[0];
      if (rmsOut.current) rmsOut.current.textContent = text[1];
      if (trueOut.current) trueOut.current.textContent = text[2];
      const el = element.current;
      if (!el) return;
      el.setAttribute('aria-valuenow', Math.max(METER_FLOOR_DB, Math.min(0, peak)).toFixed(1));
      const rmsText = scale === 'dBFS' ? `RMS ${text[1]} dBFS` : `${scale} ${text[1]}`;
      el.setAttribute(
        'aria-valuetext',
        peak <= METER_FLOOR_DB
          ? 'silent'
          : `peak ${text[0]} dBFS, ${rmsText}, true peak ${text[2]} dBTP`,
      );
    };
    write();
    const timer = setInterval(write, READOUT_MS);
    return () => clearInterval(timer);
  }, [live, id, index, scale]);

  return (
    <>
      <span className="jb-bridge-cell" style={cell(column, 1)}>
        {/* A mono strip keeps the row empty, so every strip's scale lines up. */}
        <span className="jb-bridge-channel" title={named ? port : undefined} aria-hidden="true">
          {named ? port.slice(port.lastIndexOf(':') + 1) : '\u00a0'}
        </span>
        <ClipButton live={live} id={id} index={index} port={port} />
      </span>
      {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> draws itself; this one is a canvas */}
      <span
        ref={element}
        className="jb-bridge-meter"
        style={cell(column, 2)}
        role="meter"
        aria-label={`Bridge level of ${port}`}
        aria-valuemin={METER_FLOOR_DB}
        aria-valuemax={0}
        aria-valuenow={METER_FLOOR_DB}
        aria-valuetext="silent"
      >
        <canvas ref={canvas} width={WIDTH} height={HEIGHT} />
      </span>
      <span ref={peakOut} className="jb-bridge-value" style={cell(column, 3)} data-value="peak">
        −∞
      </span>
      <span ref={rmsOut} className="jb-bridge-value" style={cell(column, 4)} data-value="rms">
        −∞
      </span>
      <span
        ref={trueOut}
        className="jb-bridge-value"
        style={cell(column, 5)}
        data-value="true-peak"
      >
        –
      </span>
    </>
  );
});

function ClipButton({
  live,
  id,
  index,
  port,
}: {
  live: BridgeChannel;
  id: number;
  index: number;
  port: string;
}) {
  const clipped = useSyncExternalStore(
    useCallback((listener) => live.onClip(listener), [live]),
    () => live.clipped(id, index),
  );
  return clipped ? (
    <button
      type="button"
      className="jb-bridge-clip is-lit"
      aria-label={`Reset clip of ${port}`}
      title="Clipped: click to reset"
      onClick={() => live.resetClip(id, index)}
    >
      CLIP
    </button>
  ) : (
    <span className="jb-bridge-clip" title="No clip since the last reset" aria-hidden="true">
      CLIP
    </span>
  );
}

/** The scale's tick labels beside the bars. */
function Ticks({ scale }: { scale: BridgeScale }) {
  return (
    <span className="jb-bridge-ticks" style={cell(1, 2)} aria-hidden="true">
      {ticks(scale).map((tick) => (
        <span key={tick.label} style={{ bottom: `${tick.at * 100}%` }}>
          {tick.label}
        </span>
      ))}
    </span>
  );
}

const LOUDNESS: Array<{
  key: 'momentary' | 'shortTerm' | 'integrated' | 'range';
  short: string;
  name: string;
  unit: string;
}> = [
  { key: 'momentary', short: 'M', name: 'Momentary loudness', unit: 'LUFS' },
  { key: 'shortTerm', short: 'S', name: 'Short-term loudness', unit: 'LUFS' },
  { key: 'integrated', short: 'I', name: 'Integrated loudness', unit: 'LUFS' },
  { key: 'range', short: 'LRA', name: 'Loudness range', unit: 'LU' },
];

/** EBU R128 loudness of a strip, rewritten a few times a second. */
function Loudness({
  live,
  meter,
  label,
}: {
  live: BridgeChannel;
  meter: BridgeMeterInfo;
  label: string;
}) {
  const store = useStoreApi();
  const refs = useRef<Array<HTMLSpanElement | null>>([]);
  useEffect(() => {
    if (meter.loudnessError) return;
    const last: string[] = [];
    const write = () => {
      const values = live.loudness(meter.id);
      LOUDNESS.forEach((item, i) => {
        const el = refs.current[i];
        const value = values[item.key];
        const text = formatLoudness(value);
        if (!el || last[i] === text) return;
        last[i] = text;
        el.textContent = text;
        const measured = text !== '–';
        const min = item.key === 'range' ? 0 : -70;
        const max = item.key === 'range' ? 50 : 0;
        el.setAttribute(
          'aria-valuenow',
          measured ? Math.min(max, Math.max(min, value)).toFixed(1) : String(min),
        );
        el.setAttribute('aria-valuetext', measured ? `${text} ${item.unit}` : 'not measured yet');
      });
    };
    write();
    const timer = setInterval(write, READOUT_MS);
    return () => clearInterval(timer);
  }, [live, meter.id, meter.loudnessError]);

  if (meter.loudnessError)
    return (
      <p className="jb-bridge-loudness-off" role="note">
        {meter.loudnessError}
      </p>
    );
  return (
    <div className="jb-bridge-loudness">
      <dl>
        {LOUDNESS.map((item, i) => (
          <div key={item.key} title={item.name}>
            <dt>{item.short}</dt>
            <dd>
              {/* biome-ignore lint/a11y/useSemanticElements: a number that changes ten times a second, not a gauge */}
              <span
                ref={(el) => {
                  refs.current[i] = el;
                }}
                role="meter"
                aria-label={`${item.name} of ${label}`}
                aria-valuemin={item.key === 'range' ? 0 : -70}
                aria-valuemax={item.key === 'range' ? 50 : 0}
                aria-valuenow={item.key === 'range' ? 0 : -70}
                aria-valuetext="not measured yet"
                data-loudness={item.key}
              >
                –
              </span>
              <span className="jb-bridge-unit">{item.unit}</span>
            </dd>
          </div>
        ))}
      </dl>
      <button
        type="button"
        className="jb-btn jb-btn-small"
        aria-label={`Reset loudness of ${label}`}
        title="Start the integrated loudness and the loudness range afresh"
        onClick={() => void store.getState().resetLoudness(meter.id)}
      >
        Reset
      </button>
    </div>
  );
}

const Strip = memo(function Strip({
  meter,
  scale,
}: {
  meter: BridgeMeterInfo;
  scale: BridgeScale;
}) {
  const store = useStoreApi();
  const live = useJackbay((s) => s.bridgeLive);
  const label = bridgeLabel(meter.ports);
  const rmsLabel = scale === 'dBFS' ? 'RMS' : scale;
  return (
    <section
      className="jb-bridge-strip"
      aria-label={`Bridge meter ${label}`}
      data-bridge-id={meter.id}
    >
      <div className="jb-bridge-strip-head">
        <span className="jb-bridge-name" title={meter.ports.join(' + ')}>
          {label}
        </span>
        <button
          type="button"
          className="jb-bridge-x"
          aria-label={`Remove ${label} from the bridge`}
          title="Remove from the bridge"
          onClick={() => void store.getState().removeFromBridge(meter.id)}
        >
          ×
        </button>
      </div>
      <div
        className="jb-bridge-grid"
        style={{ gridTemplateColumns: `auto repeat(${meter.ports.length}, minmax(44px, 1fr))` }}
      >
        <Ticks scale={scale} />
        <span
          className="jb-bridge-key"
          style={cell(1, 3)}
          title="Peak since the last readout (dBFS)"
        >
          Peak
        </span>
        <span
          className="jb-bridge-key"
          style={cell(1, 4)}
          title={
            scale === 'dBFS'
              ? 'RMS (dBFS)'
              : `${scale} meter: RMS in dB above ${reference(scale)} dBFS`
          }
        >
          {rmsLabel}
        </span>
        <span className="jb-bridge-key" style={cell(1, 5)} title="True peak, 4× oversampled (dBTP)">
          TP
        </span>
        {meter.ports.map((port, index) => (
          <ChannelColumn
            key={port}
            live={live}
            id={meter.id}
            index={index}
            port={port}
            scale={scale}
            named={meter.ports.length > 1}
          />
        ))}
      </div>
      <Loudness live={live} meter={meter} label={label} />
    </section>
  );
});

/** The panel; shown while the bridge is open. */
export function MeterBridge() {
  const store = useStoreApi();
  const { open, meters, scale } = useJackbay(
    useShallow((s) => ({ open: s.bridgeOpen, meters: s.bridgeMeters, scale: s.bridgeScale })),
  );
  if (!open) return null;
  return (
    <section className="jb-bridge" aria-label="Meter bridge" data-testid="meter-bridge">
      <div className="jb-bridge-top">
        <h2 className="jb-bridge-title">Meter bridge</h2>
        <fieldset className="jb-bridge-scales" aria-label="Scale">
          {BRIDGE_SCALES.map((s) => (
            <button
              key={s}
              type="button"
              className="jb-btn jb-btn-small jb-toggle"
              aria-pressed={scale === s}
              onClick={() => store.getState().setBridgeScale(s)}
              title={
                s === 'dBFS'
                  ? 'Peak and RMS in dBFS'
                  : `K-system meter: 0 is ${reference(s)} dBFS RMS`
              }
            >
              {s}
            </button>
          ))}
        </fieldset>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label="Close the meter bridge"
          title="Close (the meters stay on the bridge)"
          onClick={() => store.getState().setBridgeOpen(false)}
        >
          Close
        </button>
      </div>
      <div className="jb-bridge-strips">
        {meters.length === 0 ? (
          <p className="jb-bridge-empty">
            Drag an audio port or a stereo pair here, or open a port’s menu (right-click, or the
            Menu key or Shift+F10 on a focused port) and choose “Meter (add to bridge)”.
          </p>
        ) : (
          meters.map((meter) => <Strip key={meter.id} meter={meter} scale={scale} />)
        )}
      </div>
    </section>
  );
}

/** The toolbar's switch for the panel. */
export function BridgeToggle() {
  const [open, setOpen] = useJackbay(useShallow((s) => [s.bridgeOpen, s.setBridgeOpen] as const));
  return (
    <button
      type="button"
      className="jb-btn jb-btn-icon jb-toggle"
      aria-pressed={open}
      aria-label="Bridge"
      aria-keyshortcuts="B"
      onClick={() => setOpen(!open)}
      title="Meter bridge: large meters and loudness for the ports you drag onto it or add from their menu (B)"
    >
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d="M2 12a6 6 0 0 1 12 0M8 12l3-4.5M2 14.5h12" />
      </svg>
    </button>
  );
}

function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || target.matches('input, textarea, select'))
  );
}

/**
 * Mounted once: B opens and closes the bridge, and when the link comes back
 * (the service forgot this page's bridge meters with the old connection) they
 * are asked for again.
 */
export function useMeterBridge(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'b' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target))
        return;
      e.preventDefault();
      const s = store.getState();
      s.setBridgeOpen(!s.bridgeOpen);
    };
    window.addEventListener('keydown', onKey);
    let wasOpen = store.getState().link === 'open';
    const off = store.subscribe((s) => {
      const isOpen = s.link === 'open';
      if (isOpen && !wasOpen) void s.restoreBridge();
      wasOpen = isOpen;
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      off();
    };
  }, [store]);
}
