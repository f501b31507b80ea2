// The Jackbay service: one JACK client that watches the graph and serves the
// contract's requests. It survives the server coming and going: while no
// server runs it reports 'down' and keeps trying, and connects by itself when
// one appears. This class only wires its parts together: the session
// (session.ts), the event scheduler (scheduling.ts) and the request handlers
// (request-handlers.ts); what it remembers lives in restore.ts (connections)
// and pretty-names.ts (names it set).

import { MeterBridge } from './bridge.js';
import type {
  EventName,
  GraphSnapshot,
  JackbayApi,
  RequestName,
  RequestParams,
  RequestResult,
  ServerStatus,
} from './contract.js';
import { JackbayRpcError } from './errors.js';
import { routeLibjackMessages } from './libjack-messages.js';
import { type MeterHost, MeterHub, type MeterPeer } from './meters.js';
import { type MidiHost, MidiHub, type MidiPeer, type MidiSink } from './midi-monitors.js';
import { emptyGraph, snapshotFromGraph } from './patch.js';
import { PortTools } from './port-tools.js';
import { Presets } from './presets/presets.js';
import { PrettyNames } from './pretty-names.js';
import { type RequestHandlers, requestHandlers } from './request-handlers.js';
import { PatchMemory } from './restore.js';
import { readSavedMemory, type SavedMemory, SavedMemoryWriter } from './restore-file.js';
import { EventScheduler, type Listener } from './scheduling.js';
import { ServerControl } from './server-control.js';
import { Session } from './session.js';

export interface ServiceOptions {
  /** The JACK server to use; default JACK_DEFAULT_SERVER, else 'default'. */
  serverName?: string;
  /** Name of the service's own JACK client (its ports are meter probes, test tones and thru routes; pages hide it). */
  clientName?: string;
  /** How often to try again while no server runs. */
  retryIntervalMs?: number;
  /** How often status (DSP load, transport) is sampled; it is sent when it changed. */
  statusIntervalMs?: number;
  /** Upper bound for graphPatch events per second. */
  maxPatchesPerSecond?: number;
  /** How often everything is re-read in full (aliases change without a notification). */
  reconcileIntervalMs?: number;
  /** How often meter frames go out while a page meters something (display rate). */
  meterIntervalMs?: number;
  /** How often bridge meters are analysed and their frames sent while a page has one. */
  bridgeIntervalMs?: number;
  /** How often MIDI monitors are drained and their frames sent while a page watches. */
  midiIntervalMs?: number;
  /** Marks the status as a demo (set by createService when it runs the demo). */
  demo?: boolean;
  /**
   * Where the restore memory outlives the service (restore-file.ts); none by
   * default. The `jackbay` command and the app pass configDir()/restore.json.
   */
  memoryFile?: string;
  /** Diagnostics: server up/down, libjack's messages when `verbose`. */
  log?: (message: string) => void;
  /** Pass libjack's error and info messages to `log`. */
  verbose?: boolean;
  /** Where server control remembers its settings (default: the config directory's server.json). */
  serverSettingsPath?: string;
}

export class JackbayService implements JackbayApi, MeterHost, MidiHost {
  readonly serverName: string;
  readonly #log: (message: string) => void;
  readonly #session: Session;
  readonly #events: EventScheduler;
  readonly #handlers: RequestHandlers;
  readonly #meters: MeterHub;
  readonly #midi: MidiHub;
  readonly #tools: PortTools;
  readonly #bridge: MeterBridge;
  readonly #memory: PatchMemory;
  readonly #memoryWriter: SavedMemoryWriter | null;
  readonly #control: ServerControl;
  readonly #presets: Presets;
  #closed = false;
  #onClose: Array<() => Promise<void> | void> = [];

