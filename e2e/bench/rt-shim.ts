// The realtime-safety interposer of the native package's tests
// (packages/jack-native/test/fixtures/rt-shim.c), built here for the
// benchmark: an LD_PRELOAD library that counts malloc, calloc, realloc, free,
// pthread_mutex_lock and write calls on the threads that run JACK callbacks,
// and writes its counts to $RT_SHIM_REPORT when the process exits.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = join(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'jack-native',
  'test',
  'fixtures',
  'rt-shim.c',
);

export const SHIM_FUNCTIONS = [
  'malloc',
  'calloc',
  'realloc',
  'free',
  'pthread_mutex_lock',
  'write',
] as const;
export type ShimCounts = Record<(typeof SHIM_FUNCTIONS)[number], number>;

export interface ShimReport {
  jackThreads: number;
  callbacks: { process: number; timebase: number; sync: number };
  /** Calls made inside a JACK callback (clock_gettime counted as a control). */
  inCallback: ShimCounts & { clock_gettime: number };
  /** Calls made on a thread that runs JACK callbacks, inside them or between. */
  jackThread: ShimCounts;
  otherThreads: ShimCounts;
}

/** Builds the shim into `dir`; returns the library's path. */
export function buildShim(dir: string): string {
  const out = join(dir, 'rt-shim.so');
  const built = spawnSync(
    'gcc',
    ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, SOURCE, '-ldl', '-lpthread'],
    { encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`building rt-shim failed:\n${built.stderr}`);
  return out;
}

/** The report the shim wrote when the process exited, or null. */
export function readShimReport(path: string): ShimReport | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ShimReport) : null;
}
