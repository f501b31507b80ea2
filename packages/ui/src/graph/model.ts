// The graph as the renderer holds it: the service's snapshot plus the patches
// that followed, in immutable maps so React can compare by identity.
import type {
  ClientInfo,
  Connection,
  GraphPatch,
  GraphSnapshot,
  PortInfo,
} from '@jackbay/core/contract';
import { connectionKey, isEmptyPatch } from '@jackbay/core/patch';

export interface Graph {
  readonly clients: ReadonlyMap<string, ClientInfo>;
  /** In JACK's order (registration order), which is the order ports are drawn in. */
  readonly ports: ReadonlyMap<string, PortInfo>;
  readonly connections: ReadonlyMap<string, Connection>;
}

export const emptyGraph: Graph = { clients: new Map(), ports: new Map(), connections: new Map() };

// One key and one emptiness test for the service and the renderer.
export { connectionKey };

export function graphFromSnapshot(snapshot: GraphSnapshot): Graph {
  return {
    clients: new Map(snapshot.clients.map((c) => [c.name, c])),
    ports: new Map(snapshot.ports.map((p) => [p.name, p])),
    connections: new Map(snapshot.connections.map((c) => [connectionKey(c), c])),
  };
}

/**
 * Applies one patch. Removals go first, so an item removed and re-added in the
 * same coalesced patch ends up present. A removed client takes the ports it
 * still owned with it, and connections whose ends are gone are dropped: the
 * service sends both, but a renderer that trusted it blindly would draw
 * dangling edges after one lost message.
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
