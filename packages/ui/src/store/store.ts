// The renderer's state: the graph (snapshot + patches), server status, what
// React Flow draws, search, selection-adjacent UI state, and the positions of
// boxes. Actions live here too, so components only select and call.
import type { Connection, GraphPatch, GraphSnapshot, ServerStatus } from '@jackbay/core/contract';
import { applyPatch, emptyGraph, type Graph, graphFromSnapshot } from '@jackbay/core/patch';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { create } from 'zustand';
import { toRequestError } from '../api/errors';
import type { JackbayTransport, LinkState } from '../api/ws';
import { type Box, buildBoxes, createBoxBuilder } from '../graph/boxes';
import { arrange as arrangeAll, place, type XY } from '../graph/layout';
import { type Matcher, parseSearch, visibleItems } from '../graph/search';
import { planConnect, planDisconnect } from '../graph/validate';
import {
  type BoxNode,
  buildEdges,
  buildNodes,
  edgeLabel,
  newViewCache,
  type PortEdge,
} from '../graph/view';
import { type KeyValueStorage, loadPinned, savePinned } from './positions';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface Anchor {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** DSP load samples kept for the sparkline (about 6 s at the service's 10 per second). */
export const DSP_HISTORY = 60;
const MAX_TOASTS = 4;

export type TransportAction = 'play' | 'stop' | 'rewind';

export interface State {
  api: JackbayTransport | null;
  link: LinkState;
  graph: Graph;
  /** A snapshot has arrived since the server last came up. */
  graphLoaded: boolean;
  status: ServerStatus | null;
  dspHistory: number[];
  /** Goes up by one for every status that reports new xruns (restarts the flash). */
  xrunFlash: number;
  search: string;
  matcher: Matcher;
  nodes: BoxNode[];
  edges: PortEdge[];
  /** Where every box is now. */
  positions: ReadonlyMap<string, XY>;
  /** Where a person put boxes; persisted. */
  pinned: ReadonlyMap<string, XY>;
  /** Goes up by one whenever the view should fit the whole graph. */
  fitRequest: number;
  details: { port: string; anchor: Anchor } | null;
  /** The keyboard patching dialog, opened on one port or a pair. */
  dialog: { from: string[] } | null;
  toasts: Toast[];

  attach(api: JackbayTransport): () => void;
  refresh(): Promise<void>;
  loadSnapshot(snapshot: GraphSnapshot): void;
  applyPatch(patch: GraphPatch): void;
  setStatus(status: ServerStatus): void;
  setSearch(text: string): void;
  onNodesChange(changes: NodeChange<BoxNode>[]): void;
  onEdgesChange(changes: EdgeChange<PortEdge>[]): void;
  arrange(): void;
  requestFit(): void;
  connect(from: readonly string[], to: readonly string[]): Promise<boolean>;
  disconnect(connections: readonly Connection[]): Promise<boolean>;
  /** Removes every connection of one port. */
  disconnectAll(port: string): Promise<boolean>;
  /** Connects, or if every connection exists already, disconnects (the dialog's Enter). */
  toggle(from: readonly string[], to: readonly string[]): Promise<boolean>;
  transport(action: TransportAction): Promise<void>;
  notify(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  showDetails(port: string, anchor: Anchor): void;
  hideDetails(port?: string): void;
  openDialog(from: readonly string[]): void;
  closeDialog(): void;
}

export interface StoreOptions {
  /** Where moved positions persist (localStorage in the app); null keeps them in memory. */
  storage?: KeyValueStorage | null;
}

export function createJackbayStore(options: StoreOptions = {}) {
  const storage = options.storage ?? null;
  const cache = newViewCache();
  const boxesOf = createBoxBuilder();
  // The last layout: reused while the boxes keep their sizes and nobody moved
  // anything, which is most patches (connections coming and going).
  let lastLayout: {
    key: string;
    positions: ReadonlyMap<string, XY>;
    pinned: ReadonlyMap<string, XY>;
  } | null = null;
  let toastId = 0;

  const layoutKey = (boxes: readonly Box[]) =>
    boxes.map((b) => `${b.id}\u0000${b.width}\u0000${b.height}`).join('\u0001');

  return create<State>()((set, get) => {
    // Everything React Flow draws follows from graph, search and positions.
    const rebuild = (
      graph: Graph,
      matcher: Matcher,
      current: ReadonlyMap<string, XY>,
      pinned: ReadonlyMap<string, XY>,
    ): Pick<State, 'nodes' | 'edges' | 'positions'> => {
      const all = boxesOf(graph);
      const key = layoutKey(all);
      let positions: ReadonlyMap<string, XY>;
      if (
        lastLayout &&
        lastLayout.key === key &&
        lastLayout.positions === current &&
        lastLayout.pinned === pinned
      )
        positions = current;
      else {
        // The first graph gets a full arrangement; later ones only place what is new.
        const start = current.size === 0 ? arrangeAll(all, graph) : current;
        positions = place(all, graph, start, pinned);
        lastLayout = { key, positions, pinned };
      }
      const visible = visibleItems(graph, matcher);
      const shown = visible ? boxesOf(graph, visible) : all;
      const s = get();
      return {
        positions,
        nodes: buildNodes(shown, positions, graph, s?.nodes ?? [], cache),
        edges: buildEdges(shown, graph, s?.edges ?? []),
      };
    };

    const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await run();
      } catch (e) {
        const err = toRequestError(e);
        get().notify('error', `${what}: ${err.message}`);
        return undefined;
      }
    };

    const sendAll = async (method: 'connect' | 'disconnect', list: readonly Connection[]) => {
      const api = get().api;
      if (!api) {
        get().notify('error', 'Not connected to the Jackbay service.');
        return false;
      }
      const results = await Promise.allSettled(list.map((c) => api.request(method, c)));
      let ok = true;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') return;
        ok = false;
        const c = list[i] as Connection;
        const verb = method === 'connect' ? 'connect' : 'disconnect';
        get().notify(
          'error',
          `Could not ${verb} ${edgeLabel(c)}: ${toRequestError(r.reason).message}`,
        );
      });
      return ok;
    };

    const pinned = loadPinned(storage);

    return {
      api: null,
      link: 'connecting',
      graph: emptyGraph,
      graphLoaded: false,
      status: null,
      dspHistory: [],
      xrunFlash: 0,
      search: '',
      matcher: parseSearch(''),
      nodes: [],
      edges: [],
      positions: new Map(),
      pinned,
      fitRequest: 0,
      details: null,
      dialog: null,
      toasts: [],

      attach(api) {
        set({ api });
        const offs = [
          api.subscribe('graphPatch', (p) => get().applyPatch(p)),
          api.subscribe('status', (s) => get().setStatus(s)),
        ];
        if (api.onLinkChange)
          offs.push(
            api.onLinkChange((link) => {
              // A retry after a loss is still "lost" until it succeeds: no flicker.
              set({ link: link === 'connecting' && get().link === 'closed' ? 'closed' : link });
              if (link === 'open') void get().refresh();
            }),
          );
        else {
          set({ link: 'open' });
          void get().refresh();
        }
        return () => {
          for (const off of offs) off();
          set({ api: null });
        };
      },

      async refresh() {
        const api = get().api;
        if (!api) return;
        try {
          const status = await api.request('getStatus', {});
          get().setStatus(status);
          if (status.server === 'down') return;
          get().loadSnapshot(await api.request('getSnapshot', {}));
        } catch (e) {
          const err = toRequestError(e);
          // The server went away between the two requests: the status event says so.
          if (err.code !== 'server-down')
            get().notify('error', `Could not load the graph: ${err.message}`);
        }
      },

      loadSnapshot(snapshot) {
        const graph = graphFromSnapshot(snapshot);
        const s = get();
        const first = !s.graphLoaded || s.nodes.length === 0;
        set({
          graph,
          graphLoaded: true,
          ...rebuild(graph, s.matcher, s.positions, s.pinned),
          ...(first ? { fitRequest: s.fitRequest + 1 } : {}),
        });
      },

      applyPatch(patch) {
        const s = get();
        const graph = applyPatch(s.graph, patch);
        if (graph === s.graph) return;
        set({ graph, ...rebuild(graph, s.matcher, s.positions, s.pinned) });
      },

      setStatus(status) {
        const prev = get().status;
        const dspHistory = [...get().dspHistory, status.dspLoad].slice(-DSP_HISTORY);
        const newXruns =
          prev !== null &&
          prev.server === 'up' &&
          status.server === 'up' &&
          status.xrunCount > prev.xrunCount;
        set({ status, dspHistory, ...(newXruns ? { xrunFlash: get().xrunFlash + 1 } : {}) });
        if (status.server === 'down' && get().graphLoaded) {
          // Nothing on screen may pretend to be patchable while no server runs.
          const s = get();
          set({
            graph: emptyGraph,
            graphLoaded: false,
            details: null,
            dialog: null,
            ...rebuild(emptyGraph, s.matcher, s.positions, s.pinned),
          });
        } else if (status.server === 'up' && prev?.server === 'down') {
          void get().refresh();
        }
      },

      setSearch(text) {
        const s = get();
        const matcher = parseSearch(text);
        set({ search: text, matcher, ...rebuild(s.graph, matcher, s.positions, s.pinned) });
      },

      onNodesChange(changes) {
        const s = get();
        let positions: Map<string, XY> | null = null;
        const dropped: string[] = [];
        for (const c of changes) {
          if (c.type !== 'position') continue;
          if (c.position) {
            positions ??= new Map(s.positions);
            positions.set(c.id, { x: c.position.x, y: c.position.y });
          }
          if (c.dragging === false) dropped.push(c.id);
        }
        const nodes = applyNodeChanges(
          changes.filter((c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace'),
          s.nodes,
        );
        if (dropped.length === 0) {
          set({ nodes, ...(positions ? { positions } : {}) });
          return;
        }
        // A drop pins the box where the person put it, and moves any box it now covers.
        const current = positions ?? s.positions;
        const pinned = new Map(s.pinned);
        for (const id of dropped) {
          const at = current.get(id);
          if (!at) continue;
          pinned.delete(id); // re-inserted last: the most recent survive the storage limit
          pinned.set(id, at);
        }
        savePinned(storage, pinned);
        set({ nodes, pinned });
        set(rebuild(s.graph, s.matcher, current, pinned));
      },

      onEdgesChange(changes) {
        // Edges change only through the server: selection is all React Flow may change here.
        const select = changes.filter((c) => c.type === 'select');
        if (select.length > 0) set({ edges: applyEdgeChanges(select, get().edges) });
      },

      arrange() {
        const s = get();
        const all = buildBoxes(s.graph);
        const positions = arrangeAll(all, s.graph);
        const pinned = new Map(s.pinned);
        for (const b of all) pinned.delete(b.id);
        savePinned(storage, pinned);
        set({
          pinned,
          ...rebuild(s.graph, s.matcher, positions, pinned),
          fitRequest: s.fitRequest + 1,
        });
      },

      requestFit() {
        set({ fitRequest: get().fitRequest + 1 });
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

      async disconnectAll(port) {
        const api = get().api;
        if (!api) return false;
        const done = await attempt(`Could not disconnect ${port}`, () =>
          api.request('disconnectAll', { port }).then(() => true),
        );
        return done === true;
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

      async transport(action) {
        const api = get().api;
        if (!api) return;
        const label = { play: 'Play', stop: 'Stop', rewind: 'Rewind' }[action];
        await attempt(`${label} failed`, () =>
          action === 'play'
            ? api.request('transportStart', {})
            : action === 'stop'
              ? api.request('transportStop', {})
              : api.request('transportLocate', { frame: 0 }),
        );
      },

      notify(kind, text) {
        const toast = { id: ++toastId, kind, text };
        set({ toasts: [...get().toasts.filter((t) => t.text !== text), toast].slice(-MAX_TOASTS) });
      },

      dismiss(id) {
        set({ toasts: get().toasts.filter((t) => t.id !== id) });
      },

      showDetails(port, anchor) {
        set({ details: { port, anchor } });
      },

      hideDetails(port) {
        const d = get().details;
        if (d && (port === undefined || d.port === port)) set({ details: null });
      },

      openDialog(from) {
        set({ dialog: { from: [...from] }, details: null });
      },

      closeDialog() {
        set({ dialog: null });
      },
    };
  });
}

export type JackbayStore = ReturnType<typeof createJackbayStore>;
