// The connection-graph benchmark (issue 4, section 5): a peer makes 200
// clients, 2000 ports and 1000 connections on a private jackd; Debian's
// headless Chromium opens the web host and we measure
//   - time to the first complete graph (navigation → every port of the
//     peer's clients in the DOM, as a row or counted in its box's summary
//     when zoomed out, and every edge; the renderer does not cull, so the
//     DOM holds the whole graph),
//   - frames per second while a script pans and zooms with the mouse, and
//     while it scrolls the matrix view of the same graph,
//   - time from the peer's connect call to the edge in the DOM (p50, p95),
//   - the page's memory,
// each beside the same measurement on an empty graph in the same run; then
// the same on the largest graph the server allows (issue 11 asks for 1,000
// clients / 10,000 ports / 5,000 connections: JACK2 takes neither, see
// LARGE), and a profile of every phase that missed its aim.
import { availableParallelism, loadavg } from 'node:os';
import { type Browser, chromium, test } from '@playwright/test';
import { diagnose, type Missed } from './diagnose.ts';
import {
  type EdgeRun,
  type FrameStats,
  measureEdges,
  measureIdle,
  measureLoad,
  measureMatrixScroll,
  measurePanZoom,
  openProbedPage,
  percentile,
} from './measure.ts';
import { describeMemory, type PageMemory, pageMemory } from './page-memory.ts';
import type { GraphTarget, LoadTimes } from './page-probes.ts';
import { fps, ms, type Row, table } from './report.ts';
import {
  type JackStack,
  type Peer,
  type PeerReply,
  startJack,
  startPeer,
  startWebHost,
  type WebHost,
} from './stack.ts';

const CLIENTS = 200;
const PORT_MAX = 4096;
const LOADS = 3;
const EDGE_SAMPLES = 60;
const REFERENCE_EDGE_SAMPLES = 20;
// Issue 11's aims: the 2,000-port graph, and the 10,000-port one.
const AIM = { firstGraphMs: 1000, fps: 55, frameP95Ms: 20, edgeP95Ms: 100 };
const LARGE_AIM = { firstGraphMs: 3000, fps: 30, pageMb: 300 };
/**
 * The large graph: issue 11 asks for 1,000 clients with 10,000 ports. JACK2
 * (Debian's jackd2 1.9.21) refuses a port-max above 4,096 (PORT_NUM_MAX: "too
 * much ports") and takes 256 clients (CLIENT_NUM, a build-time constant; no
 * jackd option raises it), both counting the server's own. So the peer asks
 * for 1,000 clients, gets as many as the server takes, and spreads the most
 * ports that leave room for the meters' probes over them.
 */
const LARGE = { clients: 1000, ports: 3900 };
const LARGE_LOADS = 2;

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
};

const log = (text: string) => console.log(text);
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (values: number[]) => percentile(values, 50);

interface LoadRun {
  loads: LoadTimes[];
}

/** LOADS navigations: the first in a fresh context (cold cache), then reloads. */
async function loads(browser: Browser, url: string, target: GraphTarget, count = LOADS) {
  const opened = await openProbedPage(browser, target);
  const run: LoadRun = { loads: [] };
  for (let i = 0; i < count; i++)
    run.loads.push(await measureLoad(opened.page, i === 0 ? url : null));
  return { ...opened, run };
}

function edgeCell(run: EdgeRun, which: 'connect' | 'disconnect', p: number): number {
  return percentile(
    run[which].map((s) => s.dom),
    p,
  );
}

function wireCell(run: EdgeRun, p: number): number {
  return percentile(
    run.connect.flatMap((s) => (s.wire === null ? [] : [s.wire])),
    p,
  );
}

/** Pairs to connect on the big graph: source outputs to sink inputs, none connected yet. */
function benchPairs(sources: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const id = (n: number) => String(n % sources).padStart(2, '0');
  for (let i = 0; i < EDGE_SAMPLES; i++) {
    const channel = (i % 8) + 1;
    pairs.push([`bb-src-${id(i)}:out_${channel}`, `bb-sink-${id(i * 7 + 3)}:in_${channel}`]);
  }
  return pairs;
}

