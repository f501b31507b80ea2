// Proof of realtime safety: the engine runs under an LD_PRELOAD shim
// (fixtures/rt-shim.c, built here with gcc) that counts calls to malloc,
// calloc, realloc, free, pthread_mutex_lock and write made on the JACK process
// thread, while JS adds and removes taps and loudness analysers, changes the
// sine, drains MIDI that a peer sends at full rate, sends MIDI through a MIDI
// send node and runs the JS process callback
// (fixtures/rt-safety-child.ts). Every count on that thread must be zero.
// The shim also counts inside the buffer-size, sample-rate, graph-order and
// xrun callbacks, on whatever thread they run (PipeWire runs some on its
// realtime thread); buffer-size changes and connections made by
// fixtures/rt-notifications-child.ts call them: every count there is zero too.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  skipUnderSanitizer,
  startJackServer,
  underSanitizer,
  unlessPipeWire,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnginePeer, startEnginePeer } from './fixtures/engine-peer.js';
import { buildPreloadShim } from './fixtures/preload-shim.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, '..');
const FUNCTIONS = ['malloc', 'calloc', 'realloc', 'free', 'pthread_mutex_lock', 'write'] as const;

const NOTIFICATIONS = ['bufferSize', 'sampleRate', 'graphOrder', 'xrun'] as const;

type Counts = Record<(typeof FUNCTIONS)[number], number>;
interface Report {
  jackThreads: number;
  callbacks: { process: number; timebase: number; sync: number };
  inCallback: Counts & { clock_gettime: number };
  jackThread: Counts;
  otherThreads: Counts;
  /** Per notification callback: how often it ran, and what was called inside it. */
  notifications: Record<(typeof NOTIFICATIONS)[number], { calls: number; inCallback: Counts }>;
}

/** A workload's run: the shim's report, and the last line the child printed. */
interface ChildRun<Stats> {
  report: Report;
  stats: Stats;
}

/** What fixtures/rt-notifications-child.ts prints: what its listeners received. */
interface NotificationStats {
  period: number;
  samplerate: number;
  blocksizes: number[];
  samplerates: number[];
  graphOrders: number;
}

const ZERO = Object.fromEntries(FUNCTIONS.map((name) => [name, 0]));

/** Each notification callback's counts, named, for a readable failure. */
function notificationCounts(report: Report): Array<{ name: string } & Counts> {
  return NOTIFICATIONS.map((name) => ({ name, ...report.notifications[name].inCallback }));
}

let server: JackServer;
let src: EnginePeer;
let work: string;
let shim: string;

// The shim counts calls by interposing malloc and friends ahead of the C
// library; under ASan its runtime must come first and owns them.
const SHIM_NEEDS_MALLOC = "the shim must interpose malloc, which ASan's runtime owns";

beforeAll(async () => {
  if (underSanitizer) return;
  work = mkdtempSync(join(tmpdir(), 'jackbay-rt-'));
  shim = buildPreloadShim('rt-shim', work);
  server = await startJackServer({ rate: 48000, period: 256, startTimeoutMs: PATIENT_START_MS });
  src = await startEnginePeer(server, 'src');
  await src.run(`audio_out('fc'); play_framecode('fc'); midi_out('mo')`);
}, PATIENT_TIMEOUT);

afterAll(async () => {
  await src?.stop();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a workload (a script in fixtures/) under the shim. */
function runChild<Stats = Record<string, number>>(
  script: string,
  args: string[],
  timeoutSeconds: number,
  extraEnv: Record<string, string> = {},
): Promise<ChildRun<Stats>> {
  const reportFile = join(work, `report-${Date.now()}.json`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(HERE, 'fixtures', script), ...args],
    {
      cwd: PACKAGE,
      env: { ...server.env, LD_PRELOAD: shim, RT_SHIM_REPORT: reportFile, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      if (status !== 0)
        return reject(new Error(`child exited with ${status ?? signal}:\n${stderr}\n${stdout}`));
      try {
        const lines = stdout.trim().split('\n');
        resolve({
          report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report,
          stats: JSON.parse(lines[lines.length - 1] ?? '{}') as Stats,
        });
      } catch (error) {
        reject(new Error(`no report (${error}):\n${stderr}\n${stdout}`));
      }
    });
  });
}

