// JACK2 keeps its registry of servers in /dev/shm, with 8 slots per machine:
// as root, a run goes into a mount namespace of its own with a private tmpfs
// there, so its servers never take (or find taken) the machine's slots and a
// killed run leaves nothing behind. Elsewhere it runs as it is.
import { spawnSync } from 'node:child_process';

const ISOLATED = 'JACKBAY_TEST_ISOLATED';

/** `unshare` arguments that run a command in a mount namespace with a /dev/shm of its own. */
export function withPrivateShm(...command) {
  const mount = 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec "$@"';
  return ['-m', '--propagation', 'private', 'sh', '-c', mount, 'sh', ...command];
}

/** This process runs in a private /dev/shm (isolateJack re-ran it there). */
export function isIsolated() {
  return process.env[ISOLATED] !== undefined;
}

/** Why the run cannot have a private /dev/shm, or null when it can. */
function isolationUnavailable() {
  if (process.getuid?.() !== 0) return 'not root';
  const probe = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /dev/shm'],
    { encoding: 'utf8' },
  );
  if (probe.error) return `unshare: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare failed: ${probe.stderr.trim()}`;
  return null;
}

/**
 * Re-runs this script inside a private /dev/shm when it can (and exits with
 * its status); returns in the process that is to do the work, after saying
 * which isolation it has.
 */
export function isolateJack() {
  if (process.env[ISOLATED] === undefined) {
    const why = isolationUnavailable();
    if (why === null) {
      const inner = spawnSync(
        'unshare',
        withPrivateShm(process.execPath, ...process.argv.slice(1)),
        {
          stdio: 'inherit',
          env: { ...process.env, [ISOLATED]: '1' },
        },
      );
      process.exit(inner.status ?? 1);
    }
    console.log(`JACK isolation: none (${why}); the run shares this machine's /dev/shm`);
  } else {
    console.log('JACK isolation: a private /dev/shm in a mount namespace of its own');
  }
}