function referencePairs(): Array<[string, string]> {
  return Array.from({ length: REFERENCE_EDGE_SAMPLES }, (_, i) => [
    `system:capture_${(i % 2) + 1}`,
    `system:playback_${(Math.floor(i / 2) % 2) + 1}`,
  ]);
}

test('connection graph benchmark', async () => {
  const started = Date.now();
  let stack: JackStack | null = null;
  let host: WebHost | null = null;
  let peer: Peer | null = null;
  let browser: Browser | null = null;
  try {
    stack = startJack(PORT_MAX);
    host = await startWebHost(stack);
    peer = await startPeer(stack);
    browser = await chromium.launch(CHROMIUM);
    log(
      `jackd '${stack.serverName}' (dummy, 48 kHz, 256 frames, port-max ${PORT_MAX}) in ${
        stack.isolated ? 'a private mount namespace (own /dev/shm)' : 'the shared /dev/shm'
      }; Chromium ${browser.version()}; load average ${loadAverage()} on ${availableParallelism()} cores`,
    );

    // ---- Reference: the same page on an empty graph (the server's system ports only)
    const empty: GraphTarget = { prefix: 'system:', ports: 4, edges: 0 };
    const ref = await loads(browser, host.url, empty);
    const refIdle = await measureIdle(ref.page);
    const refPanZoom = await measurePanZoom(ref.page);
    const refEdges = await measureEdges(ref.page, peer, referencePairs());
    const refMemory = await pageMemory(browser, ref.page);
    log(`reference (empty graph) measured at ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // ---- The big graph, built while the reference page stays open
    const built = await peer.ask(`build ${CLIENTS}`, 300_000);
    const target: GraphTarget = {
      prefix: 'bb-',
      ports: built.ports as number,
      edges: built.connections as number,
    };
    describeBuild(built, `${CLIENTS}`);
    const caughtUp = await catchUp(ref.page, target);
    await ref.context.close();

    const big = await loads(browser, host.url, target);
    await big.page.waitForTimeout(500); // the fit animation after the first snapshot
    const idle = await measureIdle(big.page);
    const panZoom = await measurePanZoom(big.page);
    const pairs = benchPairs(built.sources as number);
    const edges = await measureEdges(big.page, peer, pairs);
    const matrixScroll = await measureMatrixScroll(big.page);
    const memory = await pageMemory(browser, big.page);
    // Each new xrun flashes the counter (an animation): worth knowing when reading frame rates.
    const xruns = await big.page.getByTestId('xrun-count').textContent();
    await big.context.close();
    // The profiling runs use a host of their own: two services would share the CPU.
    await host.stop();
    host = null;

    const rows = summarise({
      ref: ref.run,
      big: big.run,
      refIdle,
      idle,
      refPanZoom,
      panZoom,
      matrixScroll,
      refEdges,
      edges,
      caughtUp,
      target,
      memory,
      refMemory,
    });
    log('');
    log(table(rows));
    log('');
    details(big.run, panZoom, refPanZoom, matrixScroll, edges);
    log(`page memory: ${describeMemory(memory)}; empty graph: ${describeMemory(refMemory)}`);
    log(
      `"complete" means in the DOM: the renderer draws every node and edge (no onlyRenderVisibleElements); ` +
        `zoomed out, a box's ports are counted in its summary (no row per port). ` +
        `Status bar at the end: ${xruns?.replace(/\D+/g, ' ').trim()} xruns. Load average now ${loadAverage()}.`,
    );
    await profileMisses(browser, stack, peer, target, pairs.slice(0, 12), whatMissed(rows));

    // ---- The largest graph the server allows
    await peer.ask('clear', 120_000);
    host = await startWebHost(stack);
    const largeBuilt = await peer.ask(`build ${LARGE.clients} ${LARGE.ports}`, 600_000);
    const largeTarget: GraphTarget = {
      prefix: 'bb-',
      ports: largeBuilt.ports as number,
      edges: largeBuilt.connections as number,
    };
    log('');
    describeBuild(largeBuilt, `${LARGE.clients}, with ${LARGE.ports} ports`);
    const large = await loads(browser, host.url, largeTarget, LARGE_LOADS);
    await large.page.waitForTimeout(500);
    const largePanZoom = await measurePanZoom(large.page);
    // About 2,000 outputs by 2,000 inputs: the matrix size issue 11 names.
    const largeMatrix = await measureMatrixScroll(large.page);
    const largeMemory = await pageMemory(browser, large.page);
    await large.context.close();
    await host.stop();
    host = null;
    const largeRows = summariseLarge({
      built: largeBuilt,
      target: largeTarget,
      run: large.run,
      panZoom: largePanZoom,
      matrixScroll: largeMatrix,
      memory: largeMemory,
      ref: ref.run,
      refPanZoom,
      refMemory,
    });
    log('');
    log(table(largeRows));
    log('');
    log(
      `issue 11 asks for 1,000 clients / 10,000 ports / 5,000 connections; measured instead: ` +
        `${largeBuilt.clients} clients / ${largeTarget.ports} ports / ${largeTarget.edges} connections, ` +
        'the most JACK2 allows (port-max is capped at 4,096 ports, clients at 256, both counting the server’s own and Jackbay’s meter probes).',
    );
    log(
      `loads (ports / edges / painted, ms since navigation): ${large.run.loads
        .map((l) => `${Math.round(l.ports)} / ${Math.round(l.edges)} / ${Math.round(l.painted)}`)
        .join(
          '; ',
        )}; pan+zoom: ${largePanZoom.frames} frames, frame interval p50 ${largePanZoom.p50.toFixed(1)} ms, p95 ${largePanZoom.p95.toFixed(1)} ms; matrix scroll: ${largeMatrix.frames} frames, ${largeMatrix.viewportChanges} scroll events; page memory: ${describeMemory(largeMemory)}`,
    );
    await profileMisses(browser, stack, peer, largeTarget, [], whatMissed(largeRows), largeMemory);
    log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await browser?.close();
    await peer?.stop();
    await host?.stop();
    await stack?.stop();
  }
});

