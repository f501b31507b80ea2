// The three measurements, each on a page the caller opened: time to the
// first complete graph, frame rate under a scripted pan and zoom, and the
// time from a peer's connect to the edge in the DOM.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import {
  clockSkew,
  type EdgeTimes,
  edgeResult,
  type GraphTarget,
  installProbes,
  type LoadTimes,
  startFrames,
  stopFrames,
  watchEdge,
} from './page-probes.ts';
import type { Peer } from './stack.ts';

export const VIEWPORT = { width: 1400, height: 860 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
}

/**
 * A toolbar button by its text. Not getByRole: naming every element of a
 * 2,000-port graph takes minutes on a loaded machine.
 */
export const toolbarButton = (page: Page, text: string) =>
  page.locator('.jb-toolbar button').filter({ hasText: new RegExp(`^${text}$`) });

/** A fresh context (cold cache, empty storage) with the probes installed. */
export async function openProbedPage(browser: Browser, target: GraphTarget): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(installProbes, target);
  return { context, page };
}

async function loadTimes(page: Page, timeoutMs: number): Promise<LoadTimes> {
  const load = await page.evaluate(
    (ms) =>
      Promise.race([
        window.__bench.load,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), ms)),
      ]),
    timeoutMs,
  );
  if (!load) throw new Error(`the graph was not complete within ${timeoutMs} ms`);
  return load;
}

/** Navigates (or reloads) and waits until every port and edge of the target is in the DOM. */
export async function measureLoad(page: Page, url: string | null): Promise<LoadTimes> {
  if (url) await page.goto(url, { waitUntil: 'commit' });
  else await page.reload({ waitUntil: 'commit' });
  return loadTimes(page, 60_000);
}

export interface FrameStats {
  fps: number;
  frames: number;
  seconds: number;
  p50: number;
  p95: number;
  worst: number;
  /** Frames that took longer than two refresh intervals. */
  janky: number;
  viewportChanges: number;
}

export function frameStats(frames: number[], viewportChanges: number): FrameStats {
  const intervals = frames.slice(1).map((t, i) => t - (frames[i] as number));
  const seconds =
    frames.length > 1 ? ((frames.at(-1) as number) - (frames[0] as number)) / 1000 : 0;
  return {
    fps: seconds > 0 ? intervals.length / seconds : 0,
    frames: intervals.length,
    seconds,
    p50: percentile(intervals, 50),
    p95: percentile(intervals, 95),
    worst: Math.max(0, ...intervals),
    janky: intervals.filter((d) => d > 2 * (1000 / 60) + 1).length,
    viewportChanges,
  };
}

/** A point on the empty canvas, where a drag pans instead of moving a box. */
async function panePoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const pane = document.querySelector('.react-flow__pane')?.getBoundingClientRect();
    if (!pane) return null;
    const busy = '.react-flow__node, .react-flow__edge, .react-flow__panel, .react-flow__minimap';
    // Nearest the middle first: a drag there stays inside the view.
    const candidates: Array<{ x: number; y: number; d: number }> = [];
    for (let fx = 0.1; fx < 0.9; fx += 0.02)
      for (let fy = 0.1; fy < 0.9; fy += 0.02) {
        const x = pane.left + fx * pane.width;
        const y = pane.top + fy * pane.height;
        candidates.push({ x, y, d: (fx - 0.5) ** 2 + (fy - 0.5) ** 2 });
      }
    candidates.sort((a, b) => a.d - b.d);
    for (const c of candidates) {
      const el = document.elementFromPoint(c.x, c.y);
      if (el?.closest('.react-flow') && !el.closest(busy)) return { x: c.x, y: c.y };
    }
    return null;
  });
  if (!point) throw new Error('no empty canvas to drag on');
  return point;
}

/**
 * Pans by dragging the canvas, then zooms in and out with the wheel, like a
 * person looking around the graph; counts animation frames meanwhile.
 * Input is paced like a real mouse (~120 moves, ~60 wheel steps a second).
 */
export async function measurePanZoom(page: Page, ms = 4000): Promise<FrameStats> {
  const start = await panePoint(page);
  await page.mouse.move(start.x, start.y);
  await page.evaluate(startFrames);
  const began = Date.now();
  const half = ms / 2;
  await page.mouse.down();
  for (let t = 0; t < half; t = Date.now() - began) {
    const phase = (2 * Math.PI * t) / 1000;
    await page.mouse.move(start.x + 180 * Math.sin(phase), start.y + 90 * Math.sin(2 * phase));
    await sleep(Math.max(0, 8 - (Date.now() - began - t)));
  }
  await page.mouse.move(start.x, start.y);
  await page.mouse.up();
  for (let i = 0, t = Date.now() - began; t < ms; i++, t = Date.now() - began) {
    // Six notches in, six out: the zoom level swings without hitting its limits.
    await page.mouse.wheel(0, Math.floor(i / 6) % 2 === 0 ? -100 : 100);
    await sleep(Math.max(0, 16 - (Date.now() - began - t)));
  }
  const { frames, viewportChanges } = await page.evaluate(stopFrames);
  return frameStats(frames, viewportChanges);
}

