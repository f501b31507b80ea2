// Clients that went away, drawn where they were: the live graph with the
// service's ghosts (restore.ts) added — each ghost client that is not live
// again, its ports as last seen, and the remembered connections that lead to
// it. Pure: the view derives what it draws from it.
import { connectionKey, type Graph } from '@jackbay/core/patch';

export interface WithGhosts {
  graph: Graph;
  /** Ghost clients drawn (not live). */
  clients: ReadonlySet<string>;
  /** Keys (connectionKey) of the ghost connections drawn. */
  connections: ReadonlySet<string>;
}

const none: ReadonlySet<string> = new Set();

export function withGhosts(live: Graph, ghosts: Graph): WithGhosts {
  if (ghosts.clients.size === 0) return { graph: live, clients: none, connections: none };
  const clients = new Map(live.clients);
  const ghostClients = new Set<string>();
  for (const client of ghosts.clients.values()) {
    if (clients.has(client.name)) continue;
    clients.set(client.name, client);
    ghostClients.add(client.name);
  }
  if (ghostClients.size === 0) return { graph: live, clients: none, connections: none };
  const ports = new Map(live.ports);
  for (const port of ghosts.ports.values())
    if (ghostClients.has(port.client) && !ports.has(port.name)) ports.set(port.name, port);
  const connections = new Map(live.connections);
  const ghostConnections = new Set<string>();
  for (const connection of ghosts.connections.values()) {
    const key = connectionKey(connection);
    if (connections.has(key) || !ports.has(connection.source) || !ports.has(connection.destination))
      continue;
    connections.set(key, connection);
    ghostConnections.add(key);
  }
  return {
    graph: { clients, ports, connections },
    clients: ghostClients,
    connections: ghostConnections,
  };
}
