// Graph states, the patches between two of them, and applying a patch.
// Pure code without Node or JACK, so a renderer may import it as well.
import type { ClientInfo, Connection, GraphPatch, GraphSnapshot, PortInfo } from './contract.js';

/** A graph keyed for diffing: clients and ports by name, connections by connectionKey. */
export interface GraphState {
  clients: Map<string, ClientInfo>;
  ports: Map<string, PortInfo>;
  connections: Map<string, Connection>;
}

// NUL cannot occur in a JACK name (they are C strings), so the key is unambiguous.
export function connectionKey(connection: Connection): string {
  return `${connection.source}\u0000${connection.destination}`;
}

export function emptyState(): GraphState {
  return { clients: new Map(), ports: new Map(), connections: new Map() };
}

export function stateFromSnapshot(snapshot: GraphSnapshot): GraphState {
  return {
    clients: new Map(snapshot.clients.map((client) => [client.name, client])),
    ports: new Map(snapshot.ports.map((port) => [port.name, port])),
    connections: new Map(snapshot.connections.map((c) => [connectionKey(c), c])),
  };
}

export function snapshotFromState(state: GraphState): GraphSnapshot {
  return {
    clients: [...state.clients.values()],
    ports: [...state.ports.values()],
    connections: [...state.connections.values()],
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
export function diffStates(prev: GraphState, next: GraphState): GraphPatch {
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
 * Applies a patch to a snapshot: removals first, then additions and updates.
 * Upserts replace items in place; new items go to the end. Applying a patch
 * twice, or a patch whose changes a snapshot already has, changes nothing.
 */
export function applyPatch(snapshot: GraphSnapshot, patch: GraphPatch): GraphSnapshot {
  const state = stateFromSnapshot(snapshot);
  for (const connection of patch.connectionsRemoved)
    state.connections.delete(connectionKey(connection));
  for (const name of patch.portsRemoved) state.ports.delete(name);
  for (const name of patch.clientsRemoved) state.clients.delete(name);
  for (const client of patch.clientsUpserted) state.clients.set(client.name, client);
  for (const port of patch.portsUpserted) state.ports.set(port.name, port);
  for (const connection of patch.connectionsAdded)
    state.connections.set(connectionKey(connection), connection);
  return snapshotFromState(state);
}

export type { ClientInfo, Connection, GraphPatch, GraphSnapshot, PortInfo };
