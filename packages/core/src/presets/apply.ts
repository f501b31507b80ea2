// Making a preset's changes in JACK: removals first (an exclusive port is
// freed before its new connection), then additions. A connection that went or
// came meanwhile is skipped, not an error; what was really done is returned,
// so an undo can invert exactly that.
import type { Client, JackError } from '@jackbay/jack-native';
import type { Connection } from '../contract.js';
import { isSessionError } from '../graph.js';

export interface Applied {
  added: Connection[];
  removed: Connection[];
  /** Connections JACK refused, with why (logged; the next graph change may retry). */
  failed: Array<{ connection: Connection; reason: string }>;
}

export function applyChange(
  client: Client,
  change: { add: readonly Connection[]; remove: readonly Connection[] },
): Applied {
  const applied: Applied = { added: [], removed: [], failed: [] };
  for (const connection of change.remove) {
    try {
      client.disconnect(connection.source, connection.destination);
      applied.removed.push(connection);
    } catch (error) {
      if (isSessionError(error)) throw error;
      // Gone meanwhile, with its port or by someone else: nothing to remove.
    }
  }
  for (const connection of change.add) {
    try {
      client.connect(connection.source, connection.destination);
      applied.added.push(connection);
    } catch (error) {
      if (isSessionError(error)) throw error;
      if ((error as JackError).kind === 'already-connected') continue;
      applied.failed.push({ connection, reason: (error as Error).message });
    }
  }
  return applied;
}
