// Pretty names (JACK metadata) that Jackbay sets, and the ones that look stale.
//
// JACK keeps metadata per UUID, not per name, and JACK2 hands out UUIDs again:
// after a server that died with clients running is restarted, the first new
// client gets the UUID (and so the pretty name) of the one that held it
// before — yoshimi shown as "Zyn Pad Synth". So Jackbay remembers the names it
// set by the JACK client or port name, writes them again when that client or
// port returns (on whatever UUID it has then), and flags a pretty name as
// stale when it was set by Jackbay for, or seen on, another name under the
// same UUID.
import { type Client, getProperty, METADATA_PRETTY_NAME } from '@jackbay/jack-native';
import type { PrettyNamesState } from './contract.js';
import { isSessionError } from './graph.js';
import { emptyGraph, type Graph } from './patch.js';

type Kind = 'client' | 'port';

interface Item {
  kind: Kind;
  name: string;
  uuid: string;
  prettyName: string | null;
}

export interface PrettyNameSource {
  readonly isUp: boolean;
  client(): Client;
  /** The service's own client: its names are never remembered or judged. */
  ownClient(): string | null;
  /** True when the session is being renewed because JACK2's metadata store was replaced. */
  renewIfStoreReplaced(): boolean;
  /** The pretty names must be read again. */
  metadataChanged(): void;
}

export interface PrettyNameEvents {
  changed(state: PrettyNamesState): void;
  log(message: string): void;
}

interface Remembered {
  kind: Kind;
  name: string;
  prettyName: string;
  /** The UUID it was last written on. */
  uuid: string;
}

interface Holder {
  name: string;
  prettyName: string | null;
}

/** UUIDs whose holder is remembered, at most (oldest forgotten first). */
const MAX_SEEN = 10000;

const keyOf = (kind: Kind, name: string) => `${kind}\u0000${name}`;

/** Writes (or with null or '', removes) a pretty name on a UUID. */
function writePrettyName(client: Client, uuid: string, prettyName: string | null): void {
  // An empty name would show as a blank label; it means "no pretty name".
  if (prettyName === null || prettyName === '') {
    if (getProperty(uuid, METADATA_PRETTY_NAME) !== null)
      client.removeProperty(uuid, METADATA_PRETTY_NAME);
  } else {
    client.setProperty(uuid, METADATA_PRETTY_NAME, prettyName, 'text/plain');
  }
}

export class PrettyNames {
  readonly #source: PrettyNameSource;
  readonly #events: PrettyNameEvents;
  /** kind + JACK name -> the pretty name Jackbay set for it. */
  readonly #remembered = new Map<string, Remembered>();
  /** kind + UUID -> who held it last with a name that was not stale. */
  readonly #seen = new Map<string, Holder>();
  #stale: PrettyNamesState['stale'] = [];
  #last: Graph = emptyGraph;
  #stateJson = '';

  constructor(source: PrettyNameSource, events: PrettyNameEvents) {
    this.#source = source;
    this.#events = events;
  }

  state(): PrettyNamesState {
    return {
      remembered: [...this.#remembered.values()].map(({ kind, name, prettyName }) => ({
        kind,
        name,
        prettyName,
      })),
      stale: this.#stale,
    };
  }

  /** The person set (or removed, with null or '') a pretty name through Jackbay. */
  write(client: Client, kind: Kind, name: string, uuid: string, prettyName: string | null): void {
    writePrettyName(client, uuid, prettyName);
    const key = keyOf(kind, name);
    if (prettyName === null || prettyName === '') this.#remembered.delete(key);
    else this.#remembered.set(key, { kind, name, prettyName, uuid });
    this.#emitIfChanged();
  }

  /** Follows a newly published graph: writes remembered names again, judges staleness. */
  update(next: Graph): void {
    const prev = this.#last;
    this.#last = next;
    const own = this.#source.ownClient();
    const items: Item[] = [];
    const returned = new Set<string>();
    for (const client of next.clients.values()) {
      if (client.name === own || client.uuid === null) continue;
      items.push({
        kind: 'client',
        name: client.name,
        uuid: client.uuid,
        prettyName: client.prettyName,
      });
      if (prev.clients.get(client.name)?.uuid !== client.uuid)
        returned.add(keyOf('client', client.name));
    }
    for (const port of next.ports.values()) {
      if (port.client === own) continue;
      items.push({ kind: 'port', name: port.name, uuid: port.uuid, prettyName: port.prettyName });
      if (prev.ports.get(port.name)?.uuid !== port.uuid) returned.add(keyOf('port', port.name));
    }
    // Written again only as a client or port comes (back): a name someone
    // changes later is theirs to change.
    const due = items.filter((item) => {
      const key = keyOf(item.kind, item.name);
      const remembered = this.#remembered.get(key);
      return returned.has(key) && remembered && remembered.prettyName !== item.prettyName;
    });
    if (due.length > 0) this.#writeAgain(due);
    this.#judge(items);
    this.#emitIfChanged();
  }

  #writeAgain(due: readonly Item[]): void {
    // A replaced store reaches nobody: the renewed session's graph brings them back here.
    if (!this.#source.isUp || this.#source.renewIfStoreReplaced()) return;
    const written: string[] = [];
    try {
      const client = this.#source.client();
      for (const item of due) {
        const remembered = this.#remembered.get(keyOf(item.kind, item.name));
        if (!remembered) continue;
        try {
          writePrettyName(client, item.uuid, remembered.prettyName);
          remembered.uuid = item.uuid;
          written.push(item.name);
        } catch (error) {
          if (isSessionError(error)) throw error;
          this.#events.log(
            `could not set the pretty name of ${item.name} again: ${(error as Error).message}`,
          );
        }
      }
    } catch (error) {
      if (!isSessionError(error)) throw error;
      // The server went: its return brings every name back here.
    }
    if (written.length === 0) return;
    this.#events.log(`set the pretty names of ${written.join(', ')} again`);
    this.#source.metadataChanged();
  }

  // A pretty name is stale when Jackbay set it for, or last saw it on, another
  // name under this UUID, and not for this one.
  #judge(items: readonly Item[]): void {
    const setOn = new Map<string, Remembered>();
    for (const remembered of this.#remembered.values())
      setOn.set(keyOf(remembered.kind, remembered.uuid), remembered);
    const stale: PrettyNamesState['stale'] = [];
    for (const { kind, name, uuid, prettyName } of items) {
      const uuidKey = keyOf(kind, uuid);
      let setFor: string | null = null;
      if (
        prettyName !== null &&
        this.#remembered.get(keyOf(kind, name))?.prettyName !== prettyName
      ) {
        const mine = setOn.get(uuidKey);
        const seen = this.#seen.get(uuidKey);
        if (mine && mine.name !== name && mine.prettyName === prettyName) setFor = mine.name;
        else if (seen && seen.name !== name && seen.prettyName === prettyName) setFor = seen.name;
      }
      if (setFor !== null) {
        stale.push({ kind, name, uuid, prettyName: prettyName ?? '', setFor });
        continue;
      }
      this.#seen.delete(uuidKey);
      this.#seen.set(uuidKey, { name, prettyName });
    }
    while (this.#seen.size > MAX_SEEN) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
    this.#stale = stale;
  }

  #emitIfChanged(): void {
    const state = this.state();
    const json = JSON.stringify(state);
    if (json === this.#stateJson) return;
    this.#stateJson = json;
    this.#events.changed(state);
  }
}
