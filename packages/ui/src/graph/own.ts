// Jackbay's own JACK client (the service's, which carries the meter probes)
// is not the person's content: by default the graph, the counts and the
// connection lists leave it out.
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
