// The active preset: whenever the published graph changes, the connections
// it wants whose ports now exist are made, and its exclusive ports lose their
// other connections. It acts a moment after a change, on the graph as it is
// then, so a client registering its ports one by one is handled once; a
// connection JACK refuses is tried a few times, then not until ports change.
import type { Client } from '@jackbay/jack-native';
import type { Connection } from '../contract.js';
import { connectionKey, type Graph } from '../patch.js';
import { applyChange } from './apply.js';
import { type CompiledPreset, enforcePreset } from './diff.js';

/** How long after a change the preset acts (as restore gives a returning client). */
const SETTLE_MS = 300;
const MAX_TRIES = 4;
const RETRY_MS = 250;

export interface ActiveHost {
  readonly isUp: boolean;
  client(): Client;
  ownClient(): string | null;
  published(): Graph;
  /** Connections made or removed: the restore memory follows them, the graph is read soon. */
  applied(added: Connection[], removed: Connection[]): void;
  log(message: string): void;
}

export class ActivePreset {
  readonly #host: ActiveHost;
  #compiled: CompiledPreset | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failed = new Map<string, number>();
  #portsSeen = '';

  constructor(host: ActiveHost) {
    this.#host = host;
  }

  get name(): string | null {
    return this.#compiled?.preset.name ?? null;
  }

  set(compiled: CompiledPreset | null): void {
    this.#compiled = compiled;
    this.#failed.clear();
    if (compiled) this.graphChanged();
    else this.#cancel();
  }

  /** The published graph changed. */
  graphChanged(): void {
    if (!this.#compiled || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#enforce();
    }, SETTLE_MS);
    this.#timer.unref();
  }

  close(): void {
    this.#compiled = null;
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #enforce(): void {
    const compiled = this.#compiled;
    if (!compiled || !this.#host.isUp) return;
    const graph = this.#host.published();
    const ports = [...graph.ports.keys()].join('\n');
    if (ports !== this.#portsSeen) {
      // New ports: what failed may work now.
      this.#portsSeen = ports;
      this.#failed.clear();
    }
    const change = enforcePreset(compiled, graph, this.#host.ownClient());
    const add = change.add.filter(
      (connection) => (this.#failed.get(connectionKey(connection)) ?? 0) < MAX_TRIES,
    );
    if (add.length === 0 && change.remove.length === 0) return;
    let applied: ReturnType<typeof applyChange>;
    try {
      applied = applyChange(this.#host.client(), { add, remove: change.remove });
    } catch (error) {
      this.#host.log(`active preset: ${(error as Error).message}`);
      return;
    }
    let retry = false;
    for (const { connection, reason } of applied.failed) {
      const key = connectionKey(connection);
      const tries = (this.#failed.get(key) ?? 0) + 1;
      this.#failed.set(key, tries);
      if (tries < MAX_TRIES) retry = true;
      else
        this.#host.log(
          `active preset '${compiled.preset.name}': could not connect ${connection.source} → ${connection.destination}: ${reason}`,
        );
    }
    if (applied.added.length > 0 || applied.removed.length > 0) {
      this.#host.log(
        `active preset '${compiled.preset.name}': made ${applied.added.length}, removed ${applied.removed.length}`,
      );
      this.#host.applied(applied.added, applied.removed);
    }
    if (retry && !this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#enforce();
      }, RETRY_MS);
      this.#timer.unref();
    }
  }
}
