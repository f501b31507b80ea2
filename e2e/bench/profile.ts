// Where the time goes, when an aim is missed: a V8 CPU profile and a
// Chromium performance trace (both over CDP) of one phase, summarised as
//   - main-thread time by kind (script, style, layout, paint, GC) from the trace,
//   - layouts and style recalculations forced by script, by the function that forced them,
//   - JavaScript self and inclusive time by function, each labelled with its
//     source file through the bundle's source map.
// The page should run an unminified build with source maps (function names
// intact); the caller builds one.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, as process.hrtime). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the monotonic clock, in microseconds (process.hrtime.bigint() / 1000). */
export interface Window {
  from: number;
  to: number;
}

/** Now on the monotonic clock that V8's profiles use, in microseconds. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of an X event, where the trace records it. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    beginData?: { stackTrace?: CallFrame[] };
    data?: { stackTrace?: CallFrame[] };
  };
}

export interface ProfileSummary {
  label: string;
  lines: string[];
}

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.stack',
  'v8.execute',
];

// Trace events by the kind of work they are (names as Chromium's DevTools uses them).
const KINDS: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.compile': 'script',
  'v8.compileModule': 'script',
  'v8.evaluateModule': 'script',
  'v8.callFunction': 'script',
  'v8.run': 'script',
  TimerFire: 'script',
  EventDispatch: 'script',
  FireAnimationFrame: 'script',
  RunMicrotasks: 'script',
  'V8.Execute': 'script',
  UpdateLayoutTree: 'style',
  ScheduleStyleRecalculation: 'style',
  Layout: 'layout',
  HitTest: 'layout',
  'IntersectionObserverController::computeIntersections': 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  Commit: 'paint',
  MinorGC: 'gc',
  MajorGC: 'gc',
  'V8.GC_SCAVENGER': 'gc',
  BlinkGC: 'gc',
  ParseHTML: 'parse',
  ParseAuthorStyleSheet: 'parse',
};

/** Decodes a source map's mappings far enough to tell which source a position is in. */
class SourceMapIndex {
  readonly #lines: Array<Array<[number, number]>> = [];
  readonly #sources: string[];

  constructor(map: { sources: string[]; mappings: string }) {
    this.#sources = map.sources;
    const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let source = 0;
    for (const line of map.mappings.split(';')) {
      const segments: Array<[number, number]> = [];
      let column = 0;
      for (const segment of line.split(',')) {
        if (!segment) continue;
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const ch of segment) {
          const d = digits.indexOf(ch);
          value += (d & 31) << shift;
          if (d & 32) shift += 5;
          else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        column += fields[0] ?? 0;
        if (fields.length >= 4) {
          source += fields[1] ?? 0;
          segments.push([column, source]);
        }
      }
      this.#lines.push(segments);
    }
  }

  /** The source file at a 0-based generated position. */
  sourceAt(line: number, column: number): string | null {
    const segments = this.#lines[line];
    if (!segments) return null;
    let found: number | null = null;
    for (const [col, src] of segments) {
      if (col > column) break;
      found = src;
    }
    return found === null ? null : (this.#sources[found] ?? null);
  }
}

/** Names a source file the short way: a package and its path, or our own file. */
function shortSource(path: string): string {
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  const ours = path.indexOf('src/');
  return ours >= 0 ? `ui/${path.slice(ours)}` : path;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Labels frames with their source: through the bundle's source map for the page, by path for Node. */
function frameLabeller(staticDir: string | null) {
  const maps = new Map<string, SourceMapIndex | null>();
  return (frame: CallFrame): string => {
    const name = frame.functionName || '(anonymous)';
    if (!frame.url) return name;
    if (frame.url.startsWith('file://')) {
      const path = relative(ROOT, fileURLToPath(frame.url));
      return `${name}  [${path.startsWith('..') ? basename(path) : path}:${frame.lineNumber + 1}]`;
    }
    if (!frame.url.startsWith('http') || !staticDir) return `${name}  [${frame.url}]`;
    const file = basename(new URL(frame.url).pathname);
    if (!maps.has(file)) {
      const mapPath = join(staticDir, 'assets', `${file}.map`);
      maps.set(
        file,
        existsSync(mapPath) ? new SourceMapIndex(JSON.parse(readFileSync(mapPath, 'utf8'))) : null,
      );
    }
    const source = maps.get(file)?.sourceAt(frame.lineNumber, frame.columnNumber);
    return `${name}  [${source ? shortSource(source) : file}]`;
  };
}

const secs = (us: number) => `${(us / 1e6).toFixed(2)} s`;

function top(map: Map<string, number>, n: number, total: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([key, us]) =>
        `    ${secs(us).padStart(7)} ${((100 * us) / total).toFixed(0).padStart(3)}%  ${key}`,
    );
}

function summariseCpu(
  profile: CpuProfile,
  label: (f: CallFrame) => string,
  window: Window | null = null,
): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  const skip = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id);
    if (!node || (window && (at < window.from || at > window.to))) return;
    const name = node.callFrame.functionName;
    if (name === '(idle)') return;
    busy += dt;
    const key = skip.has(name) ? name : label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    // Each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)?.callFrame;
      if (!frame || skip.has(frame.functionName) || !frame.url) continue;
      const k = label(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  if (busy === 0) return ['  CPU profile: no samples'];
  return [
    `  JavaScript CPU profile: ${secs(busy)} busy; self time by function:`,
    ...top(self, 12, busy),
    '  inclusive time by function (callers included; where a subtree is heavy):',
    ...top(inclusive, 16, busy),
  ];
}

