// A process's CPU time, from /proc/<pid>/stat (user + system, every thread),
// and the share of one core it used over a span of time.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds `pid` has used so far (every thread), or its thread `tid`. */
export function cpuSeconds(pid: number, tid?: number): number {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const stat = readFileSync(path, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export interface CpuSpan {
  /** Share of one core (0.05 is 5 %). */
  share: number;
  /** Of which the main thread's (Node's JS thread); the rest is JACK's, libuv's, V8's threads. */
  mainShare: number;
  seconds: number;
}

/** Starts counting `pid`'s CPU time; the returned function ends the span. */
export function startCpuSpan(pid: number): () => CpuSpan {
  const cpu = cpuSeconds(pid);
  const main = cpuSeconds(pid, pid);
  const wall = performance.now();
  return () => {
    const seconds = (performance.now() - wall) / 1000;
    return {
      share: (cpuSeconds(pid) - cpu) / seconds,
      mainShare: (cpuSeconds(pid, pid) - main) / seconds,
      seconds,
    };
  };
}