  constructor(options: ServiceOptions = {}) {
    this.serverName = options.serverName ?? process.env.JACK_DEFAULT_SERVER ?? 'default';
    const log = options.log ?? (() => {});
    this.#log = log;
    routeLibjackMessages(options.verbose ? (message) => log(`libjack: ${message}`) : () => {});

    let ownName: string | null = null;
    const session = new Session(
      {
        serverName: this.serverName,
        clientName: options.clientName ?? 'jackbay',
        retryIntervalMs: options.retryIntervalMs ?? 1000,
        reconcileIntervalMs: options.reconcileIntervalMs ?? 5000,
        demo: options.demo ?? false,
        log,
      },
      {
        connected: () => {
          ownName = session.client().name;
          events.sessionStarted();
          meters.sync();
          midi.sync();
          bridge.sync();
        },
        graphChanged: (settle) => (settle ? events.scheduleSettle() : events.scheduleRefresh()),
        statusChanged: () => events.scheduleStatus(),
        disconnected: () => {
          events.sessionEnded();
          meters.sessionEnded();
          midi.sessionEnded();
          tools.sessionEnded();
          bridge.sessionEnded();
        },
        graphGone: () => events.publish(emptyGraph),
        down: () => events.emitStatus(),
      },
    );
    const events = new EventScheduler(
      {
        maxPatchesPerSecond: options.maxPatchesPerSecond ?? 60,
        statusIntervalMs: options.statusIntervalMs ?? 100,
        log,
      },
      session,
    );
    // What the hubs of page subscriptions read: the session and the graph as published.
    const live = {
      get isUp() {
        return session.isUp;
      },
      client: () => session.client(),
      get published() {
        return events.published;
      },
    };
    const meters = new MeterHub(live, { intervalMs: options.meterIntervalMs ?? 1000 / 30, log });
    const midi = new MidiHub(live, { intervalMs: options.midiIntervalMs ?? 50, log });
    const memoryWriter = options.memoryFile ? new SavedMemoryWriter(options.memoryFile, log) : null;
    const memory = new PatchMemory(
      {
        get isUp() {
          return session.isUp;
        },
        client: () => session.client(),
        // Kept after the server goes: the last graph's own client is still not a ghost.
        ownClient: () => ownName,
      },
      {
        changed: (state) => events.emitRestore(state),
        graphTouched: () => events.scheduleRefresh(),
        log,
        ...(memoryWriter && { saved: (saved: SavedMemory) => memoryWriter.write(saved) }),
      },
    );
    if (options.memoryFile) {
      const saved = readSavedMemory(options.memoryFile, log);
      try {
        if (saved) memory.load(saved);
      } catch (error) {
        log(`the restore memory's merge rules are unusable: ${(error as Error).message}`);
      }
    }
    const names = new PrettyNames(
      {
        get isUp() {
          return session.isUp;
        },
        client: () => session.client(),
        ownClient: () => ownName,
        renewIfStoreReplaced: () => session.renewIfStoreReplaced(),
        metadataChanged: () => {
          session.metadataChanged();
          events.scheduleRefresh();
        },
      },
      { changed: (state) => events.emitPrettyNames(state), log },
    );
    const tools = new PortTools(
      { client: () => session.client() },
      { changed: (state) => events.emitTools(state), log },
    );
    const bridge = new MeterBridge(live, {
      intervalMs: options.bridgeIntervalMs ?? 1000 / 30,
      log,
    });
    const presets = new Presets({
      get isUp() {
        return session.isUp;
      },
      client: () => session.client(),
      ownClient: () => ownName,
      published: () => events.published,
      // What a preset made or removed is meant: the restore memory follows it.
      applied: (added, removed) => {
        for (const connection of added) memory.remember(connection);
        memory.forget(removed);
        events.scheduleRefresh();
      },
      changed: (state) => events.emitPresets(state),
      log,
    });
    // Ports come and go: taps and monitors follow the graph as published.
    // Remembered connections come back as their ports do, and so do the
    // active preset's.
    events.subscribe('graphPatch', () => {
      meters.sync();
      midi.sync();
      bridge.sync();
      memory.update(events.published);
      presets.graphChanged();
      names.update(events.published);
    });
    this.#session = session;
    this.#events = events;
    this.#meters = meters;
    this.#midi = midi;
    this.#tools = tools;
    this.#memory = memory;
    this.#memoryWriter = memoryWriter;
    this.#bridge = bridge;
    const control = new ServerControl(session, {
      serverName: this.serverName,
      settingsPath: options.serverSettingsPath,
      log,
      changed: (state) => events.emitServerControl(state),
    });
    this.#control = control;
    this.#presets = presets;
    this.#handlers = requestHandlers({
      session,
      events,
      tools,
      memory,
      bridge,
      control,
      presets,
      names,
    });
  }

  /** Makes the first connection attempt; later ones follow by themselves. */
  start(): void {
    this.#session.start();
  }

  /** Runs `fn` when the service closes (e.g. to stop a demo server). */
  onClose(fn: () => Promise<void> | void): void {
    this.#onClose.push(fn);
  }

  get isUp(): boolean {
    return this.#session.isUp;
  }

  /**
   * JackbayApi: resolves with the result or rejects. Params are taken as the
   * contract types them; transports validate what they receive through answer().
   */
  async request<M extends RequestName>(
    method: M,
    params: RequestParams<M>,
    meters?: MeterPeer,
    midi?: MidiPeer,
  ): Promise<RequestResult<M>> {
    if (!Object.hasOwn(this.#handlers, method))
      throw new JackbayRpcError('unknown-method', `unknown method '${String(method)}'`);
    const handler = this.#handlers[method] as (
      p: RequestParams<M>,
      meters?: MeterPeer,
      midi?: MidiPeer,
    ) => RequestResult<M> | Promise<RequestResult<M>>;
    try {
      return await handler(params, meters, midi);
    } catch (error) {
      this.#session.failed(error);
      throw error;
    }
  }

  /** One page's meter subscription: pass it to answer() with that page's requests. */
  openMeters(sink: (frame: Uint8Array) => void): MeterPeer {
    const meters = this.#meters.open(sink);
    // The subscription stands for the page: when it closes, so do the page's
    // tones and bridge meters. Bridge frames share the page's meter channel.
    const page: MeterPeer = {
      set: (ports) => meters.set(ports),
      close: () => {
        meters.close();
        this.#tools.pageClosed(page);
        this.#bridge.pageClosed(page);
      },
    };
    this.#bridge.openPage(page, sink);
    return page;
  }

  /** One page's MIDI monitor subscription: pass it to answer() with that page's requests. */
  openMidi(sink: MidiSink): MidiPeer {
    return this.#midi.open(sink);
  }

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    return this.#events.subscribe(event, listener);
  }

  /** The current status (also what getStatus returns). */
  status(): ServerStatus {
    return this.#session.status();
  }

  /** The graph as the last graphPatch left it (also what getSnapshot returns). */
  snapshot(): GraphSnapshot {
    return snapshotFromGraph(this.#events.published);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#meters.close();
    this.#midi.close();
    this.#bridge.close();
    this.#memory.close();
    this.#memoryWriter?.flush();
    this.#presets.close();
    this.#session.close();
    this.#events.close();
    // A server Jackbay started stops with it; one it found is left alone.
    try {
      await this.#control.close();
    } catch (error) {
      this.#log(`while stopping the JACK server: ${(error as Error).message}`);
    }
    for (const fn of this.#onClose.splice(0)) {
      try {
        await fn();
      } catch (error) {
        this.#log(`while closing: ${(error as Error).message}`);
      }
    }
  }
}