// MIDI channels (0-based) of the flood; the child's thru passes 1, 2 and 10.
const CHANNELS = [0, 1, 9, 4];

/** MIDI at full rate for `cycles` cycles: notes on four channels, clock and sysex. */
function midiFlood(cycles: number): Array<Array<[number, string]>> {
  return Array.from({ length: cycles }, (_, c) => [
    ...Array.from({ length: 24 }, (_, k): [number, string] => [
      k * 10,
      `${(0x90 | (CHANNELS[k % 4] ?? 0)).toString(16)}${((c + k) % 128).toString(16).padStart(2, '0')}40`,
    ]),
    [250, 'f8'],
    [251, `f07e7f06${(c % 128).toString(16).padStart(2, '0')}f7`],
  ]);
}

const WORKLOAD_SECONDS = 5;
// The engine workload's last run: the tests judge the same run (a retry runs it again).
let lastWorkload: ChildRun<Record<string, number>> | undefined;

/** Runs the engine workload under the shim, with MIDI flooding in from the peer. */
async function engineWorkload(): Promise<ChildRun<Record<string, number>>> {
  const seconds = WORKLOAD_SECONDS;
  await src.run(`send_midi('mo', ${JSON.stringify(midiFlood((seconds + 5) * 190))})`);
  try {
    const run = await runChild('rt-safety-child.ts', [String(seconds), src.name], seconds + 30);
    const { report, stats } = run;
    console.log(
      `rt-safety: ${JSON.stringify(report.callbacks)} callbacks; on the process thread ${JSON.stringify(report.jackThread)}; clock_gettime in callbacks ${report.inCallback.clock_gettime}; other threads ${JSON.stringify(report.otherThreads)}; notifications ${JSON.stringify(report.notifications)}; workload ${JSON.stringify(stats)}`,
    );
    lastWorkload = run;
    return run;
  } finally {
    await src.run(`midi_queues['mo'].clear()`);
  }
}

