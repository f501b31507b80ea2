// JACK2 keeps ONE metadata store for all servers of a user
// (/dev/shm/jack_db-<uid>), and UUIDs repeat from server to server (port
// UUIDs are port slots, client UUIDs a per-server counter). So test files
// that write metadata interfere even on private servers: one file's
// removeAllProperties(), or removeProperties() of "its" port, removes the
// other's. Files that write or assert metadata hold this lock meanwhile.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Next to the store it guards: test runs in private /dev/shm namespaces have
// stores of their own and need not wait for each other.
const LOCK = '/dev/shm/jackbay-jack-metadata.lock';

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists. Anything else: no owner (or not written yet).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// How often this module holds the lock now: a holder may take it again
// (a metadata test that stops its server), and only the last release frees it.
let depth = 0;

function release(): void {
  depth -= 1;
  if (depth === 0) rmSync(LOCK, { recursive: true, force: true });
}

/** Waits for the metadata lock; resolves with the function that releases it. */
export async function lockMetadata(timeoutMs = 120_000): Promise<() => void> {
  if (depth > 0) {
    depth += 1;
    return release;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: only one process creates it
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      depth = 1;
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A holder that died without releasing: take the lock over. (A holder
    // that has just created the directory has not written its pid yet; give
    // it a moment before calling it dead.)
    if (!ownerAlive()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (!ownerAlive()) rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