/**
 * Switches to the matrix view (V) and scrolls it with the wheel, diagonally
 * and in long strokes, like a person looking for a row; counts animation
 * frames meanwhile. Returns the frame statistics and the matrix's size.
 */
export async function measureMatrixScroll(
  page: Page,
  ms = 4000,
): Promise<FrameStats & { rows: number; cols: number }> {
  await page.locator('body').press('v');
  const grid = page.locator('[role="grid"]');
  await grid.waitFor();
  const box = await grid.boundingBox();
  if (!box) throw new Error('no matrix');
  const size = await grid.evaluate((el) => ({
    rows: Number(el.getAttribute('aria-rowcount')) - 1,
    cols: Number(el.getAttribute('aria-colcount')) - 1,
  }));
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6);
  // Counts the scroll events, so a run that did not scroll cannot pass for a fast one.
  await grid.evaluate((el) => {
    const counted = el as HTMLElement & { scrolls?: number };
    counted.scrolls = 0;
    el.addEventListener('scroll', () => {
      counted.scrolls = (counted.scrolls ?? 0) + 1;
    });
  });
  await page.evaluate(startFrames);
  const began = Date.now();
  for (let i = 0, t = 0; t < ms; i++, t = Date.now() - began) {
    // Forty notches one way, forty back: about 16,000 px of cells each way.
    const sign = Math.floor(i / 40) % 2 === 0 ? 1 : -1;
    await page.mouse.wheel(sign * 200, sign * 400);
    await sleep(Math.max(0, 16 - (Date.now() - began - t)));
  }
  const { frames } = await page.evaluate(stopFrames);
  const scrolls = await grid.evaluate((el) => (el as HTMLElement & { scrolls?: number }).scrolls);
  await page.locator('body').press('v');
  // The view changes it counts are the matrix's scroll events.
  return { ...frameStats(frames, scrolls ?? 0), ...size };
}

/** Frames while nobody touches the page. */
export async function measureIdle(page: Page, ms = 1000): Promise<FrameStats> {
  await page.evaluate(startFrames);
  await sleep(ms);
  const { frames, viewportChanges } = await page.evaluate(stopFrames);
  return frameStats(frames, viewportChanges);
}

export interface EdgeSample {
  /** Peer's connect call started → edge in the DOM (ms). */
  dom: number;
  /** Peer's connect call started → the patch reached the page (ms). */
  wire: number | null;
  /** How long the peer's connect call itself took (ms). */
  call: number;
}

export interface EdgeRun {
  connect: EdgeSample[];
  disconnect: EdgeSample[];
  skew: number;
  timeouts: number;
}

async function timedChange(
  page: Page,
  peer: Peer,
  verb: 'connect' | 'disconnect',
  source: string,
  destination: string,
  skew: number,
): Promise<EdgeSample | null> {
  await page.evaluate(watchEdge, {
    source,
    destination,
    present: verb === 'connect',
    timeoutMs: 5000,
  });
  const reply = await peer.ask(`${verb} ${source} ${destination}`);
  const times: EdgeTimes | null = await page.evaluate(edgeResult);
  if (!times) return null;
  const t0 = reply.t0 as number;
  return {
    dom: times.dom - skew - t0,
    wire: times.wire === null ? null : times.wire - skew - t0,
    call: (reply.t1 as number) - t0,
  };
}

/**
 * Connects and disconnects each pair in turn through the peer, timing how
 * long each edge takes to appear in (and leave) the DOM. Pauses of varying
 * length between changes keep them from lining up with the service's
 * patch timer.
 */
export async function measureEdges(
  page: Page,
  peer: Peer,
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<EdgeRun> {
  const skew = await page.evaluate(clockSkew);
  const run: EdgeRun = { connect: [], disconnect: [], skew, timeouts: 0 };
  for (const [i, [source, destination]] of pairs.entries()) {
    const added = await timedChange(page, peer, 'connect', source, destination, skew);
    if (added) run.connect.push(added);
    else run.timeouts++;
    await sleep(60 + ((i * 37) % 90));
    const removed = await timedChange(page, peer, 'disconnect', source, destination, skew);
    if (removed) run.disconnect.push(removed);
    else run.timeouts++;
    await sleep(60 + ((i * 53) % 90));
  }
  return run;
}

/** Linear-interpolated percentile (p in 0..100) of an unsorted list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}
