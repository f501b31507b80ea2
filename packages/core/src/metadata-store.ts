// JACK2 keeps the metadata of every server of a user in one Berkeley DB under
// /dev/shm/jack_db-<uid>, and each jackd that stops deletes that directory.
// A process whose libjack had the store open goes on reading the deleted copy
// (libjack opens it when the process's first client opens and closes it with
// the last), so it no longer sees pretty names set by anyone else. Comparing
// the store's inode tells the service when to reopen its client.
import { statSync } from 'node:fs';

const STORE = `/dev/shm/jack_db-${process.getuid?.() ?? 0}/metadata.db`;

/** An identity of the current metadata store, or null when there is none (not JACK2). */
export function metadataStoreId(): string | null {
  try {
    const info = statSync(STORE);
    return `${info.dev}:${info.ino}`;
  } catch {
    return null;
  }
}
