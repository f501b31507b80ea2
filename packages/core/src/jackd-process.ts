// Finding the jackd process that runs a server of a given name, so that a
// server Jackbay found (did not start) can be stopped when the person asks:
// JACK has no request that stops its server, so the process gets SIGTERM.
import { readdirSync, readFileSync } from 'node:fs';

const SERVER_PROGRAMS = new Set(['jackd', 'jackdmp']);

/**
 * The server name a jackd command line runs under. Only options before the
 * driver (`-d`) count: after it `-n` is the ALSA driver's number of periods.
 * Without `-n`, jackd takes JACK_DEFAULT_SERVER from its environment, else 'default'.
 */
export function serverNameOf(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): string {
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-d' || arg === '--driver' || arg.startsWith('--driver=') || /^-d./.test(arg))
      break;
    if ((arg === '-n' || arg === '--name') && argv[i + 1] !== undefined)
      return argv[i + 1] as string;
    if (arg.startsWith('--name=')) return arg.slice('--name='.length);
    if (/^-n./.test(arg)) return arg.slice(2);
  }
  return env.JACK_DEFAULT_SERVER || 'default';
}

function nulSeparated(text: string): string[] {
  return text.split('\0').filter((part, i, all) => part !== '' || i < all.length - 1);
}

/** The pid of the jackd running server `name`, or null (not running, or another user's, or jackdbus/PipeWire). */
export function findJackdProcess(name: string, procRoot = '/proc'): number | null {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = nulSeparated(readFileSync(`${procRoot}/${entry}/cmdline`, 'utf8'));
      const program = (argv[0] ?? '').split('/').at(-1) ?? '';
      if (!SERVER_PROGRAMS.has(program)) continue;
      const env = Object.fromEntries(
        nulSeparated(readFileSync(`${procRoot}/${entry}/environ`, 'utf8')).map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      );
      if (serverNameOf(argv, env) === name && !isZombie(procRoot, entry)) return Number(entry);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return null;
}

/** True while the process exists and has not exited (a zombie has). */
export function processRuns(pid: number, procRoot = '/proc'): boolean {
  try {
    return !isZombie(procRoot, String(pid));
  } catch {
    return false;
  }
}

function isZombie(procRoot: string, pid: string): boolean {
  const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  // "pid (comm) S …": the state follows the last ')' (comm may hold one).
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}
