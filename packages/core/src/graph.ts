// Reads the JACK graph (clients, ports, connections) into a Graph.
//
// Notifications only say "something changed"; the reader re-queries JACK and
// caches what is costly or rarely changes (port details, pretty names, client
// UUIDs) until a notification marks it stale. A port listed by jack_get_ports
// may be gone a moment later (jack2 #617), so every step tolerates that.
import {
  AUDIO_TYPE,
  type Client,
  getAllProperties,
  JackError,
  METADATA_PRETTY_NAME,
  MIDI_TYPE,
  type Port,
} from '@jackbay/jack-native';
import type { ClientInfo, Connection, PortInfo, PortType } from './contract.js';
import { connectionKey, type Graph } from './patch.js';

interface Details {
  shortName: string;
  client: string;
  aliases: string[];
  uuid: string;
  capture: { min: number; max: number };
  playback: { min: number; max: number };
}

interface CachedPort {
  name: string;
  details: Details;
  info: PortInfo;
}

interface CachedClient {
  uuid: string | null;
  info: ClientInfo | null;
}

/** True for errors that mean the client (or the server) is gone, not just one port. */
export function isSessionError(error: unknown): boolean {
  return (
    error instanceof JackError &&
    (error.kind === 'closed' || error.kind === 'shutdown' || error.kind === 'library-missing')
  );
}

function portType(typeString: string): PortType {
  if (typeString === AUDIO_TYPE) return 'audio';
  if (typeString === MIDI_TYPE) return 'midi';
  return 'other';
}

function sameRange(a: { min: number; max: number }, b: { min: number; max: number }): boolean {
  return a.min === b.min && a.max === b.max;
}

// C clients often store the terminating NUL in the property's value.
function decodeText(value: Buffer): string {
  const text = value.toString('utf8');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end -= 1;
  return text.slice(0, end);
}

export class GraphReader {
  readonly #client: Client;
  // Keyed by the library's Port objects: one object per JACK port for the
  // client's lifetime, which survives renames.
  #ports = new Map<Port, CachedPort>();
  // Client name -> its UUID (null: no client of that name) and last ClientInfo.
  readonly #clients = new Map<string, CachedClient>();
  // Port or client UUID -> pretty name.
  #prettyNames = new Map<string, string>();
  #metadataStale = true;
  #latencyStale = true;
  #detailsStale = true;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Pretty names changed (a propertyChange notification). */
  metadataChanged(): void {
    this.#metadataStale = true;
  }

  /** Latencies may have changed (graph order, connections). */
  latencyChanged(): void {
    this.#latencyStale = true;
  }

  /** A client of this name came or went: its UUID must be asked again. */
  clientChanged(name: string): void {
    this.#clients.delete(name);
  }

  /** Re-reads everything on the next read: aliases change without a notification. */
  everythingChanged(): void {
    this.#metadataStale = true;
    this.#latencyStale = true;
    this.#detailsStale = true;
    this.#clients.clear();
  }

  /** The graph as JACK sees it now. Throws only when the session itself is gone. */
  read(): Graph {
    const client = this.#client;
    const metadataStale = this.#metadataStale;
    const latencyStale = this.#latencyStale;
    const detailsStale = this.#detailsStale;
    this.#metadataStale = false;
    this.#latencyStale = false;
    this.#detailsStale = false;
    if (metadataStale) {
      const names = this.#readPrettyNames();
      // On a failed read keep what we had and try again next time.
      if (names) this.#prettyNames = names;
      else this.#metadataStale = true;
    }

    const state = {
      clients: new Map<string, ClientInfo>(),
      ports: new Map<string, PortInfo>(),
      connections: new Map<string, Connection>(),
    };
    const nextCache = new Map<Port, CachedPort>();
    const outputs: Port[] = [];
    for (const port of client.getPorts()) {
      try {
        const cached = this.#ports.get(port);
        const name = port.name;
        let details: Details | null;
        if (!cached || cached.name !== name || detailsStale)
          details = this.#readDetails(port, name);
        else if (latencyStale) details = this.#rereadLatency(port, cached.details);
        else details = cached.details;
        if (!details) continue;
        const entry = this.#portEntry(port, name, details, cached, metadataStale);
        nextCache.set(port, entry);
        state.ports.set(name, entry.info);
        if (port.isOutput) outputs.push(port);
        if (!state.clients.has(details.client)) {
          const info = this.#clientInfo(details.client, metadataStale);
          if (info) state.clients.set(info.name, info);
        }
      } catch (error) {
        if (isSessionError(error)) throw error;
        // Any other failure concerns this one port, which is most likely gone.
      }
    }
    this.#ports = nextCache;

    for (const source of outputs) {
      const sourceName = source.name;
      let connected: Port[];
      try {
        connected = client.getAllConnections(source);
      } catch (error) {
        if (isSessionError(error)) throw error;
        continue;
      }
      for (const other of connected) {
        const destination = other.name;
        const info = state.ports.get(destination);
        if (info?.direction !== 'input') continue;
        const connection: Connection = { source: sourceName, destination };
        state.connections.set(connectionKey(connection), connection);
      }
    }
    return state;
  }

