// The port registry of a client: one Port object per JACK port, so the same
// port is the same object wherever it comes from (a name, a listing, a
// notification). Kept by handle for identity, and by name for fast lookups
// while notifications keep names current.
import { JackError } from './errors.js';
import { native, type PortHandle } from './native.js';
import { type Port, type PortOwner, portClass } from './port.js';

export class PortRegistry {
  readonly #owner: PortOwner;
  readonly #isOpen: () => boolean;
  readonly #byHandle = new Map<PortHandle, Port>();
  readonly #byName = new Map<string, Port>();

  /** `isOpen`: false once the client is closed or shut down. */
  constructor(owner: PortOwner, isOpen: () => boolean) {
    this.#owner = owner;
    this.#isOpen = isOpen;
  }

  /** Keeps a port made elsewhere (an own port just registered). */
  add(port: Port): Port {
    this.#byHandle.set(port._handle, port);
    this.#byName.set(port._knownName, port);
    return port;
  }

  forget(port: Port): void {
    if (this.#byHandle.get(port._handle) === port) this.#byHandle.delete(port._handle);
    const name = port._knownName;
    if (this.#byName.get(name) === port) this.#byName.delete(name);
  }

  /** Follows a rename; `port` already carries its new name. */
  renamed(port: Port, oldName: string): void {
    if (this.#byName.get(oldName) === port) this.#byName.delete(oldName);
    this.#byName.set(port._knownName, port);
  }

  /** Drops the name cache: names may have changed while no notifications arrived. */
  forgetNames(): void {
    this.#byName.clear();
  }

  clear(): void {
    this.#byHandle.clear();
    this.#byName.clear();
  }

  // The Port for a notification, from what the notification thread captured.
  // `released`: an unregistration, which JACK2 reports after resetting the
  // port's flags and type, so only the name still identifies a known port.
  fromEvent(
    handle: number,
    name: string,
    type: string,
    flags: number,
    released = false,
  ): Port | null {
    if (!handle || name === '') return null;
    // Events queued before a shutdown arrive after it: by then no port of that
    // server is usable (and the native client refuses every call).
    if (!this.#isOpen()) return null;
    const known = this.#byHandle.get(handle);
    if (known && known.type === type && known.flags === flags) return known;
    if (known && released && known._knownName === name) return known;
    const own = this.#owner.native.portIsMine(handle);
    return this.add(new (portClass(type, own))(this.#owner, handle, name, flags, type));
  }

  /** A port by full name; throws JackError 'port-not-found' if JACK has none. */
  get(name: string, trustNames: boolean): Port {
    const port = this.find(name, trustNames);
    if (!port) throw new JackError(`Port '${name}' not available`, 'port-not-found');
    return port;
  }

  // A port by full name, or null if JACK has none. The name cache is used
  // only when `trustNames` and notifications keep it current.
  find(name: string, trustNames: boolean): Port | null {
    if (trustNames) {
      const cached = this.#byName.get(name);
      if (cached) return cached;
    }
    const nativeClient = this.#owner.native;
    const handle = nativeClient.portByName(name);
    if (handle === null) return null;
    const known = this.#byHandle.get(handle);
    if (known) {
      if (known._knownName === name && this.#owner.tracksNames) {
        this.#byName.set(name, known);
        return known;
      }
      // Renamed, or (JACK2 reuses port slots) a different port in the same slot.
      if (known.flags === native.portFlags(handle) && known.type === native.portType(handle)) {
        if (known._knownName !== name) {
          const oldName = known._knownName;
          known._setName(name);
          this.renamed(known, oldName);
        }
        return known;
      }
      this.forget(known);
    }
    const type = native.portType(handle);
    const own = nativeClient.portIsMine(handle);
    return this.add(
      new (portClass(type, own))(this.#owner, handle, name, native.portFlags(handle), type),
    );
  }

  /** The ports of a listing; a port listed a moment ago may be gone now, and is skipped. */
  fromNames(names: string[]): Port[] {
    const trust = this.#owner.tracksNames;
    const ports: Port[] = [];
    for (const name of names) {
      const port = this.find(name, trust);
      if (port) ports.push(port);
    }
    return ports;
  }
}
