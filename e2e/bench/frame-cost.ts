// What each frame costs the renderer's main thread: a Chromium trace of a
// phase, its main thread's top-level tasks (script, style, layout, paint:
// every task, whatever it ran) cut into display intervals of 1/60 s, and the
// time in each interval: CPU time (the trace's thread time, which a loaded
// machine does not inflate) and wall time. A task that spans two intervals
// counts in both, by its overlap. An interval is the frame budget whether or
// not the page drew a frame in it, so a page that draws nothing reads ~0, and
// the figure compares between a page with meters and one without.
import type { Browser, Page } from '@playwright/test';
import { percentile } from './measure.ts';
import { mainThreadOf, type TraceEvent } from './profile.ts';

const INTERVAL_US = 1e6 / 60;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'];

export interface FrameCost {
  /** Main-thread CPU ms per 1/60 s interval. */
  p50: number;
  p95: number;
  worst: number;
  /** Main-thread busy (wall) ms per 1/60 s interval. */
  wallP50: number;
  wallP95: number;
  /** Share of the main thread busy over the whole phase (0..1). */
  busy: number;
  /** Frames the main thread began (BeginMainThreadFrame) per second. */
  mainFrames: number;
  seconds: number;
}

/** Runs `run` under a trace and returns the main thread's cost per frame interval. */
export async function frameCost(
  browser: Browser,
  page: Page,
  run: () => Promise<void>,
): Promise<FrameCost> {
  await browser.startTracing(page, { categories: CATEGORIES });
  await run();
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: TraceEvent[];
  };
  return costPerInterval(trace.traceEvents);
}

export function costPerInterval(events: readonly TraceEvent[]): FrameCost {
  const main = mainThreadOf(events);
  const on = (e: TraceEvent) => `${e.pid}:${e.tid}` === main;
  const tasks = events
    .filter((e) => on(e) && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask')
    .sort((a, b) => a.ts - b.ts);
  const frames = events.filter((e) => on(e) && e.name === 'BeginMainThreadFrame').length;
  // The traced span: from the main thread's first event to its last.
  let from = Infinity;
  let to = -Infinity;
  for (const e of events)
    if (on(e) && e.ts > 0) {
      from = Math.min(from, e.ts);
      to = Math.max(to, e.ts + (e.dur ?? 0));
    }
  if (tasks.length === 0 || to <= from)
    return { p50: 0, p95: 0, worst: 0, wallP50: 0, wallP95: 0, busy: 0, mainFrames: 0, seconds: 0 };
  const bins = new Float64Array(Math.max(1, Math.ceil((to - from) / INTERVAL_US)));
  const cpuBins = new Float64Array(bins.length);
  let end = -Infinity;
  let total = 0;
  for (const task of tasks) {
    // Top level only: a nested run loop's tasks lie inside their parent.
    const start = Math.max(task.ts, end);
    const stop = task.ts + (task.dur ?? 0);
    if (stop <= start) continue;
    end = stop;
    total += stop - start;
    const cpuShare = (task.tdur ?? task.dur ?? 0) / Math.max(1, task.dur ?? 0);
    // Each interval the task overlaps gets the overlap (by index: no float stepping).
    const first = Math.floor((start - from) / INTERVAL_US);
    const last = Math.min(bins.length - 1, Math.floor((stop - from) / INTERVAL_US));
    for (let bin = first; bin <= last; bin++) {
      const lo = Math.max(start, from + bin * INTERVAL_US);
      const hi = Math.min(stop, from + (bin + 1) * INTERVAL_US);
      if (hi <= lo) continue;
      bins[bin] = (bins[bin] ?? 0) + (hi - lo);
      cpuBins[bin] = (cpuBins[bin] ?? 0) + (hi - lo) * cpuShare;
    }
  }
  const wall = Array.from(bins, (us) => us / 1000);
  const cpu = Array.from(cpuBins, (us) => us / 1000);
  const seconds = (to - from) / 1e6;
  return {
    p50: percentile(cpu, 50),
    p95: percentile(cpu, 95),
    worst: cpu.reduce((a, b) => Math.max(a, b), 0),
    wallP50: percentile(wall, 50),
    wallP95: percentile(wall, 95),
    busy: total / (to - from),
    mainFrames: frames / seconds,
    seconds,
  };
}
