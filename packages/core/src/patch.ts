// The graph model: a graph keyed by name, the patch between two graphs, and
// applying a patch. The service diffs what it reads into patches, and every
// follower of the patch stream (the renderer, the tests' mirror) applies them
// with the same applyPatch. Pure code without Node or JACK, so a renderer may
// import it as '@jackbay/core/patch'.
import type { ClientInfo, Connection, GraphPatch, GraphSnapshot, PortInfo } from './contract.js';

/**
 * Clients and ports by name, connections by connectionKey. Immutable: a patch
 * makes a new graph, so a renderer can compare by identity.
 */
export interface Graph {
  readonly clients: ReadonlyMap<string, ClientInfo>;
  /** In JACK's order (registration order), which is the order ports are drawn in. */
  readonly ports: ReadonlyMap<string, PortInfo>;
  readonly connections: ReadonlyMap<string, Connection>;
}

export const emptyGraph: Graph = { clients: new Map(), ports: new Map(), connections: new Map() };

// NUL cannot occur in a JACK name (they are C strings), so the key is unambiguous.
export function connectionKey(connection: Connection): string {
  return `${connection.source}\u0000${connection.destination}`;
}

export function graphFromSnapshot(snapshot: GraphSnapshot): Graph {
  return {
    clients: new Map(snapshot.clients.map((client) => [client.name, client])),
    ports: new Map(snapshot.ports.map((port) => [port.name, port])),
    connections: new Map(snapshot.connections.map((c) => [connectionKey(c), c])),
  };
}

export function snapshotFromGraph(graph: Graph): GraphSnapshot {
  return {
    clients: [...graph.clients.values()],
    ports: [...graph.ports.values()],
    connections: [...graph.connections.values()],
  };
}

// Values are plain JSON built in a fixed key order, so equal JSON means equal values.
// The reader reuses unchanged objects, which makes the identity check the usual path.
function same<T>(a: T, b: T): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export function isEmptyPatch(patch: GraphPatch): boolean {
  return (
    patch.clientsUpserted.length === 0 &&
    patch.clientsRemoved.length === 0 &&
    patch.portsUpserted.length === 0 &&
    patch.portsRemoved.length === 0 &&
    patch.connectionsAdded.length === 0 &&
    patch.connectionsRemoved.length === 0
  );
}

/** The patch that turns `prev` into `next`. */
export function diffGraphs(prev: Graph, next: Graph): GraphPatch {
  const patch: GraphPatch = {
    clientsUpserted: [],
    clientsRemoved: [],
    portsUpserted: [],
    portsRemoved: [],
    connectionsAdded: [],
    connectionsRemoved: [],
  };
  for (const [name, client] of next.clients) {
    const old = prev.clients.get(name);
    if (!old || !same(old, client)) patch.clientsUpserted.push(client);
  }
  for (const name of prev.clients.keys())
    if (!next.clients.has(name)) patch.clientsRemoved.push(name);
  for (const [name, port] of next.ports) {
    const old = prev.ports.get(name);
    if (!old || !same(old, port)) patch.portsUpserted.push(port);
  }
  for (const name of prev.ports.keys()) if (!next.ports.has(name)) patch.portsRemoved.push(name);
  for (const [key, connection] of next.connections)
    if (!prev.connections.has(key)) patch.connectionsAdded.push(connection);
  for (const [key, connection] of prev.connections)
    if (!next.connections.has(key)) patch.connectionsRemoved.push(connection);
  return patch;
}

/**
 * Applies one patch. Removals go first, so an item removed and re-added in the
 * same coalesced patch ends up present; upserts replace items in place and new
 * items go to the end. A removed client takes the ports it still owned with
 * it, and connections whose ends are gone are dropped: the service sends both,
 * but a follower that trusted it blindly would keep dangling edges after one
 * lost message. Applying a patch twice changes nothing the second time, and
 * an empty patch returns the same graph.
 */
export function applyPatch(graph: Graph, patch: GraphPatch): Graph {
  if (isEmptyPatch(patch)) return graph;
  const clients = new Map(graph.clients);
  const ports = new Map(graph.ports);
  const connections = new Map(graph.connections);

  const removedClients = new Set(patch.clientsRemoved);
  for (const name of removedClients) clients.delete(name);
  for (const name of patch.portsRemoved) ports.delete(name);
  if (removedClients.size > 0) {
    const reAdded = new Set(patch.portsUpserted.map((p) => p.name));
    for (const [name, port] of ports)
      if (removedClients.has(port.client) && !reAdded.has(name)) ports.delete(name);
  }
  for (const c of patch.connectionsRemoved) connections.delete(connectionKey(c));

  for (const c of patch.clientsUpserted) clients.set(c.name, c);
  for (const p of patch.portsUpserted) ports.set(p.name, p);
  for (const c of patch.connectionsAdded) connections.set(connectionKey(c), c);

  if (patch.portsRemoved.length > 0 || removedClients.size > 0)
    for (const [key, c] of connections)
      if (!ports.has(c.source) || !ports.has(c.destination)) connections.delete(key);

  return { clients, ports, connections };
}

/** Connection count per port, for filled markers and the details panel. */
export function connectionCounts(graph: Graph): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of graph.connections.values()) {
    counts.set(c.source, (counts.get(c.source) ?? 0) + 1);
    counts.set(c.destination, (counts.get(c.destination) ?? 0) + 1);
  }
  return counts;
}

/** The ports at the other end of every connection of `port`. */
export function peersOf(graph: Graph, port: string): string[] {
  const peers: string[] = [];
  for (const c of graph.connections.values()) {
    if (c.source === port) peers.push(c.destination);
    else if (c.destination === port) peers.push(c.source);
  }
  return peers;
}

export function isConnected(graph: Graph, source: string, destination: string): boolean {
  return graph.connections.has(connectionKey({ source, destination }));
}

export type { ClientInfo, Connection, GraphPatch, GraphSnapshot, PortInfo };
