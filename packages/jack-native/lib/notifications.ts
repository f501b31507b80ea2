// Notifications: the events JACK's threads queued for a client (decoded from
// NativeClient.drainEvents on the JS thread), and the listeners that on(),
// off() and the set*Callback methods install.
import type { Engine } from './engine.js';
import { CallbackExit, JackError } from './errors.js';
import { EVENT_KINDS, EVENT_SLOTS } from './layouts.js';
import { native } from './native.js';
import type { Port } from './port.js';
import type { PortRegistry } from './port-registry.js';
import { Status } from './status.js';

/** Notification events: name → listener arguments. */
export interface ClientEvents {
  shutdown: [status: Status, reason: string];
  freewheel: [starting: boolean];
  blocksize: [blocksize: number];
  samplerate: [samplerate: number];
  clientRegistration: [name: string, register: boolean];
  portRegistration: [port: Port | null, register: boolean];
  portConnect: [a: Port | null, b: Port | null, connect: boolean];
  portRename: [port: Port | null, oldName: string, newName: string];
  graphOrder: [];
  xrun: [delayedUsecs: number];
  propertyChange: [subject: string, key: string, change: number];
}

export type ClientEvent = keyof ClientEvents;
export type Listener<E extends ClientEvent> = (...args: ClientEvents[E]) => void;

export interface ListenerOptions {
  /**
   * Port events only: skip the event when a port in it no longer exists (true, the default),
   * or deliver null for that port (false).
   */
  onlyAvailable?: boolean;
}

// Every event name, in kind order.
const EVENT_NAMES = Object.keys(EVENT_KINDS) as ClientEvent[];

interface CallbackSetter {
  readonly method: string;
  readonly event: ClientEvent;
  /** The event carries ports, so the setter takes `onlyAvailable` (default true). */
  readonly withPorts?: boolean;
  /** The optional libjack function the event needs. */
  readonly requires?: string;
}

/**
 * The Python module's set_*_callback methods, which Client gets from this
 * table: each sets the one callback of its event, replacing the one before,
 * next to any listeners added with on().
 */
export const CALLBACK_SETTERS = [
  { method: 'setShutdownCallback', event: 'shutdown' },
  { method: 'setFreewheelCallback', event: 'freewheel' },
  { method: 'setBlocksizeCallback', event: 'blocksize' },
  { method: 'setSamplerateCallback', event: 'samplerate' },
  { method: 'setClientRegistrationCallback', event: 'clientRegistration' },
  { method: 'setPortRegistrationCallback', event: 'portRegistration', withPorts: true },
  { method: 'setPortConnectCallback', event: 'portConnect', withPorts: true },
  {
    method: 'setPortRenameCallback',
    event: 'portRename',
    withPorts: true,
    requires: 'jack_set_port_rename_callback',
  },
  { method: 'setGraphOrderCallback', event: 'graphOrder' },
  { method: 'setXrunCallback', event: 'xrun' },
  { method: 'setPropertyChangeCallback', event: 'propertyChange' },
] as const satisfies readonly CallbackSetter[];

type Setter<S> = S extends { event: infer E extends ClientEvent; withPorts: true }
  ? (callback: Listener<E> | null, onlyAvailable?: boolean) => void
  : S extends { event: infer E extends ClientEvent }
    ? (callback: Listener<E> | null) => void
    : never;

/** Client's set*Callback methods, typed from CALLBACK_SETTERS. */
export type CallbackSetters = {
  [S in (typeof CALLBACK_SETTERS)[number] as S['method']]: Setter<S>;
};

/** Throws TypeError unless `fn` is a function, null or undefined. */
export function checkCallback(fn: unknown, what: string): void {
  if (fn !== null && fn !== undefined && typeof fn !== 'function')
    throw new TypeError(`${what}: callback must be a function or null`);
}

/** What delivering events changes in the client besides calling listeners. */
export interface NotificationTarget {
  /** A listener may close the client; nothing more is delivered then. */
  readonly closed: boolean;
  readonly ports: PortRegistry;
  /** The realtime engine, if there is one: it follows blocksize and connections. */
  readonly engine: Engine | null;
  /** The server has shut the client down. */
  shutDown(): void;
}

interface ListenerEntry {
  fn: (...args: never[]) => void;
  onlyAvailable: boolean;
}

export class Notifications {
  readonly #clientName: string;
  readonly #target: NotificationTarget;
  readonly #listeners = new Map<ClientEvent, ListenerEntry[]>();
  // The listener installed by each set*Callback, so a new one replaces it.
  readonly #callbacks = new Map<ClientEvent, ListenerEntry>();

  constructor(clientName: string, target: NotificationTarget) {
    this.#clientName = clientName;
    this.#target = target;
  }

