// Instruments that run inside the page. Each function is serialised by
// Playwright (page.addInitScript / page.evaluate), so it must be
// self-contained: no imports, no outer variables.
//
// Times are wall-clock milliseconds from performance.timeOrigin +
// performance.now() (sub-millisecond, comparable with the peer's clock), or
// milliseconds since navigation where noted.

export interface GraphTarget {
  /** Port names of the graph under test start with this. */
  prefix: string;
  ports: number;
  edges: number;
}

/** Milestones of the first load, in ms since navigation started. */
export interface LoadTimes {
  firstPort: number;
  ports: number;
  edges: number;
  /** The frame after the last edge arrived. */
  painted: number;
  /** Main-thread long tasks (> 50 ms) until then: count and total ms. */
  longTasks: number;
  longTaskMs: number;
}

export interface EdgeTimes {
  /** The WebSocket message that carried the change arrived. */
  wire: number | null;
  /** The edge element was added to (or removed from) the DOM. */
  dom: number;
}

interface BenchGlobals {
  target: GraphTarget | null;
  load: Promise<LoadTimes>;
  watch: {
    selector: string;
    present: boolean;
    needles: string[];
    wire: number | null;
    done: (t: EdgeTimes) => void;
  } | null;
  frames: number[] | null;
  viewportChanges: number;
  /** Binary WebSocket messages received, by kind (the first u32: 1 meters, 2 MIDI). */
  binary: Record<number, { messages: number; bytes: number }>;
  /**
   * Ports of clients named `prefix…` the page shows: as rows, or counted in
   * their box's summary while the view is zoomed out (ui graph/detail.ts).
   */
  portsShown(prefix: string): number;
}

declare global {
  interface Window {
    __bench: BenchGlobals;
  }
}

/**
 * Installed before the app's scripts: watches the DOM for the graph's ports
 * and edges, timestamps WebSocket messages, and records frames on demand.
 */
export function installProbes(target: GraphTarget | null): void {
  const summaryOf = (prefix: string) => `.jb-box[data-client^="${prefix}"] .jb-box-summary`;
  const now = () => performance.timeOrigin + performance.now();
  let resolveLoad: (t: LoadTimes) => void = () => {};
  const bench: BenchGlobals = {
    target,
    load: new Promise((resolve) => {
      resolveLoad = resolve;
    }),
    watch: null,
    frames: null,
    viewportChanges: 0,
    binary: {},
    portsShown(prefix) {
      let n = document.querySelectorAll(`[data-port-name^="${prefix}"]`).length;
      document.querySelectorAll<HTMLElement>(summaryOf(prefix)).forEach((el) => {
        n += Number(el.dataset.ports);
      });
      return n;
    },
  };
  window.__bench = bench;

  // The patch (or snapshot) that carries a watched change, as it arrives.
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event) => {
        if (event.data instanceof ArrayBuffer) {
          const kind = event.data.byteLength >= 4 ? new DataView(event.data).getUint32(0, true) : 0;
          const count = bench.binary[kind] ?? { messages: 0, bytes: 0 };
          count.messages++;
          count.bytes += event.data.byteLength;
          bench.binary[kind] = count;
          return;
        }
        const w = bench.watch;
        if (!w || w.wire !== null || typeof event.data !== 'string') return;
        if (w.needles.every((n) => event.data.includes(n))) w.wire = now();
      });
    }
  };

  const longTasks: number[] = [];
  const takeLongTasks = (list: PerformanceEntryList) => {
    for (const e of list) longTasks.push(e.duration);
  };
  const longTaskObserver = new PerformanceObserver((list) => takeLongTasks(list.getEntries()));
  longTaskObserver.observe({ entryTypes: ['longtask'] });

  const load = { firstPort: -1, ports: -1, edges: -1 };
  const portSel = target ? `[data-port-name^="${target.prefix}"], ${summaryOf(target.prefix)}` : '';
  const edgeSel = target ? `[data-source^="${target.prefix}"]` : '';
  const touches = (records: MutationRecord[], sel: string) =>
    records.some((r) =>
      Array.from(r.addedNodes).some(
        (n) => n instanceof Element && (n.matches(sel) || n.querySelector(sel) !== null),
      ),
    );

  const observer = new MutationObserver((records) => {
    const t = now();
    const w = bench.watch;
    if (w && (document.querySelector(w.selector) !== null) === w.present) {
      bench.watch = null;
      w.done({ wire: w.wire, dom: t });
    }
    for (const r of records)
      if (
        r.type === 'attributes' &&
        (r.target as Element).classList.contains('react-flow__viewport')
      )
        bench.viewportChanges++;
    if (!target || load.edges >= 0) return;
    const since = t - performance.timeOrigin;
    if (load.ports < 0 && touches(records, portSel)) {
      const n = bench.portsShown(target.prefix);
      if (n > 0 && load.firstPort < 0) load.firstPort = since;
      if (n >= target.ports) load.ports = since;
    }
    if (load.ports >= 0 && (target.edges === 0 || touches(records, edgeSel))) {
      if (document.querySelectorAll(edgeSel).length >= target.edges) {
        load.edges = since;
        requestAnimationFrame(() => {
          // A message posted from the frame callback runs once that frame is done.
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            const painted = performance.now();
            takeLongTasks(longTaskObserver.takeRecords());
            resolveLoad({
              ...load,
              painted,
              longTasks: longTasks.length,
              longTaskMs: longTasks.reduce((a, b) => a + b, 0),
            });
          };
          channel.port2.postMessage(null);
        });
      }
    }
  });
  const start = () =>
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['style'],
    });
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
}

