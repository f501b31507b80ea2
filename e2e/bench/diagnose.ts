// When an aim is missed, the benchmark repeats the phase that missed it
// under the profiler and prints where the time went. The page runs an
// unminified build of the renderer with source maps (so functions keep their
// names and can be traced to their file), served by a second web host on
// the same JACK server; that host runs with Node's CPU profiler, so the
// service's share of the connect → edge time shows too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import {
  type FrameStats,
  measureEdges,
  measureIdle,
  measureLoad,
  measureMatrixScroll,
  measurePanZoom,
  openProbedPage,
  percentile,
} from './measure.ts';
import type { GraphTarget } from './page-probes.ts';
import { monotonicUs, profilePhase, summariseNodeProfile } from './profile.ts';
import { type JackStack, type Peer, startWebHost } from './stack.ts';

const UI = join(import.meta.dirname, '..', '..', 'packages', 'ui');

export interface Missed {
  load: boolean;
  fps: boolean;
  edges: boolean;
  matrix: boolean;
  /** The page's memory: its counts are the summary (the caller prints them); nothing to profile here. */
  memory: boolean;
}

export function buildPlainRenderer(outDir: string): void {
  const vite = join(UI, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = ['build', '--minify', 'false', '--sourcemap', '--outDir', outDir, '--emptyOutDir'];
  const built = spawnSync(process.execPath, [vite, ...args, '--logLevel', 'warn'], {
    cwd: UI,
    encoding: 'utf8',
  });
  if (built.status !== 0)
    throw new Error(`building the unminified renderer failed: ${built.stderr}`);
}

const frames = (f: FrameStats) => `${f.fps.toFixed(1)} fps, frame p95 ${f.p95.toFixed(0)} ms`;

export async function diagnose(
  browser: Browser,
  stack: JackStack,
  peer: Peer,
  target: GraphTarget,
  pairs: ReadonlyArray<readonly [string, string]>,
  missed: Missed,
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jbbench-'));
  const uiDir = join(dir, 'ui');
  const profDir = join(dir, 'host-profile');
  const out: string[] = [];
  try {
    buildPlainRenderer(uiDir);
    const host = await startWebHost(stack, {
      staticDir: uiDir,
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '500'],
    });
    let edgeWindow: { from: number; to: number } | null = null;
    try {
      const { context, page } = await openProbedPage(browser, target);
      if (missed.load) {
        let edges = 0;
        const p = await profilePhase(browser, page, uiDir, 'Profile: first load', async () => {
          edges = (await measureLoad(page, host.url)).edges;
        });
        out.push(
          ...p.lines,
          `  (under the profiler the graph was complete at ${edges.toFixed(0)} ms)`,
        );
      } else await measureLoad(page, host.url);
      await page.waitForTimeout(500);
      if (missed.fps) {
        let idle: FrameStats | null = null;
        const a = await profilePhase(browser, page, uiDir, 'Profile: idle page, 2 s', async () => {
          idle = await measureIdle(page, 2000);
        });
        let moving: FrameStats | null = null;
        const b = await profilePhase(browser, page, uiDir, 'Profile: pan + zoom', async () => {
          moving = await measurePanZoom(page);
        });
        if (idle) a.lines.push(`  (under the profiler: ${frames(idle)})`);
        if (moving) b.lines.push(`  (under the profiler: ${frames(moving)})`);
        out.push(...a.lines, '', ...b.lines);
      }
      if (missed.matrix) {
        let scrolled: FrameStats | null = null;
        const p = await profilePhase(browser, page, uiDir, 'Profile: matrix scroll', async () => {
          scrolled = await measureMatrixScroll(page);
        });
        if (scrolled) p.lines.push(`  (under the profiler: ${frames(scrolled)})`);
        out.push('', ...p.lines);
      }
      if (missed.edges) {
        const from = monotonicUs();
        let p95 = 0;
        const p = await profilePhase(browser, page, uiDir, 'Profile: connect → edge', async () => {
          const run = await measureEdges(page, peer, pairs);
          p95 = percentile(
            run.connect.map((s) => s.dom),
            95,
          );
        });
        edgeWindow = { from, to: monotonicUs() };
        p.lines.push(
          `  (under the profiler: p95 ${p95.toFixed(0)} ms over ${pairs.length} samples)`,
        );
        out.push('', ...p.lines);
      }
      await context.close();
    } finally {
      await host.stop();
    }
    if (edgeWindow) {
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (file)
        out.push(
          '',
          'Profile: the web host (service) during the same connect → edge samples',
          ...summariseNodeProfile(join(profDir, file), edgeWindow),
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