/** Profiles each phase that missed its aim and prints the summaries (JACKBAY_BENCH_PROFILE=0 skips, 1 profiles all). */
async function profileMisses(
  browser: Browser,
  stack: JackStack,
  peer: Peer,
  target: GraphTarget,
  pairs: ReadonlyArray<readonly [string, string]>,
  missed: Missed,
  memory?: PageMemory,
): Promise<void> {
  const setting = process.env.JACKBAY_BENCH_PROFILE;
  if (setting === '0') return;
  const all = setting === '1';
  const phases: Missed = {
    load: all || missed.load,
    fps: all || missed.fps,
    edges: (all || missed.edges) && pairs.length > 0,
    matrix: all || missed.matrix,
    memory: all || missed.memory,
  };
  if (!Object.values(phases).some(Boolean)) return;
  log('');
  log(`Profiling what missed its aim on the ${target.ports}-port graph:`);
  if (phases.memory && memory)
    log(`Memory: the page holds ${describeMemory(memory)} (after a forced garbage collection)`);
  const lines = await diagnose(browser, stack, peer, target, pairs, phases);
  log(lines.join('\n'));
}

/** Which phases missed their aim, from the rows' `phase`. */
function whatMissed(rows: PhaseRow[]): Missed {
  const miss = (phase: keyof Missed) => rows.some((r) => r.phase === phase && r.met === false);
  return {
    load: miss('load'),
    fps: miss('fps'),
    edges: miss('edges'),
    matrix: miss('matrix'),
    memory: miss('memory'),
  };
}

/** A table row, and the phase to profile when it misses its aim. */
type PhaseRow = Row & { phase?: keyof Missed };

function describeBuild(built: PeerReply, asked: string): void {
  const limit = built.limit
    ? ` — JACK refused a client (${built.limit}); the graph was built with as many as it took`
    : '';
  log(
    `peer: ${built.clients} clients (asked ${asked}), ${built.ports} ports, ${built.connections} connections, built in ${built.seconds} s${limit}`,
  );
}

/** How long the page that was already open took to show the whole graph after the peer finished. */
async function catchUp(page: import('@playwright/test').Page, target: GraphTarget) {
  const begun = Date.now();
  await page.waitForFunction(
    (t) =>
      window.__bench.portsShown(t.prefix) >= t.ports &&
      document.querySelectorAll(`[data-source^="${t.prefix}"]`).length >= t.edges,
    target,
    { timeout: 60_000, polling: 50 },
  );
  return Date.now() - begun;
}

