// The JACK graph as the service reports it (a snapshot, then patches), and
// the requests that change it. A request's success changes nothing here: the
// patch the service sends when JACK has made the change does.
import type { Connection, GraphPatch, GraphSnapshot } from '@jackbay/core/contract';
import {
  applyPatch,
  connectionKey,
  emptyGraph,
  type Graph,
  graphFromSnapshot,
  peersOf,
} from '@jackbay/core/patch';
import { toRequestError } from '../api/errors';
import { onlyTouches, withoutClient } from '../graph/own';
import { planConnect, planDisconnect } from '../graph/validate';
import { edgeLabel } from '../graph/view';
import { connectionsEntry } from './history';
import { attempt, mayRequest } from './link';
import type { Slice } from './store';

export interface GraphSlice {
  /** The graph as the service reports it, Jackbay's own client included. */
  serverGraph: Graph;
  /** What the person sees and patches: serverGraph, without Jackbay's own client unless shown. */
  graph: Graph;
  /** A snapshot has arrived since the server last came up. */
  graphLoaded: boolean;

  loadSnapshot(snapshot: GraphSnapshot): void;
  applyPatch(patch: GraphPatch): void;
  /** `graph` for this server graph, with the own client hidden or shown as set. */
  visibleGraph(serverGraph: Graph): Graph;
  /** Empties the graph when the server goes down (for the link slice). */
  unloadGraph(): void;
  connect(from: readonly string[], to: readonly string[]): Promise<boolean>;
  disconnect(connections: readonly Connection[]): Promise<boolean>;
  /** Removes every connection of these ports (one undo step). */
  disconnectAll(ports: readonly string[]): Promise<boolean>;
  /** Connects, or if every connection exists already, disconnects (the dialog's Enter). */
  toggle(from: readonly string[], to: readonly string[]): Promise<boolean>;
}

export const createGraphSlice: Slice<GraphSlice> = (set, get) => {
  // Sends them all; what was done is one step of the history.
  const sendAll = async (method: 'connect' | 'disconnect', list: readonly Connection[]) => {
    const api = get().api;
    if (!mayRequest(get) || !api) return false;
    const results = await Promise.allSettled(list.map((c) => api.request(method, c)));
    const done: Connection[] = [];
    results.forEach((r, i) => {
      const c = list[i] as Connection;
      if (r.status === 'fulfilled') {
        done.push(c);
        return;
      }
      get().notify(
        'error',
        `Could not ${method} ${edgeLabel(c)}: ${toRequestError(r.reason).message}`,
      );
    });
    if (done.length > 0) get().record(connectionsEntry(method, done));
    return done.length === list.length;
  };

  return {
    serverGraph: emptyGraph,
    graph: emptyGraph,
    graphLoaded: false,

    loadSnapshot(snapshot) {
      const serverGraph = graphFromSnapshot(snapshot);
      const s = get();
      const first = !s.graphLoaded || s.nodes.length === 0;
      set({
        graphLoaded: true,
        serverGraph,
        ...s.derive({ graph: s.visibleGraph(serverGraph) }),
        ...(first ? { fitRequest: s.fitRequest + 1 } : {}),
      });
    },

    applyPatch(patch) {
      const s = get();
      const serverGraph = applyPatch(s.serverGraph, patch);
      if (serverGraph === s.serverGraph) return;
      if (!s.showOwnClient && onlyTouches(patch, s.serverGraph, s.status?.ownClient ?? null)) {
        set({ serverGraph });
        return;
      }
      const graph = s.visibleGraph(serverGraph);
      if (graph === s.graph) set({ serverGraph });
      else set({ serverGraph, ...s.derive({ graph }) });
    },

    visibleGraph(serverGraph) {
      const s = get();
      return s.showOwnClient
        ? serverGraph
        : withoutClient(serverGraph, s.status?.ownClient ?? null);
    },

    unloadGraph() {
      // Nothing on screen may pretend to be patchable while no server runs.
      set({
        graphLoaded: false,
        details: null,
        dialog: null,
        serverGraph: emptyGraph,
        ...get().derive({ graph: emptyGraph }),
      });
    },

    async connect(from, to) {
      const plan = planConnect(get().graph, from, to);
      if (!plan.ok) {
        get().notify(plan.code === 'already-connected' ? 'info' : 'error', plan.reason);
        return false;
      }
      return sendAll('connect', plan.connections);
    },

    async disconnect(connections) {
      if (connections.length === 0) return true;
      return sendAll('disconnect', connections);
    },

    async disconnectAll(ports) {
      const api = get().api;
      if (!mayRequest(get) || !api) return false;
      // What undo makes again: the connections drawn now (Jackbay's own probes are not).
      const graph = get().graph;
      const removed = new Map<string, Connection>();
      const results = await Promise.all(
        ports.map(async (port) => {
          const info = graph.ports.get(port);
          const connections = peersOf(graph, port).map((peer) =>
            info?.direction === 'input'
              ? { source: peer, destination: port }
              : { source: port, destination: peer },
          );
          const done = await attempt(get, `Could not disconnect ${port}`, () =>
            api.request('disconnectAll', { port }).then(() => true),
          );
          if (done) for (const c of connections) removed.set(connectionKey(c), c);
          return done === true;
        }),
      );
      if (removed.size > 0) get().record(connectionsEntry('disconnect', [...removed.values()]));
      return results.every(Boolean);
    },

    async toggle(from, to) {
      const connect = planConnect(get().graph, from, to);
      if (connect.ok) return sendAll('connect', connect.connections);
      if (connect.code !== 'already-connected') {
        get().notify('error', connect.reason);
        return false;
      }
      const disconnect = planDisconnect(get().graph, from, to);
      return disconnect.ok ? sendAll('disconnect', disconnect.connections) : false;
    },
  };
};
