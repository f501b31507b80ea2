// A compact level meter under an audio port's row, drawn on canvas from the
// live channel (never from React state): the RMS bar, the peak bar behind
// it, the peak-hold tick, in green, yellow and red zones. Its ARIA values
// state the highest levels measured since they were last written, a few
// times a second, without a live region; a lit clip indicator is a button
// that resets it.
import { memo, useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import {
  describeLevel,
  METER_FLOOR_DB,
  RED_DB,
  SCALE_MAX_DB,
  scalePosition,
  YELLOW_DB,
  type Zone,
  zoneOf,
} from '../live/ballistics';
import { onAnimationFrame } from '../live/meters';
import { useJackbay } from '../store/context';

/** How often the ARIA values are rewritten: often enough to read, not a stream of DOM writes. */
const ARIA_MS = 300;
const COLOURS = { green: '#3fb950', yellow: '#d29922', red: '#f85149' } as const;
const DIM = { green: '#1f5b2a', yellow: '#5e4613', red: '#6b2623' } as const;
const TRACK = '#1a1f27';
const SILENT_NOW = METER_FLOOR_DB.toFixed(1);

// Canvas pixels; CSS stretches the canvas over the row, and bars need no sharper edges.
const WIDTH = 120;
const HEIGHT = 3;

function drawBar(ctx: CanvasRenderingContext2D, db: number, colours: Record<Zone, string>): void {
  const end = scalePosition(db) * WIDTH;
  const yellowAt = scalePosition(YELLOW_DB) * WIDTH;
  const redAt = scalePosition(RED_DB) * WIDTH;
  const segments: Array<[number, number, string]> = [
    [0, yellowAt, colours.green],
    [yellowAt, redAt, colours.yellow],
    [redAt, WIDTH, colours.red],
  ];
  for (const [from, to, colour] of segments) {
    if (end <= from) break;
    ctx.fillStyle = colour;
    ctx.fillRect(from, 0, Math.min(end, to) - from, HEIGHT);
  }
}

export const Meter = memo(function Meter({ port }: { port: string }) {
  const meters = useJackbay((s) => s.meters);
  const canvas = useRef<HTMLCanvasElement>(null);
  const element = useRef<HTMLSpanElement>(null);
  const clipped = useSyncExternalStore(
    useCallback((listener) => meters.onClip(listener), [meters]),
    () => meters.clipped(port),
  );

  useEffect(() => {
    // Taken on the first frame drawn, not before: a page that never animates needs none.
    let ctx: CanvasRenderingContext2D | null | undefined;
    let ariaAt = Number.NEGATIVE_INFINITY;
    let ariaNow = '';
    let drawn = '';
    return onAnimationFrame((now) => {
      const state = meters.state(port);
      const silent = state.peak <= METER_FLOOR_DB && state.hold <= METER_FLOOR_DB;
      const el = element.current;
      if (el && (now - ariaAt >= ARIA_MS || (silent && ariaNow !== SILENT_NOW))) {
        ariaAt = now;
        // The readout states what was measured since the last one, not the falling bar.
        const level = meters.takeRecent(port) ?? state;
        const peak = Math.min(SCALE_MAX_DB, Math.max(METER_FLOOR_DB, level.peak)).toFixed(1);
        // Unchanged values are not written: no style work for a still meter.
        if (peak !== ariaNow) {
          ariaNow = peak;
          el.setAttribute('aria-valuenow', peak);
          el.setAttribute('aria-valuetext', describeLevel(level));
        }
      }
      if (ctx === undefined) ctx = canvas.current?.getContext('2d') ?? null;
      const key = `${state.peak.toFixed(2)} ${state.rms.toFixed(2)} ${state.hold.toFixed(2)}`;
      if (ctx && key !== drawn) {
        drawn = key;
        ctx.fillStyle = TRACK;
        ctx.fillRect(0, 0, WIDTH, HEIGHT);
        drawBar(ctx, state.peak, DIM);
        drawBar(ctx, state.rms, COLOURS);
        if (state.hold > METER_FLOOR_DB) {
          const x = Math.min(WIDTH - 2, scalePosition(state.hold) * WIDTH);
          ctx.fillStyle = COLOURS[zoneOf(state.hold)];
          ctx.fillRect(x, 0, 2, HEIGHT);
        }
      }
      return !(silent && ariaNow === SILENT_NOW);
    });
  }, [meters, port]);

  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> draws itself; this one is a canvas */}
      <span
        ref={element}
        className="jb-meter"
        role="meter"
        aria-label={`Level of ${port}`}
        aria-valuemin={METER_FLOOR_DB}
        aria-valuemax={SCALE_MAX_DB}
        aria-valuenow={METER_FLOOR_DB}
        aria-valuetext="peak silent, RMS silent"
      >
        <canvas ref={canvas} width={WIDTH} height={HEIGHT} />
      </span>
      {clipped && (
        <button
          type="button"
          className="jb-clip nodrag"
          aria-label={`Reset clip of ${port}`}
          title="Clipped: click to reset"
          onClick={() => meters.resetClip(port)}
        />
      )}
    </>
  );
});
