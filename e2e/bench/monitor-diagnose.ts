// When a monitoring aim is missed, the benchmark repeats that phase under
// the profilers and prints where the time went: the page runs an unminified
// build of the renderer with source maps, served by a web host of its own
// that runs with Node's CPU profiler (so the service's share shows too).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { buildPlainRenderer } from './diagnose.ts';
import { openProbedPage, toolbarButton } from './measure.ts';
import { monotonicUs, profilePhase, summariseNodeProfile, type Window } from './profile.ts';
import { type JackStack, startWebHost } from './stack.ts';

export interface MonitorMissed {
  /** The page with every meter running (frame cost or the host's CPU). */
  meters: boolean;
  /** The page with the MIDI monitor open under a MIDI flood. */
  midi: boolean;
}

export interface MonitorWork {
  /** Makes the peer play on every port to meter (before the page loads, so its first view fits them). */
  startAudio(): Promise<void>;
  /** Resolves when the page meters every port. */
  metersReady(page: Page): Promise<void>;
  stopMeters(): Promise<void>;
  /** Plays MIDI for `seconds` into a page whose MIDI monitor is open; resolves when done. */
  playMidi(page: Page, seconds: number): Promise<void>;
}

export async function diagnoseMonitor(
  browser: Browser,
  stack: JackStack,
  missed: MonitorMissed,
  work: MonitorWork,
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'jbbench-mon-'));
  const uiDir = join(dir, 'ui');
  const profDir = join(dir, 'host-profile');
  const out: string[] = [];
  const windows: Array<[string, Window]> = [];
  try {
    buildPlainRenderer(uiDir);
    const host = await startWebHost(stack, {
      staticDir: uiDir,
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '500'],
    });
    try {
      const { context, page } = await openProbedPage(browser, { prefix: '', ports: 0, edges: 0 });
      if (missed.meters) await work.startAudio();
      await page.goto(host.url);
      if (missed.meters) {
        await work.metersReady(page);
        const from = monotonicUs();
        const p = await profilePhase(
          browser,
          page,
          uiDir,
          'Profile: every meter running, 5 s',
          () => page.waitForTimeout(5000),
        );
        windows.push(['Profile: the web host while every meter runs', { from, to: monotonicUs() }]);
        out.push(...p.lines, '');
        await work.stopMeters();
      }
      if (missed.midi) {
        await toolbarButton(page, 'MIDI monitor').click();
        const from = monotonicUs();
        const p = await profilePhase(browser, page, uiDir, 'Profile: MIDI flood, 10 s', () =>
          work.playMidi(page, 10),
        );
        windows.push(['Profile: the web host during the MIDI flood', { from, to: monotonicUs() }]);
        out.push(...p.lines, '');
      }
      await context.close();
    } finally {
      await host.stop();
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    for (const [label, window] of windows)
      if (file) out.push(label, ...summariseNodeProfile(join(profDir, file), window), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