/**
 * Arms a watch for one edge: resolves when the element for source →
 * destination appears (present) or goes (!present). Call before the change.
 */
export function watchEdge(args: {
  source: string;
  destination: string;
  present: boolean;
  timeoutMs: number;
}): { armed: true } {
  const bench = window.__bench;
  const selector = `[data-source="${CSS.escape(args.source)}"][data-destination="${CSS.escape(args.destination)}"]`;
  let resolve: (t: EdgeTimes | null) => void = () => {};
  const result = new Promise<EdgeTimes | null>((r) => {
    resolve = r;
  });
  const timer = setTimeout(() => {
    bench.watch = null;
    resolve(null);
  }, args.timeoutMs);
  bench.watch = {
    selector,
    present: args.present,
    needles: [args.source, args.destination],
    wire: null,
    done: (t) => {
      clearTimeout(timer);
      resolve(t);
    },
  };
  (window as unknown as { __edge: Promise<EdgeTimes | null> }).__edge = result;
  return { armed: true };
}

/** The outcome of the last watchEdge. */
export function edgeResult(): Promise<EdgeTimes | null> {
  return (window as unknown as { __edge: Promise<EdgeTimes | null> }).__edge;
}

/** Page clock minus wall clock (ms): corrects page times to the peer's clock. */
export function clockSkew(): number {
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const wall = Date.now();
    samples.push(performance.timeOrigin + performance.now() - wall);
  }
  samples.sort((a, b) => a - b);
  return samples[4] ?? 0;
}

/** The binary WebSocket traffic so far, by kind (see BenchGlobals.binary). */
export function binaryTraffic(): Record<number, { messages: number; bytes: number }> {
  return structuredClone(window.__bench.binary);
}

/** Starts recording the time of every animation frame. */
export function startFrames(): void {
  const bench = window.__bench;
  const frames: number[] = [];
  bench.frames = frames;
  bench.viewportChanges = 0;
  const tick = (t: number) => {
    if (bench.frames !== frames) return;
    frames.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Stops recording; returns the frame times and how often the viewport moved. */
export function stopFrames(): { frames: number[]; viewportChanges: number } {
  const bench = window.__bench;
  const frames = bench.frames ?? [];
  bench.frames = null;
  return { frames, viewportChanges: bench.viewportChanges };
}
