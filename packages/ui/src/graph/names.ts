// Where a client's or port's displayed name comes from, in words: its JACK
// name, or a pretty name from JACK metadata on its UUID (set by Jackbay or
// by someone else), and whether that pretty name looks stale.
import type { PrettyNamesState } from '@jackbay/core/contract';

export interface NameOrigin {
  /** "pretty name from JACK metadata on client UUID 8589934595", or "JACK name". */
  source: string;
  /** Why the pretty name looks like another's, or null. */
  stale: string | null;
  /** Jackbay set it and sets it again when the client or port returns. */
  setByJackbay: boolean;
}

export function nameOrigin(
  kind: 'client' | 'port',
  item: { name: string; prettyName: string | null; uuid: string | null },
  names: PrettyNamesState,
): NameOrigin {
  if (item.prettyName === null) return { source: 'JACK name', stale: null, setByJackbay: false };
  const stale = names.stale.find((s) => s.kind === kind && s.name === item.name);
  return {
    source: `pretty name from JACK metadata on ${kind} UUID ${item.uuid ?? '?'}`,
    stale: stale
      ? `probably stale: set for ${stale.setFor}, which had this UUID before (JACK2 reuses UUIDs)`
      : null,
    setByJackbay: names.remembered.some(
      (r) => r.kind === kind && r.name === item.name && r.prettyName === item.prettyName,
    ),
  };
}
