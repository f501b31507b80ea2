// Never lose a patch: the service remembers every connection it has seen
// between other clients' ports and re-makes it when its ports come back — a
// client that quit and returned, a server that died and was restarted. What
// was seen is forgotten only when someone removes a connection while both of
// its ports exist (a deliberate change), or the person dismisses a ghost.
//
// A client that leaves stays as a ghost (its ports as last seen) until it
// returns or is dismissed; pages draw ghosts dimmed, with the remembered
// connections that lead to them dashed. Merge rules (client-name regular
// expressions) make differently named instances one client, for programs that
// come back as "Firefox-417" after being "Firefox-233".
import type { Client, JackError } from '@jackbay/jack-native';
import type { ClientInfo, Connection, PortInfo, RestoreState } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import { connectionKey, emptyGraph, type Graph } from './patch.js';
import type { SavedMemory } from './restore-file.js';

/** How long a connection must stay removed, with both its ports there, to be forgotten. */
const SETTLE_MS = 1000;

/** Re-makings this close together are one (for the status bar and undo). */
const MERGE_MS = 2000;
/** How long a returning client has to make its own connections before Jackbay does. */
const GRACE_MS = 300;
/** A ghost that came back this recently is the one a re-making is for. */
const RETURN_MS = 5000;
/** Tries of a re-making JACK refuses, this far apart. */
// Spaced out (250 ms, doubling to 2 s: about 10 s in all), since a loaded
// machine can keep refusing for seconds.
const MAX_TRIES = 8;
const RETRY_MS = 250;
const MAX_RETRY_MS = 2000;

export interface RestoreSource {
  readonly isUp: boolean;
  client(): Client;
  /** The service's own client: its ports (probes, tools) are never remembered. */
  ownClient(): string | null;
}

export interface RestoreEvents {
  /** The state pages draw changed. */
  changed(state: RestoreState): void;
  /** Connections were made or removed here: read the graph soon. */
  graphTouched(): void;
  log(message: string): void;
  /** What outlives the service changed (restore-file.ts keeps it). */
  saved?(memory: SavedMemory): void;
}

interface Ghost {
  client: ClientInfo;
  ports: PortInfo[];
}

interface MergeRule {
  pattern: string;
  regex: RegExp;
}

export class PatchMemory {
  readonly #source: RestoreSource;
  readonly #events: RestoreEvents;
  #enabled = true;
  #rules: MergeRule[] = [];
  /** Canonical connection key -> the connection under the names last seen. */
  #remembered = new Map<string, Connection>();
  /** Canonical client -> the client as last seen, with its ports. */
  #ghosts = new Map<string, Ghost>();
  /**
   * Canonical keys of connections that went while both ports stayed, and
   * since when. A client that quits loses its connections before its ports
   * (JACK disconnects, then unregisters, and a read can fall between): only
   * after SETTLE_MS with both ports still there is the removal taken as meant.
   */
  #removed = new Map<string, number>();
  /**
   * Canonical keys whose re-making failed, and how often. JACK2 can refuse a
   * connection to a port registered a moment ago: a few tries, then none
   * until a port of it returns.
   */
  #failed = new Map<string, number>();
  #retryTimer: NodeJS.Timeout | null = null;
  #graceTimer: NodeJS.Timeout | null = null;
  /** Ghosts that came back lately, and when: a re-making is "for" them. */
  #appearedAt = new Map<string, number>();
  /** The graph before the ports the grace timer waits on appeared. */
  #graceBase: Graph | null = null;
  #settleTimer: NodeJS.Timeout | null = null;
  /** Ports that went while their client stayed, and when (for a ghost made moments later). */
  #departed = new Map<string, { port: PortInfo; at: number }>();
  #last: Graph = emptyGraph;
  /** Connections re-made since the last graph was read. */
  #made: Connection[] = [];
  #lastRestore: RestoreState['lastRestore'] = null;
  #lastRestoreAt = Number.NEGATIVE_INFINITY;
  #nextRestoreId = 1;
  #stateJson = '';
  #savedJson = '';

  constructor(source: RestoreSource, events: RestoreEvents) {
    this.#source = source;
    this.#events = events;
  }