  on(event: ClientEvent, listener: unknown, options: ListenerOptions): void {
    checkEvent(event);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#add(event, {
      fn: listener as ListenerEntry['fn'],
      onlyAvailable: options.onlyAvailable ?? true,
    });
  }

  off(event: ClientEvent, listener: unknown): void {
    checkEvent(event);
    const list = this.#listeners.get(event);
    const index = list?.findIndex((entry) => entry.fn === listener) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
  }

  /** What a set*Callback method of CALLBACK_SETTERS does. */
  setCallback(setter: CallbackSetter, callback: unknown, onlyAvailable: boolean): void {
    const { event, requires } = setter;
    if (callback && requires && native.libraryInfo().missingOptional.includes(requires)) {
      const what = event.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
      throw new JackError(`The loaded JACK library has no ${what} callback`, 'unsupported');
    }
    checkCallback(callback, `set ${event} callback`);
    const previous = this.#callbacks.get(event);
    if (previous) {
      const list = this.#listeners.get(event);
      const index = list?.indexOf(previous) ?? -1;
      if (list && index >= 0) list.splice(index, 1);
      this.#callbacks.delete(event);
    }
    if (typeof callback === 'function') {
      const entry: ListenerEntry = {
        fn: callback as ListenerEntry['fn'],
        onlyAvailable: setter.withPorts ? Boolean(onlyAvailable) : true,
      };
      this.#callbacks.set(event, entry);
      this.#add(event, entry);
    }
  }

  /** Decodes a batch from NativeClient.drainEvents and calls the listeners of each event. */
  deliver(flat: Array<number | string>): void {
    const target = this.#target;
    const { ports } = target;
    for (let i = 0; i < flat.length; i += EVENT_SLOTS) {
      const kind = flat[i] as number;
      const a = flat[i + 1] as number;
      const b = flat[i + 2] as number;
      const d = flat[i + 3] as number;
      const h1 = flat[i + 4] as number;
      const h2 = flat[i + 5] as number;
      const s1 = flat[i + 6] as string;
      const s2 = flat[i + 7] as string;
      const s3 = flat[i + 8] as string;
      const s4 = flat[i + 9] as string;
      switch (kind) {
        case EVENT_KINDS.shutdown:
          target.shutDown();
          this.#emit('shutdown', [new Status(a), s1]);
          break;
        case EVENT_KINDS.freewheel:
          this.#emit('freewheel', [a !== 0]);
          break;
        case EVENT_KINDS.blocksize:
          target.engine?.blocksizeChanged();
          this.#emit('blocksize', [a]);
          break;
        case EVENT_KINDS.samplerate:
          this.#emit('samplerate', [a]);
          break;
        case EVENT_KINDS.clientRegistration:
          this.#emit('clientRegistration', [s1, a !== 0]);
          break;
        case EVENT_KINDS.portRegistration: {
          const port = ports.fromEvent(h1, s1, s2, b, a === 0);
          this.#emit('portRegistration', [port, a !== 0], port === null);
          if (port && a === 0) ports.forget(port);
          break;
        }
        case EVENT_KINDS.portConnect: {
          const portA = ports.fromEvent(h1, s1, s2, Math.floor(a / 2));
          const portB = ports.fromEvent(h2, s3, s4, b);
          this.#emit(
            'portConnect',
            [portA, portB, (a & 1) !== 0],
            portA === null || portB === null,
          );
          target.engine?.onPortConnect(portA, portB, (a & 1) !== 0);
          break;
        }
        case EVENT_KINDS.portRename: {
          const port = ports.fromEvent(h1, s3, s4, b);
          if (port) {
            port._setName(s3);
            ports.renamed(port, s1);
          }
          this.#emit('portRename', [port, s1, s2], port === null);
          break;
        }
        case EVENT_KINDS.graphOrder:
          this.#emit('graphOrder', []);
          break;
        case EVENT_KINDS.xrun:
          this.#emit('xrun', [d]);
          break;
        case EVENT_KINDS.propertyChange:
          this.#emit('propertyChange', [s1, s2, a]);
          break;
      }
      if (target.closed) return;
    }
  }

  #add(event: ClientEvent, entry: ListenerEntry): void {
    const list = this.#listeners.get(event);
    if (list) list.push(entry);
    else this.#listeners.set(event, [entry]);
  }

  #emit(event: ClientEvent, args: unknown[], hasMissingPort = false): void {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return;
    for (const entry of [...list]) {
      if (hasMissingPort && entry.onlyAvailable) continue;
      try {
        (entry.fn as (...a: unknown[]) => void)(...args);
      } catch (error) {
        if (error instanceof CallbackExit) {
          const index = list.indexOf(entry);
          if (index >= 0) list.splice(index, 1);
          if (this.#callbacks.get(event) === entry) this.#callbacks.delete(event);
        } else {
          console.error(
            `jack: exception in ${event} callback of client '${this.#clientName}':`,
            error,
          );
        }
      }
    }
  }
}

function checkEvent(event: string): void {
  if (!EVENT_NAMES.includes(event as ClientEvent))
    throw new TypeError(`unknown event '${event}'; known: ${EVENT_NAMES.join(', ')}`);
}
