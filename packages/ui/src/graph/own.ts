// Jackbay's own JACK client (the service's, which carries the meter probes)
// is not the person's content: by default the graph, the counts and the
// connection lists leave it out.
import type { GraphPatch } from '@jackbay/core/contract';
import type { Graph } from '@jackbay/core/patch';

/** `graph` without `client`'s ports and their connections; the same object when it has none. */
export function withoutClient(graph: Graph, client: string | null): Graph {
  if (client === null) return graph;
  const gone = new Set<string>();
  for (const port of graph.ports.values()) if (port.client === client) gone.add(port.name);
  if (gone.size === 0 && !graph.clients.has(client)) return graph;
  const clients = new Map(graph.clients);
  clients.delete(client);
  const ports = new Map([...graph.ports].filter(([name]) => !gone.has(name)));
  const connections = new Map(
    [...graph.connections].filter(([, c]) => !gone.has(c.source) && !gone.has(c.destination)),
  );
  return { clients, ports, connections };
}

/**
 * Whether `patch` changes only `client`'s ports and their connections (its
 * probes coming, going and following what they meter): then what is shown
 * without that client stays as it is.
 */
export function onlyTouches(patch: GraphPatch, before: Graph, client: string | null): boolean {
  if (client === null) return false;
  const prefix = `${client}:`;
  // A port's name starts with its client's name and a colon; a removed port is
  // also looked up, in case a name with a colon of its own makes that ambiguous.
  const own = (name: string) =>
    before.ports.get(name)?.client === client || name.startsWith(prefix);
  return (
    patch.clientsUpserted.every((c) => c.name === client) &&
    patch.clientsRemoved.every((name) => name === client) &&
    patch.portsUpserted.every((p) => p.client === client) &&
    patch.portsRemoved.every((name) => before.ports.get(name)?.client === client) &&
    patch.connectionsAdded.every((c) => own(c.source) || own(c.destination)) &&
    patch.connectionsRemoved.every((c) => own(c.source) || own(c.destination))
  );
}