  // Everything about a port that needs a call into JACK, or null when the port
  // vanished while we read it.
  #readDetails(port: Port, name: string): Details | null {
    const jackShortName = port.shortname;
    const client = this.#owner(name, jackShortName);
    // Where the owner had to be corrected (see #owner), so has the short name.
    const shortName = name.startsWith(`${client}:`) ? name.slice(client.length + 1) : jackShortName;
    const details: Details = {
      shortName,
      client,
      aliases: port.aliases,
      uuid: port.uuid,
      capture: port.getLatencyRange('capture'),
      playback: port.getLatencyRange('playback'),
    };
    // A handle stays readable after its port is unregistered (JACK reuses the
    // slot), so confirm that the name still leads to this very port.
    try {
      if (this.#client.getPortByName(name) !== port) return null;
    } catch (error) {
      if (isSessionError(error)) throw error;
      return null;
    }
    return details;
  }

  #rereadLatency(port: Port, details: Details): Details {
    const capture = port.getLatencyRange('capture');
    const playback = port.getLatencyRange('playback');
    if (sameRange(capture, details.capture) && sameRange(playback, details.playback))
      return details;
    return { ...details, capture, playback };
  }

  #portEntry(
    port: Port,
    name: string,
    details: Details,
    cached: CachedPort | undefined,
    metadataStale: boolean,
  ): CachedPort {
    if (cached && cached.name === name && cached.details === details && !metadataStale)
      return cached;
    const info: PortInfo = {
      name,
      client: details.client,
      shortName: details.shortName,
      type: portType(port.type),
      typeString: port.type,
      direction: port.isInput ? 'input' : 'output',
      isPhysical: port.isPhysical,
      isTerminal: port.isTerminal,
      canMonitor: port.canMonitor,
      flags: port.flags,
      aliases: details.aliases,
      prettyName: this.#prettyNames.get(details.uuid) ?? null,
      uuid: details.uuid,
      latency: { capture: details.capture, playback: details.playback },
    };
    // Keep the old object when nothing changed, so diffing is an identity check.
    const unchanged = cached && JSON.stringify(cached.info) === JSON.stringify(info);
    return { name, details, info: unchanged ? cached.info : info };
  }

  // The owning client of a port. The full name is never split on ':' alone
  // (PipeWire client names contain ':'): JACK gives the short name, and the
  // client is the full name minus ':' + short name at its end. JACK2's
  // jack_port_short_name returns everything after the FIRST ':', which is wrong
  // when the client name itself has one, so the candidate is confirmed to be a
  // client that JACK knows; failing that, the longest prefix that is one wins.
  #owner(name: string, shortName: string): string {
    const primary = name.endsWith(`:${shortName}`)
      ? name.slice(0, name.length - shortName.length - 1)
      : null;
    if (primary !== null && this.#uuidOf(primary) !== null) return primary;
    for (let i = name.lastIndexOf(':'); i > 0; i = name.lastIndexOf(':', i - 1)) {
      const candidate = name.slice(0, i);
      if (candidate !== primary && this.#uuidOf(candidate) !== null) return candidate;
    }
    return primary ?? name;
  }

  #uuidOf(clientName: string): string | null {
    let cached = this.#clients.get(clientName);
    if (!cached) {
      let uuid: string | null = null;
      try {
        uuid = this.#client.getUuidForClientName(clientName);
      } catch (error) {
        if (isSessionError(error)) throw error;
      }
      cached = { uuid, info: null };
      this.#clients.set(clientName, cached);
    }
    return cached.uuid;
  }

  #clientInfo(name: string, metadataStale: boolean): ClientInfo | null {
    const uuid = this.#uuidOf(name);
    const cached = this.#clients.get(name);
    if (!cached) return null;
    if (cached.info && !metadataStale) return cached.info;
    const info: ClientInfo = {
      name,
      prettyName: uuid === null ? null : (this.#prettyNames.get(uuid) ?? null),
      uuid,
    };
    const unchanged =
      cached.info && cached.info.prettyName === info.prettyName && cached.info.uuid === info.uuid;
    cached.info = unchanged ? cached.info : info;
    return cached.info;
  }

  // Every pretty name in one call, or null when the metadata store failed.
  #readPrettyNames(): Map<string, string> | null {
    const names = new Map<string, string>();
    let all: ReturnType<typeof getAllProperties>;
    try {
      all = getAllProperties();
    } catch (error) {
      if (isSessionError(error)) throw error;
      // A libjack without metadata has no pretty names; that is not a broken graph.
      if (error instanceof JackError && error.kind === 'unsupported') return names;
      return null;
    }
    for (const [subject, properties] of Object.entries(all)) {
      const pretty = properties[METADATA_PRETTY_NAME];
      if (pretty) names.set(subject, decodeText(pretty.value));
    }
    return names;
  }
}