describe('realtime safety', () => {
  it('makes no malloc, free, lock or write call inside the process, timebase and sync callbacks', async (context) => {
    skipUnderSanitizer(context, SHIM_NEEDS_MALLOC);
    const seconds = WORKLOAD_SECONDS;
    const { report, stats } = await engineWorkload();

    // The workload really ran (bounds loose enough for a loaded machine):
    // cycles, callbacks, MIDI, node changes.
    expect(report.jackThreads).toBeGreaterThanOrEqual(1);
    expect(report.callbacks.process).toBeGreaterThan(seconds * 100);
    expect(report.callbacks.timebase).toBeGreaterThan(seconds * 20);
    expect(report.callbacks.sync).toBeGreaterThan(0);
    expect(stats.calls).toBeGreaterThan(seconds * 20);
    expect(stats.monitored).toBeGreaterThan(seconds * 1000);
    expect(stats.echoed).toBeGreaterThan(seconds * 100);
    expect(stats.changes).toBeGreaterThan(seconds * 10);
    expect(stats.captured).toBeGreaterThan(0);
    expect(stats.analysed).toBeGreaterThan(seconds * 48000 * 0.5);
    expect(stats.transportToggles).toBeGreaterThan(0);
    expect(stats.monitorLost).toBe(0);
    // The MIDI send node played what JS queued, and senders were closed and replaced.
    expect(stats.midiSent).toBeGreaterThan(seconds * 100);
    expect(stats.midiSendDropped).toBe(0);
    expect(stats.sendersClosed).toBeGreaterThan(0);
    // The trampoline saw the engine's own calls (it reads the clock twice a cycle)…
    expect(report.inCallback.clock_gettime).toBeGreaterThanOrEqual(report.callbacks.process);
    // …and the wrappers count: the JS thread allocates and locks all the time.
    expect(report.otherThreads.malloc).toBeGreaterThan(1000);
    expect(report.otherThreads.free).toBeGreaterThan(1000);
    expect(report.otherThreads.pthread_mutex_lock).toBeGreaterThan(100);

    expect({ ...report.inCallback, clock_gettime: 0 }).toEqual({ ...ZERO, clock_gettime: 0 });
    // The workload's connections called graph order: nothing in it either.
    expect(report.notifications.graphOrder.calls).toBeGreaterThan(0);
    expect(notificationCounts(report)).toEqual(NOTIFICATIONS.map((name) => ({ name, ...ZERO })));
  }, 90000);

  unlessPipeWire(describe, 'libjackWritesOnProcessThread')('between callbacks', () => {
    it('makes none of those calls on the JACK process thread', async (context) => {
      skipUnderSanitizer(context, SHIM_NEEDS_MALLOC);
      const { report } = lastWorkload ?? (await engineWorkload());
      expect(report.jackThread).toEqual(ZERO);
    }, 90000);
  });

  it('makes no malloc, free, lock or write call in the buffer-size, sample-rate and graph-order callbacks', async (context) => {
    skipUnderSanitizer(context, SHIM_NEEDS_MALLOC);
    const rounds = 10;
    const { report, stats } = await runChild<NotificationStats>(
      'rt-notifications-child.ts',
      [String(rounds)],
      90,
    );
    console.log(
      `rt-safety notifications: ${JSON.stringify(report.notifications)}; the listeners got ${JSON.stringify(stats)}`,
    );

    // Each callback ran…
    const { bufferSize, sampleRate, graphOrder } = report.notifications;
    expect(bufferSize.calls).toBeGreaterThanOrEqual(2);
    expect(sampleRate.calls).toBeGreaterThanOrEqual(1);
    expect(graphOrder.calls).toBeGreaterThanOrEqual(rounds);
    // …JS saw each change with its value, the last one last…
    expect(stats.blocksizes).toContain(stats.period * 2);
    expect(stats.blocksizes.at(-1)).toBe(stats.period);
    expect(stats.samplerates.at(-1)).toBe(stats.samplerate);
    expect(stats.graphOrders).toBeGreaterThanOrEqual(rounds);
    // …and nothing inside them allocated, freed, locked or wrote.
    expect(notificationCounts(report)).toEqual(NOTIFICATIONS.map((name) => ({ name, ...ZERO })));
  }, 120000);

  it('would see a call made inside a JACK callback (the shim’s self-test)', async (context) => {
    skipUnderSanitizer(context, SHIM_NEEDS_MALLOC);
    const { report } = await runChild('rt-safety-child.ts', [String(1), src.name], 31, {
      RT_SHIM_SELFTEST: '1',
    });
    expect(report.callbacks.process).toBeGreaterThan(50);
    // In self-test mode the trampoline allocates and frees once per callback.
    const callbacks = report.callbacks.process + report.callbacks.timebase + report.callbacks.sync;
    // (A callback running when counting stopped may have counted before the call.)
    for (const name of ['malloc', 'free'] as const) {
      expect(report.inCallback[name]).toBeGreaterThanOrEqual(callbacks - 3);
      expect(report.inCallback[name]).toBeLessThanOrEqual(callbacks);
    }
    // The thread's own count sees them too, with the same slack: a callback
    // counted just before the stop has its malloc uncounted, and JACK2's thread
    // calls nothing between callbacks, so the two counts are equal there.
    expect(report.jackThread.malloc).toBeGreaterThanOrEqual(callbacks - 3);
    // The notification trampolines count as well (the workload's connections call graph order).
    expect(report.notifications.graphOrder.calls).toBeGreaterThan(0);
    for (const name of NOTIFICATIONS) {
      const { calls, inCallback } = report.notifications[name];
      expect(inCallback.malloc).toBeGreaterThanOrEqual(calls - 1);
    }
  }, 60000);
});
