// Numbers as a musician reads them.
import type { ServerImplementation } from '@jackbay/core/contract';

/** Frames as h:mm:ss.mmm. */
export function formatTime(frame: number, rate: number): string {
  if (!(rate > 0) || !Number.isFinite(frame) || frame < 0) return '0:00:00.000';
  const totalMs = Math.floor((frame / rate) * 1000);
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms).padStart(3, '0')}`;
}

/** Bars|beats|ticks the way sequencers print them: 001|1|0000. */
export function formatBbt(bbt: { bar: number; beat: number; tick: number }): string {
  return `${String(bbt.bar).padStart(3, '0')}|${bbt.beat}|${String(Math.floor(bbt.tick)).padStart(4, '0')}`;
}

/**
 * What serves the JACK API, as the status bar names it: "PipeWire 0.3.65
 * (JACK API)", "JACK2 1.9.21", or "JACK" when the library says nothing more.
 */
export function formatImplementation(implementation: ServerImplementation | null): string {
  if (!implementation) return 'JACK';
  const version = implementation.version ? ` ${implementation.version}` : '';
  switch (implementation.kind) {
    case 'pipewire':
      return `PipeWire${version} (JACK API)`;
    case 'jack2':
      return `JACK2${version}`;
    case 'jack':
      return `JACK${version}`;
  }
}

export function formatRate(hz: number): string {
  if (!(hz > 0)) return '—';
  return hz % 1000 === 0 ? `${hz / 1000} kHz` : `${(hz / 1000).toFixed(1)} kHz`;
}

export function formatLatency(frames: number, rate: number): string {
  if (!(rate > 0)) return '—';
  return `${((frames / rate) * 1000).toFixed(2)} ms`;
}

export function formatLatencyRange(r: { min: number; max: number }, rate: number): string {
  const one = (n: number) => (rate > 0 ? `${n} (${((n / rate) * 1000).toFixed(2)} ms)` : String(n));
  return r.min === r.max ? one(r.min) : `${one(r.min)} – ${one(r.max)}`;
}

/** A count and what it counts: "1 connection", "4 connections". */
export function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}