/** The page's main thread in a trace: the CrRendererMain with the most work recorded ("pid:tid"). */
export function mainThreadOf(events: readonly TraceEvent[]): string | undefined {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const work = new Map<string, number>();
  for (const e of events)
    if (e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`)) {
      const k = `${e.pid}:${e.tid}`;
      work.set(k, (work.get(k) ?? 0) + (e.dur ?? 0));
    }
  return [...work.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function summariseTrace(events: TraceEvent[], label: (f: CallFrame) => string): string[] {
  const main = mainThreadOf(events);
  if (!main) return ['  trace: no main-thread events'];
  const list = events
    .filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && (e.dur ?? 0) > 0)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // Self time: each event's duration less its direct children's.
  const selfOf = new Map<TraceEvent, number>();
  const stack: TraceEvent[] = [];
  for (const e of list) {
    while (stack.length > 0) {
      const last = stack[stack.length - 1] as TraceEvent;
      if (last.ts + (last.dur ?? 0) > e.ts) break;
      stack.pop();
    }
    const up = stack[stack.length - 1];
    if (up) selfOf.set(up, (selfOf.get(up) ?? 0) - (e.dur ?? 0));
    selfOf.set(e, (selfOf.get(e) ?? 0) + (e.dur ?? 0));
    stack.push(e);
  }
  const kinds = new Map<string, number>();
  const names = new Map<string, number>();
  const forced = new Map<string, number>();
  let total = 0;
  for (const [e, us] of selfOf) {
    total += us;
    const kind = KINDS[e.name] ?? 'other';
    kinds.set(kind, (kinds.get(kind) ?? 0) + us);
    names.set(e.name, (names.get(e.name) ?? 0) + us);
  }
  for (const e of list) {
    if (e.name !== 'Layout' && e.name !== 'UpdateLayoutTree') continue;
    const frame = e.args?.beginData?.stackTrace?.[0] ?? e.args?.data?.stackTrace?.[0];
    if (!frame) continue;
    const key = `${e.name === 'Layout' ? 'layout' : 'style'} forced by ${label(frame)}`;
    forced.set(key, (forced.get(key) ?? 0) + (e.dur ?? 0));
  }
  const order = ['script', 'style', 'layout', 'paint', 'gc', 'parse', 'other'];
  return [
    `  main thread (trace): ${secs(total)} busy — ${order
      .filter((k) => kinds.has(k))
      .map((k) => `${k} ${secs(kinds.get(k) ?? 0)}`)
      .join(', ')}`,
    '  by trace event (self time):',
    ...top(names, 8, total),
    ...(forced.size > 0
      ? ['  synchronous style/layout forced by script:', ...top(forced, 6, total)]
      : []),
  ];
}

/** Profiles `run` on `page` (CPU profile + trace) and summarises both. */
export async function profilePhase(
  browser: Browser,
  page: Page,
  staticDir: string,
  label: string,
  run: () => Promise<void>,
): Promise<ProfileSummary> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  await cdp.send('Profiler.start');
  const began = Date.now();
  await run();
  const wall = Date.now() - began;
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: TraceEvent[];
  };
  await cdp.detach();
  const name = frameLabeller(staticDir);
  return {
    label,
    lines: [
      `${label} — ${(wall / 1000).toFixed(2)} s of wall time profiled`,
      ...summariseTrace(trace.traceEvents, name),
      ...summariseCpu(profile, name),
    ],
  };
}

/** Summarises a Node CPU profile (the web host's, from --cpu-prof) over a span of time. */
export function summariseNodeProfile(path: string, window: Window): string[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  return summariseCpu(profile, frameLabeller(null), window);
}