interface Results {
  ref: LoadRun;
  big: LoadRun;
  refIdle: FrameStats;
  idle: FrameStats;
  refPanZoom: FrameStats;
  panZoom: FrameStats;
  matrixScroll: FrameStats & { rows: number; cols: number };
  refEdges: EdgeRun;
  edges: EdgeRun;
  caughtUp: number;
  target: GraphTarget;
  memory: PageMemory;
  refMemory: PageMemory;
}

/** The matrix's scroll against the graph's aim, on either graph. */
function matrixRow(r: Pick<Results, 'matrixScroll' | 'refPanZoom'>): PhaseRow {
  return {
    measure: `Matrix view: frame rate during scroll (${r.matrixScroll.rows} × ${r.matrixScroll.cols})`,
    result: `${fps(r.matrixScroll.fps)} (${ms(r.matrixScroll.p95)})`,
    aim: `>= ${AIM.fps} fps (< ${AIM.frameP95Ms} ms)`,
    met: r.matrixScroll.fps >= AIM.fps && r.matrixScroll.p95 < AIM.frameP95Ms,
    reference: `empty graph pan + zoom: ${fps(r.refPanZoom.fps)}`,
    phase: 'matrix',
  };
}

function summarise(r: Results): PhaseRow[] {
  const first = median(r.big.loads.map((l) => l.edges));
  const refFirst = median(r.ref.loads.map((l) => l.ports));
  const p95 = edgeCell(r.edges, 'connect', 95);
  const g = `${r.target.ports} ports, ${r.target.edges} edges`;
  return [
    {
      measure: `First complete graph (${g}; median of ${LOADS} loads)`,
      result: ms(first),
      aim: `< ${AIM.firstGraphMs} ms`,
      met: first < AIM.firstGraphMs,
      reference: `empty graph: ${ms(refFirst)}`,
      phase: 'load',
    },
    {
      measure: '  of which: all port handles in the DOM',
      result: ms(median(r.big.loads.map((l) => l.ports))),
      aim: '',
      met: null,
      reference: `first port: ${ms(median(r.big.loads.map((l) => l.firstPort)))}`,
    },
    {
      measure: '  first load only (fresh context, cold cache)',
      result: ms(r.big.loads[0]?.edges),
      aim: '',
      met: null,
      reference: `empty graph: ${ms(r.ref.loads[0]?.ports)}`,
    },
    {
      measure: 'Frame rate during pan + zoom (frame interval p95)',
      result: `${fps(r.panZoom.fps)} (${ms(r.panZoom.p95)})`,
      aim: `>= ${AIM.fps} fps (< ${AIM.frameP95Ms} ms)`,
      met: r.panZoom.fps >= AIM.fps && r.panZoom.p95 < AIM.frameP95Ms,
      reference: `empty graph: ${fps(r.refPanZoom.fps)} (${ms(r.refPanZoom.p95)})`,
      phase: 'fps',
    },
    matrixRow(r),
    {
      measure: 'Frame rate idle (nobody touching the page)',
      result: fps(r.idle.fps),
      aim: '',
      met: null,
      reference: `empty graph: ${fps(r.refIdle.fps)}`,
    },
    {
      measure: `Peer connect → edge in DOM, p50 (${r.edges.connect.length} samples)`,
      result: ms(edgeCell(r.edges, 'connect', 50)),
      aim: '',
      met: null,
      reference: `empty graph: ${ms(edgeCell(r.refEdges, 'connect', 50))}`,
    },
    {
      measure: 'Peer connect → edge in DOM, p95',
      result: ms(p95),
      aim: `< ${AIM.edgeP95Ms} ms`,
      met: p95 < AIM.edgeP95Ms,
      reference: `empty graph: ${ms(edgeCell(r.refEdges, 'connect', 95))}`,
      phase: 'edges',
    },
    {
      measure: '  of which: connect → patch at the page (p50 / p95)',
      result: `${ms(wireCell(r.edges, 50))} / ${ms(wireCell(r.edges, 95))}`,
      aim: '',
      met: null,
      reference: `empty graph: ${ms(wireCell(r.refEdges, 50))} / ${ms(wireCell(r.refEdges, 95))}`,
    },
    {
      measure: 'Peer disconnect → edge gone, p50 / p95',
      result: `${ms(edgeCell(r.edges, 'disconnect', 50))} / ${ms(edgeCell(r.edges, 'disconnect', 95))}`,
      aim: '',
      met: null,
      reference: `empty graph: ${ms(edgeCell(r.refEdges, 'disconnect', 50))} / ${ms(edgeCell(r.refEdges, 'disconnect', 95))}`,
    },
    {
      measure: 'Open page catches up after the peer built the graph',
      result: ms(r.caughtUp),
      aim: '',
      met: null,
      reference: '',
    },
    {
      measure: 'Page memory (renderer PSS)',
      result: mb(r.memory.pss),
      aim: '',
      met: null,
      reference: `empty graph: ${mb(r.refMemory.pss)}`,
    },
  ];
}