  state(): RestoreState {
    const live = this.#livePorts(this.#last);
    const ghostPorts = new Map<string, string>();
    for (const ghost of this.#ghosts.values())
      for (const port of ghost.ports) ghostPorts.set(this.#canonicalPort(port), port.name);
    const connections: Connection[] = [];
    for (const [key, connection] of this.#remembered) {
      const [source, destination] = key.split('\n') as [string, string];
      // Drawn only when an end is a ghost; the live end under its live name.
      if (!ghostPorts.has(source) && !ghostPorts.has(destination)) continue;
      connections.push({
        source: ghostPorts.get(source) ?? live.get(source) ?? connection.source,
        destination: ghostPorts.get(destination) ?? live.get(destination) ?? connection.destination,
      });
    }
    return {
      enabled: this.#enabled,
      mergeRules: this.#rules.map((rule) => rule.pattern),
      ghosts: {
        clients: [...this.#ghosts.values()].map((ghost) => ghost.client),
        ports: [...this.#ghosts.values()].flatMap((ghost) => ghost.ports),
      },
      connections,
      lastRestore: this.#lastRestore,
    };
  }

  /**
   * Takes what an earlier run remembered, before the first graph: its
   * connections are re-made as their ports appear. A merge rule that is no
   * longer a valid expression throws, and nothing is taken.
   */
  load(saved: SavedMemory): void {
    this.setMergeRules(saved.mergeRules);
    this.#enabled = saved.enabled;
    for (const connection of saved.connections)
      this.#remembered.set(this.#canonicalKeyOfNames(connection), connection);
    for (const ghost of saved.ghosts)
      this.#ghosts.set(this.#canonicalClient(ghost.client.name), ghost);
    this.#emitIfChanged();
  }

  /**
   * What outlives the service. The clients there now are kept as ghosts too:
   * to the next run, any of them that is missing is one.
   */
  saved(): SavedMemory {
    const ghosts = new Map(this.#ghosts);
    const own = this.#source.ownClient();
    for (const client of this.#last.clients.values()) {
      if (client.name === own) continue;
      const ports = [...this.#last.ports.values()].filter((port) => port.client === client.name);
      ghosts.set(this.#canonicalClient(client.name), { client, ports });
    }
    return {
      version: 1,
      enabled: this.#enabled,
      mergeRules: this.#rules.map((rule) => rule.pattern),
      connections: [...this.#remembered.values()],
      ghosts: [...ghosts.values()],
    };
  }

  /** Follows a newly published graph: remembers, forgets, makes ghosts, re-makes. */
  update(next: Graph): void {
    const prev = this.#last;
    this.#last = next;
    const own = this.#source.ownClient();
    const mine = (port: string, graph: Graph) => graph.ports.get(port)?.client === own;

    const now = this.#now();
    // What was there before: the last graph, and what was re-made since (a
    // connection re-made and removed again between two reads was there too).
    const before = new Map(prev.connections);
    for (const connection of this.#made) before.set(connectionKey(connection), connection);
    this.#made = [];
    for (const [key, connection] of before) {
      if (next.connections.has(key) || mine(connection.source, prev)) continue;
      if (mine(connection.destination, prev)) continue;
      // Gone while both of its ports exist: removed, unless a port follows soon.
      if (next.ports.has(connection.source) && next.ports.has(connection.destination)) {
        this.#removed.set(this.#canonicalKey(connection, next), now);
        this.#settleSoon();
      }
    }
    for (const [key, connection] of this.#remembered) {
      if (!this.#removed.has(key)) continue;
      // A port went: the connection went with its client, and stays remembered.
      if (!next.ports.has(connection.source) || !next.ports.has(connection.destination))
        this.#removed.delete(key);
    }
    for (const connection of next.connections.values()) {
      if (mine(connection.source, next) || mine(connection.destination, next)) continue;
      const key = this.#canonicalKey(connection, next);
      this.#remembered.set(key, connection);
      this.#removed.delete(key);
      this.#failed.delete(key);
    }

    // A quitting client's ports may go over several reads before the client
    // does: the ghost keeps those that went in the moments before.
    for (const port of prev.ports.values())
      if (!next.ports.has(port.name) && next.clients.has(port.client))
        this.#departed.set(port.name, { port, at: now });
    for (const [name, { at }] of this.#departed)
      if (now - at > SETTLE_MS || next.ports.has(name)) this.#departed.delete(name);
    for (const client of prev.clients.values()) {
      if (client.name === own || next.clients.has(client.name)) continue;
      const ports = [...this.#departed.values()]
        .map(({ port }) => port)
        .filter((port) => port.client === client.name);
      for (const port of prev.ports.values()) if (port.client === client.name) ports.push(port);
      for (const port of ports) this.#departed.delete(port.name);
      this.#ghosts.set(this.#canonicalClient(client.name), { client, ports });
      // What comes back after this is a re-making of its own.
      this.#lastRestoreAt = Number.NEGATIVE_INFINITY;
    }
    for (const client of next.clients.values()) {
      // A ghost that comes back: what is re-made now is for it.
      if (this.#ghosts.delete(this.#canonicalClient(client.name)))
        this.#appearedAt.set(client.name, now);
    }
    for (const [name, at] of this.#appearedAt)
      if (now - at >= RETURN_MS) this.#appearedAt.delete(name);

    if (this.#enabled && this.#source.isUp) this.#remakeAfterGrace(prev);
    this.#emitIfChanged();
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    this.#failed.clear();
    if (enabled && this.#source.isUp) this.#remake(this.#last, this.#last);
    this.#emitIfChanged();
  }

  /** Replaces the merge rules; every pattern is checked first, so a bad one changes nothing. */
  setMergeRules(patterns: readonly string[]): void {
    const rules = patterns.map((pattern): MergeRule => {
      if (pattern === '') throw new JackbayRpcError('bad-request', 'a merge rule needs a pattern');
      try {
        return { pattern, regex: new RegExp(pattern, 'u') };
      } catch (error) {
        throw new JackbayRpcError(
          'bad-request',
          `'${pattern}' is not a regular expression: ${(error as Error).message}`,
        );
      }
    });
    this.#rules = rules;
    // What was remembered under the old rules is keyed again under the new ones.
    const remembered = [...this.#remembered.values()];
    this.#remembered.clear();
    for (const connection of remembered)
      this.#remembered.set(this.#canonicalKey(connection, this.#last), connection);
    const ghosts = [...this.#ghosts.values()];
    this.#ghosts.clear();
    for (const ghost of ghosts) {
      const canonical = this.#canonicalClient(ghost.client.name);
      if (![...this.#last.clients.keys()].some((c) => this.#canonicalClient(c) === canonical))
        this.#ghosts.set(canonical, ghost);
    }
    this.#failed.clear();
    if (this.#enabled && this.#source.isUp) this.#remake(this.#last, this.#last);
    this.#emitIfChanged();
  }

  /** The person dismissed a ghost: it and every connection remembered for it are forgotten. */
  dismissGhost(name: string): void {
    const canonical = this.#canonicalClient(name);
    const ghost = this.#ghosts.get(canonical);
    if (!ghost || ghost.client.name !== name)
      throw new JackbayRpcError('client-not-found', `'${name}' is not a client that went away`);
    this.#ghosts.delete(canonical);
    const prefix = `${canonical}:`;
    for (const key of [...this.#remembered.keys()]) {
      const [source, destination] = key.split('\n') as [string, string];
      if (source.startsWith(prefix) || destination.startsWith(prefix)) this.#remembered.delete(key);
    }
    this.#emitIfChanged();
  }

  /** Forgets one remembered connection (a ghost edge the person deleted). */
  forgetConnection(connection: Connection): void {
    const key = this.#canonicalKeyOfNames(connection);
    if (!this.#remembered.delete(key))
      throw new JackbayRpcError(
        'not-connected',
        `no connection from '${connection.source}' to '${connection.destination}' is remembered`,
      );
    this.#emitIfChanged();
  }

  /** A connection made through Jackbay: remembered now, before a read shows it. */
  remember(connection: Connection): void {
    const own = this.#source.ownClient();
    const mine = (name: string) => own !== null && name.startsWith(`${own}:`);
    if (mine(connection.source) || mine(connection.destination)) return;
    const key = this.#canonicalKey(connection, this.#last);
    this.#remembered.set(key, connection);
    this.#removed.delete(key);
    this.#failed.delete(key);
  }

  /**
   * Connections the person removed through Jackbay: meant, so forgotten now
   * (a read may never have shown them, or may show them gone with a port).
   */
  forget(connections: readonly Connection[]): void {
    for (const connection of connections) {
      const key = this.#canonicalKey(connection, this.#last);
      this.#remembered.delete(key);
      this.#removed.delete(key);
    }
    const gone = new Set(connections.map(connectionKey));
    this.#made = this.#made.filter((connection) => !gone.has(connectionKey(connection)));
    this.#emitIfChanged();
  }

  /** Takes back the last re-making: its connections are removed, and so forgotten. */
  undoRestore(id: number): void {
    const last = this.#lastRestore;
    if (!last || last.id !== id)
      throw new JackbayRpcError(
        'bad-request',
        `re-making ${id} is not the last one; it cannot be undone`,
      );
    const client = this.#source.client();
    for (const connection of last.connections) {
      try {
        client.disconnect(connection.source, connection.destination);
      } catch (error) {
        if (isSessionError(error)) throw error;
        // Gone or disconnected meanwhile: nothing left to undo for it.
      }
    }
    this.forget(last.connections);
    this.#lastRestore = null;
    this.#events.graphTouched();
    this.#emitIfChanged();
  }

  // A returning client often makes its own connections just after it
  // activates; re-making them first would make its connect fail ("already
  // exists", an exception in some libraries). So the re-making waits a
  // moment after ports appear, then makes what is still missing.
  #remakeAfterGrace(prev: Graph): void {
    this.#graceBase ??= prev;
    if (this.#graceTimer) return;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = null;
      const base = this.#graceBase ?? this.#last;
      this.#graceBase = null;
      if (!this.#enabled || !this.#source.isUp) return;
      this.#remake(base, this.#last);
      this.#emitIfChanged();
    }, GRACE_MS);
    this.#graceTimer.unref();
  }

  close(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    this.#retryTimer = null;
    this.#settleTimer = null;
    this.#enabled = false;
  }

  // Decides the removals that have lasted SETTLE_MS by asking JACK (not the
  // last read, which may lag) whether both ports still exist: then the
  // removal was meant; if one went, the connection went with its client.
  #settleSoon(): void {
    if (this.#settleTimer) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      const now = this.#now();
      let client: Client | null = null;
      try {
        client = this.#source.isUp ? this.#source.client() : null;
      } catch {
        client = null;
      }
      const exists = (name: string) => {
        try {
          client?.getPortByName(name);
          return client !== null;
        } catch {
          return false;
        }
      };
      for (const [key, since] of this.#removed) {
        if (now - since < SETTLE_MS) continue;
        this.#removed.delete(key);
        const connection = this.#remembered.get(key);
        if (connection && exists(connection.source) && exists(connection.destination))
          this.#remembered.delete(key);
      }
      if (this.#removed.size > 0) this.#settleSoon();
      this.#emitIfChanged();
    }, SETTLE_MS);
    this.#settleTimer.unref();
  }

  #retrySoon(tries: number): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = null;
        if (!this.#enabled || !this.#source.isUp) return;
        this.#remake(this.#last, this.#last);
        this.#emitIfChanged();
      },
      Math.min(RETRY_MS * 2 ** (tries - 1), MAX_RETRY_MS),
    );
    this.#retryTimer.unref();
  }

  // Re-makes every remembered connection whose two ports exist and are not
  // connected; a failure is tried again a few times, then not until a port
  // of it returns.
  #remake(prev: Graph, next: Graph): void {
    const live = this.#livePorts(next);
    for (const key of [...this.#failed.keys()]) {
      const [source, destination] = key.split('\n') as [string, string];
      const src = live.get(source);
      const dst = live.get(destination);
      if (!src || !dst || !prev.ports.has(src) || !prev.ports.has(dst)) this.#failed.delete(key);
    }
    const made: Connection[] = [];
    const returned = new Set<string>();
    let client: Client | null = null;
    for (const key of this.#remembered.keys()) {
      if ((this.#failed.get(key) ?? 0) >= MAX_TRIES || this.#removed.has(key)) continue;
      const [source, destination] = key.split('\n') as [string, string];
      const src = live.get(source);
      const dst = live.get(destination);
      if (!src || !dst || next.connections.has(connectionKey({ source: src, destination: dst })))
        continue;
      try {
        client ??= this.#source.client();
        client.connect(src, dst);
      } catch (error) {
        if (isSessionError(error)) break;
        // Made meanwhile by someone else: the next read shows it.
        if ((error as JackError).kind === 'already-connected') continue;
        const tries = (this.#failed.get(key) ?? 0) + 1;
        this.#failed.set(key, tries);
        if (tries < MAX_TRIES) this.#retrySoon(tries);
        else this.#events.log(`could not re-make ${src} → ${dst}: ${(error as Error).message}`);
        continue;
      }
      made.push({ source: src, destination: dst });
      for (const name of [src, dst]) {
        const port = next.ports.get(name);
        const since = port ? this.#appearedAt.get(port.client) : undefined;
        if (port && since !== undefined && this.#now() - since < RETURN_MS)
          returned.add(port.client);
      }
    }
    if (made.length === 0) return;
    this.#made.push(...made);
    // A client registers its ports one by one, and a read can see some of
    // them: what comes back within moments is one re-making, undone as one.
    const now = this.#now();
    const last = this.#lastRestore;
    if (last && now - this.#lastRestoreAt < MERGE_MS) {
      this.#lastRestore = {
        id: last.id,
        clients: [...new Set([...last.clients, ...returned])].sort(),
        connections: [...last.connections, ...made],
      };
    } else {
      this.#lastRestore = {
        id: this.#nextRestoreId++,
        clients: [...returned].sort(),
        connections: made,
      };
    }
    this.#lastRestoreAt = now;
    this.#events.log(
      `re-made ${made.length} connection${made.length === 1 ? '' : 's'}${returned.size ? ` for ${[...returned].join(', ')}` : ''}`,
    );
    this.#events.graphTouched();
  }

  #emitIfChanged(): void {
    if (this.#source.isUp) this.#pruneGhosts();
    if (this.#events.saved) {
      const saved = this.saved();
      const savedJson = JSON.stringify(saved);
      if (savedJson !== this.#savedJson) {
        this.#savedJson = savedJson;
        this.#events.saved(saved);
      }
    }
    const state = this.state();
    const json = JSON.stringify(state);
    if (json === this.#stateJson) return;
    this.#stateJson = json;
    this.#events.changed(state);
  }

  // While a server runs, a ghost is kept only for what it will bring back:
  // a client that had no connections (jack_lsp, a tool run once) leaves no
  // trace. While none runs, every client of the last graph stays, greyed.
  #pruneGhosts(): void {
    if (this.#ghosts.size === 0) return;
    const owner = new Map<string, string>();
    for (const [canonical, ghost] of this.#ghosts)
      for (const port of ghost.ports) owner.set(this.#canonicalPort(port), canonical);
    const kept = new Set<string>();
    for (const key of this.#remembered.keys())
      for (const end of key.split('\n')) {
        const canonical = owner.get(end);
        if (canonical !== undefined) kept.add(canonical);
      }
    for (const canonical of [...this.#ghosts.keys()])
      if (!kept.has(canonical)) this.#ghosts.delete(canonical);
  }

  #now(): number {
    return performance.now();
  }

  #canonicalClient(name: string): string {
    // NUL never occurs in a JACK name: a rule's key cannot be a client's name.
    for (const rule of this.#rules) if (rule.regex.test(name)) return `\u0000${rule.pattern}`;
    return name;
  }

  #canonicalPort(port: PortInfo): string {
    return `${this.#canonicalClient(port.client)}:${port.shortName}`;
  }

  /** A port's canonical name from the graph it is in, or from its name when it is not there. */
  #canonicalName(name: string, graph: Graph): string {
    const port = graph.ports.get(name) ?? this.#ghostPort(name);
    if (port) return this.#canonicalPort(port);
    // Not seen in any graph (an old name): the client is what precedes the last ':'.
    const cut = name.lastIndexOf(':');
    return cut < 0 ? name : `${this.#canonicalClient(name.slice(0, cut))}${name.slice(cut)}`;
  }

  #canonicalKey(connection: Connection, graph: Graph): string {
    return `${this.#canonicalName(connection.source, graph)}\n${this.#canonicalName(connection.destination, graph)}`;
  }

  #canonicalKeyOfNames(connection: Connection): string {
    return this.#canonicalKey(connection, this.#last);
  }

  #ghostPort(name: string): PortInfo | undefined {
    for (const ghost of this.#ghosts.values()) {
      const port = ghost.ports.find((p) => p.name === name);
      if (port) return port;
    }
    return undefined;
  }

  /** Canonical port name -> the name of the port of another client that has it now. */
  #livePorts(graph: Graph): Map<string, string> {
    const own = this.#source.ownClient();
    const live = new Map<string, string>();
    for (const port of graph.ports.values())
      if (port.client !== own) live.set(this.#canonicalPort(port), port.name);
    return live;
  }
}
