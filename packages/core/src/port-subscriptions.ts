// Pages subscribe to sets of ports (which ports to meter, which to watch for
// MIDI); the service's client keeps one engine node per port in the union of
// those sets, shared by refcount, and a timer runs while any page asks for
// something. This is that bookkeeping, the same for every kind of node: the
// hubs (meters.ts, midi-monitors.ts) add only what they do on each tick.
import { type Client, JackError, type Port } from '@jackbay/jack-native';
import type { PortInfo } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import type { Graph } from './patch.js';

/** An engine node on one port: a meter tap, a MIDI monitor. */
export interface PortNode {
  /** The engine removed it (its port went away). */
  readonly removed: boolean;
  remove(): void;
}

export interface PortSubscriptionSource {
  readonly isUp: boolean;
  client(): Client;
  /** The graph as last published: a port not in it gets no node. */
  readonly published: Graph;
}

/** What differs between kinds of node. */
export interface PortNodeKind<Node extends PortNode> {
  /** The node in messages: "meter", "MIDI monitor". */
  readonly noun: string;
  /** Throws a typed error when a page may not ask for this (existing) port. */
  check(port: Port, name: string): void;
  /** Whether a port of the published graph takes a node. */
  fits(port: PortInfo): boolean;
  make(client: Client, name: string): Node;
}

/** One page's subscription; hubs extend it with what they keep per page. */
export interface Subscription {
  ports: readonly string[];
  generation: number;
}

export class PortSubscriptions<Node extends PortNode, Sub extends Subscription> {
  readonly subscribers = new Set<Sub>();
  /** Port name -> its node (absent: none could be made). */
  readonly nodes = new Map<string, Node>();
  /**
   * Wanted ports of the graph that have no node because making it failed,
   * with why: above all the server refusing the client one more probe port
   * (PipeWire's 768 ports per client, jackd's --port-max).
   */
  readonly refused = new Map<string, string>();
  readonly #source: PortSubscriptionSource;
  readonly #kind: PortNodeKind<Node>;
  readonly #tick: () => void;
  readonly #intervalMs: number;
  readonly #log: (message: string) => void;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    source: PortSubscriptionSource,
    kind: PortNodeKind<Node>,
    options: { tick: () => void; intervalMs: number; log: (message: string) => void },
  ) {
    this.#source = source;
    this.#kind = kind;
    this.#tick = options.tick;
    this.#intervalMs = options.intervalMs;
    this.#log = options.log;
  }

  add(subscriber: Sub): void {
    this.subscribers.add(subscriber);
  }

  /** The page went away: its nodes go unless another page shares them. */
  remove(subscriber: Sub): void {
    if (this.subscribers.delete(subscriber)) this.sync();
  }

  /**
   * Replaces a page's ports and returns the new generation. Checks every port
   * first, so a bad request changes nothing; `beforeChange` runs once the
   * request is known good (a hub flushes what it holds for the old set).
   */
  set(subscriber: Sub, ports: readonly string[], beforeChange?: () => void): number {
    if (!this.subscribers.has(subscriber))
      throw new JackbayRpcError('bad-request', `this ${this.#kind.noun} subscription is closed`);
    if (ports.length > 0) {
      const client = this.#source.client();
      for (const name of ports) {
        let port: Port;
        try {
          port = client.getPortByName(name);
        } catch (error) {
          if (isSessionError(error)) throw error;
          throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
        }
        this.#kind.check(port, name);
      }
    }
    beforeChange?.();
    subscriber.ports = [...ports];
    subscriber.generation += 1;
    this.sync();
    return subscriber.generation;
  }

  /**
   * Makes the nodes match the union of what pages ask for and what the graph
   * has: a port that went away loses its node without a word, and one that
   * comes back gets it again. Runs on every set change and graph patch.
   */
  sync(): void {
    if (this.#closed) return;
    const wanted = new Set<string>();
    for (const subscriber of this.subscribers)
      for (const port of subscriber.ports) wanted.add(port);
    const up = this.#source.isUp;
    const ports = this.#source.published.ports;
    for (const [name, node] of this.nodes) {
      if (up && wanted.has(name) && ports.has(name) && !node.removed) continue;
      this.nodes.delete(name);
      this.#drop(node);
    }
    if (up) {
      // After one refusal the server is not asked again in this pass: with
      // hundreds of ports over the limit, each would cost a failed request.
      let refusal: string | null = null;
      for (const name of wanted) {
        const port = ports.get(name);
        if (this.nodes.has(name) || port === undefined || !this.#kind.fits(port)) continue;
        if (refusal !== null) {
          this.refused.set(name, this.refused.get(name) ?? refusal);
          continue;
        }
        try {
          this.nodes.set(name, this.#kind.make(this.#source.client(), name));
        } catch (error) {
          if (isSessionError(error)) break;
          const message = (error as Error).message;
          if (!(error instanceof JackError && error.kind === 'port-refused')) {
            // Not the server's limit (the port went between the graph read
            // and now, a connection failed): this port only, tried again at
            // the next sync.
            this.#log(`no ${this.#kind.noun} on '${name}' yet: ${message}`);
            continue;
          }
          refusal = message;
          if (!this.refused.has(name)) this.#log(`no ${this.#kind.noun} on '${name}': ${refusal}`);
          this.refused.set(name, refusal);
        }
      }
    }
    for (const name of this.refused.keys())
      if (!up || !wanted.has(name) || !ports.has(name) || this.nodes.has(name))
        this.refused.delete(name);
    const running = up && [...this.subscribers].some((s) => s.ports.length > 0);
    if (running && !this.#timer) {
      this.#timer = setInterval(this.#tick, this.#intervalMs);
      this.#timer.unref();
    } else if (!running && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** The client closed: its nodes went with it. */
  sessionEnded(): void {
    this.nodes.clear();
    this.sync();
  }

  close(): void {
    this.subscribers.clear();
    this.sync();
    this.#closed = true;
  }

  #drop(node: Node): void {
    try {
      node.remove();
    } catch (error) {
      // A port that went away takes its node with it; only the server's end matters.
      if (!isSessionError(error))
        this.#log(`removing a ${this.#kind.noun} failed: ${(error as Error).message}`);
    }
  }
}
