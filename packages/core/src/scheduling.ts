// When the service's events go out. A storm of JACK notifications becomes at
// most one graph read per patch interval, and each read is sent as the patch
// from the graph published before; status is sampled regularly, sent when it
// changed, and sent soon (but coalesced) after an xrun or a request.
import type {
  EventName,
  EventPayload,
  PresetsState,
  PrettyNamesState,
  RestoreState,
  ServerControlState,
  ServerStatus,
  ToolsState,
} from './contract.js';
import { diffGraphs, emptyGraph, type Graph, isEmptyPatch } from './patch.js';

/** Where the scheduler reads what it sends. */
export interface EventSource {
  readonly isUp: boolean;
  /** The graph now, or null when there is none to read. */
  readGraph(): Graph | null;
  status(): ServerStatus;
}

export interface SchedulerOptions {
  maxPatchesPerSecond: number;
  statusIntervalMs: number;
  log: (message: string) => void;
}

export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

// After a port or client comes or goes, JACK2 may still list a port that was
// just unregistered (jack2 #617); one more read a little later settles it.
const SETTLE_MS = 300;
// Status changes that cannot wait for the next regular sample (xruns,
// transport requests) still come at most this often.
const STATUS_MIN_MS = 50;

export class EventScheduler {
  readonly #source: EventSource;
  readonly #patchIntervalMs: number;
  readonly #statusMs: number;
  readonly #log: (message: string) => void;

  #published: Graph = emptyGraph;
  #lastPatchAt = Number.NEGATIVE_INFINITY;
  #lastReadAt = Number.NEGATIVE_INFINITY;
  #lastStatusJson = '';
  #lastStatusAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  #refreshTimer: NodeJS.Timeout | null = null;
  #settleTimer: NodeJS.Timeout | null = null;
  #statusSoon: NodeJS.Timeout | null = null;
  #statusTimer: NodeJS.Timeout | null = null;

  readonly #listeners: { [E in EventName]: Set<Listener<E>> } = {
    graphPatch: new Set(),
    status: new Set(),
    tools: new Set(),
    restore: new Set(),
    serverControl: new Set(),
    presets: new Set(),
    prettyNames: new Set(),
  };

  constructor(options: SchedulerOptions, source: EventSource) {
    this.#source = source;
    this.#patchIntervalMs = Math.ceil(1000 / options.maxPatchesPerSecond);
    this.#statusMs = options.statusIntervalMs;
    this.#log = options.log;
  }

  /** The graph as the last patch left it: what a new follower starts from. */
  get published(): Graph {
    return this.#published;
  }

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners[event] as Set<Listener<E>> | undefined;
    if (!set) throw new TypeError(`unknown event '${String(event)}'`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** A session began: read the graph and the status now, then sample the status regularly. */
  sessionStarted(): void {
    this.refresh();
    this.emitStatus();
    this.#statusTimer = setInterval(() => this.emitStatus(), this.#statusMs);
    this.#statusTimer.unref();
  }

  /** The session ended: nothing of it is left to read. */
  sessionEnded(): void {
    for (const timer of [this.#statusTimer, this.#settleTimer]) if (timer) clearTimeout(timer);
    this.#statusTimer = null;
    this.#settleTimer = null;
  }

  // ---- Graph patches, at most one per patch interval

  scheduleRefresh(): void {
    if (this.#refreshTimer || !this.#source.isUp || this.#closed) return;
    // Spaced from the last read (to bound the work) and from the last patch
    // sent: however long a read takes, two patches are never closer than this.
    const since = Math.max(this.#lastReadAt, this.#lastPatchAt);
    const wait = since + this.#patchIntervalMs - performance.now();
    // Node measures timers from the loop's cached clock, which can be a few
    // ms old after a long read, so a timer may fire early: check and wait on.
    this.#refreshTimer = setTimeout(
      () => {
        this.#refreshTimer = null;
        if (performance.now() - since < this.#patchIntervalMs) this.scheduleRefresh();
        else this.refresh();
      },
      Math.max(0, Math.ceil(wait)),
    );
  }

  /** A refresh soon, and one more after JACK has settled. */
  scheduleSettle(): void {
    this.scheduleRefresh();
    if (this.#settleTimer) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      this.scheduleRefresh();
    }, SETTLE_MS);
  }

  refresh(): void {
    if (!this.#source.isUp) return;
    this.#lastReadAt = performance.now();
    let next: Graph | null;
    try {
      next = this.#source.readGraph();
    } catch (error) {
      this.#log(`reading the graph failed: ${(error as Error).message}`);
      return;
    }
    if (next) this.publish(next);
  }

  /** Sends the patch from the published graph to `next`, if there is a difference. */
  publish(next: Graph): void {
    const patch = diffGraphs(this.#published, next);
    this.#published = next;
    if (isEmptyPatch(patch)) return;
    this.#lastPatchAt = performance.now();
    this.#emit('graphPatch', patch);
  }

  // ---- Status

  // Soon, but coalesced: an xrun storm must not become a status storm.
  scheduleStatus(): void {
    if (this.#statusSoon) return;
    const wait = Math.max(0, this.#lastStatusAt + STATUS_MIN_MS - performance.now());
    this.#statusSoon = setTimeout(() => {
      this.#statusSoon = null;
      this.emitStatus();
    }, wait);
  }

  emitStatus(): void {
    if (this.#closed) return;
    let status: ServerStatus;
    try {
      status = this.#source.status();
    } catch (error) {
      // Runs from timers: an unexpected failure is logged, never thrown.
      this.#log(`reading the status failed: ${(error as Error).message}`);
      return;
    }
    const json = JSON.stringify(status);
    if (json === this.#lastStatusJson) return;
    this.#lastStatusJson = json;
    this.#lastStatusAt = performance.now();
    this.#emit('status', status);
  }

  /** Ghosts or remembered connections changed (restore.ts): sent at once. */
  emitRestore(state: RestoreState): void {
    if (!this.#closed) this.#emit('restore', state);
  }

  /** The saved presets or the active one changed (presets/): sent at once. */
  emitPresets(state: PresetsState): void {
    if (!this.#closed) this.#emit('presets', state);
  }

  /** Pretty names Jackbay set, or stale ones, changed (pretty-names.ts): sent at once. */
  emitPrettyNames(state: PrettyNamesState): void {
    if (!this.#closed) this.#emit('prettyNames', state);
  }

  /** Tones and thru routes changed (port-tools.ts): sent at once, they are rare. */
  emitTools(tools: ToolsState): void {
    if (!this.#closed) this.#emit('tools', tools);
  }

  /** A server Jackbay controls started, stopped or failed (server-control.ts): sent at once. */
  emitServerControl(state: ServerControlState): void {
    if (!this.#closed) this.#emit('serverControl', state);
  }

  close(): void {
    this.#closed = true;
    for (const timer of [this.#refreshTimer, this.#statusSoon]) if (timer) clearTimeout(timer);
    this.sessionEnded();
    this.#listeners.graphPatch.clear();
    this.#listeners.status.clear();
    this.#listeners.tools.clear();
    this.#listeners.restore.clear();
    this.#listeners.serverControl.clear();
    this.#listeners.presets.clear();
    this.#listeners.prettyNames.clear();
  }

  #emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.#listeners[event]]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        this.#log(`a ${event} listener threw: ${(error as Error).message}`);
      }
    }
  }
}