const mb = (v: number) => `${v.toFixed(0)} MB`;

interface LargeResults {
  built: PeerReply;
  target: GraphTarget;
  run: LoadRun;
  panZoom: FrameStats;
  matrixScroll: FrameStats & { rows: number; cols: number };
  memory: PageMemory;
  ref: LoadRun;
  refPanZoom: FrameStats;
  refMemory: PageMemory;
}

function summariseLarge(r: LargeResults): PhaseRow[] {
  const first = median(r.run.loads.map((l) => l.edges));
  const g = `${r.built.clients} clients, ${r.target.ports} ports, ${r.target.edges} edges`;
  return [
    {
      measure: `First complete graph (${g}; median of ${LARGE_LOADS} loads)`,
      result: ms(first),
      aim: `< ${LARGE_AIM.firstGraphMs} ms`,
      met: first < LARGE_AIM.firstGraphMs,
      reference: `empty graph: ${ms(median(r.ref.loads.map((l) => l.ports)))}`,
      phase: 'load',
    },
    {
      measure: 'Frame rate during pan + zoom (frame interval p95)',
      result: `${fps(r.panZoom.fps)} (${ms(r.panZoom.p95)})`,
      aim: `>= ${LARGE_AIM.fps} fps`,
      met: r.panZoom.fps >= LARGE_AIM.fps,
      reference: `empty graph: ${fps(r.refPanZoom.fps)}`,
      phase: 'fps',
    },
    matrixRow(r),
    {
      measure: 'Page memory (renderer PSS)',
      result: mb(r.memory.pss),
      aim: `< ${LARGE_AIM.pageMb} MB`,
      met: r.memory.pss < LARGE_AIM.pageMb,
      reference: `empty graph: ${mb(r.refMemory.pss)}`,
      phase: 'memory',
    },
  ];
}

function details(
  big: LoadRun,
  panZoom: FrameStats,
  ref: FrameStats,
  matrixScroll: FrameStats,
  edges: EdgeRun,
): void {
  log(
    `loads (ports / edges / painted, ms since navigation): ${big.loads
      .map((l) => `${Math.round(l.ports)} / ${Math.round(l.edges)} / ${Math.round(l.painted)}`)
      .join('; ')}`,
  );
  log(
    `long tasks during each load: ${big.loads.map((l) => `${l.longTasks} (${Math.round(l.longTaskMs)} ms)`).join('; ')}`,
  );
  for (const [name, f] of [
    ['pan+zoom, big graph', panZoom],
    ['pan+zoom, empty graph', ref],
    ['matrix scroll, big graph', matrixScroll],
  ] as const)
    log(
      `${name}: ${f.frames} frames in ${f.seconds.toFixed(2)} s, frame interval p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, worst ${f.worst.toFixed(0)} ms, ${f.janky} frames over 2 intervals, ${f.viewportChanges} ${f === matrixScroll ? 'scroll events' : 'viewport updates'}`,
    );
  log(
    `edges: page clock − wall clock ${edges.skew.toFixed(2)} ms (corrected); peer's connect call p50 ${ms(
      percentile(
        edges.connect.map((s) => s.call),
        50,
      ),
    )}; ${edges.timeouts} timeouts`,
  );
}
