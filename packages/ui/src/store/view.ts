// What React Flow draws: nodes and edges derived from the graph, the search,
// what is hidden or collapsed (hiding.ts), the level of detail the zoom asks
// for (graph/detail.ts) and the positions of boxes, plus the search itself and the camera's "fit"
// requests. Every change of those inputs goes through `derive`, so the
// drawing can never disagree with them.
import { applyEdgeChanges, type EdgeChange } from '@xyflow/react';
import { createBoxBuilder } from '../graph/boxes';
import { withGhosts } from '../graph/ghosts';
import { hiddenLinks, withoutHidden } from '../graph/hidden';
import { type Matcher, parseSearch, visibleItems } from '../graph/search';
import {
  type BoxNode,
  buildEdges,
  buildNodes,
  foldedBoxes,
  newViewCache,
  type PortEdge,
} from '../graph/view';
import type { Slice, State } from './store';

/** What the drawing follows from. */
export type ViewInputs = Pick<
  State,
  | 'graph'
  | 'ghosts'
  | 'matcher'
  | 'positions'
  | 'pinned'
  | 'hiddenClients'
  | 'hiddenTypes'
  | 'collapsed'
  | 'summary'
>;

export interface ViewSlice {
  search: string;
  matcher: Matcher;
  nodes: BoxNode[];
  edges: PortEdge[];
  /** Zoomed out: every box drawn as its summary (graph/detail.ts). Never saved. */
  summary: boolean;
  /** The boxes drawn with their connections at the header: collapsed, or all while summarised. */
  folded: ReadonlySet<string>;
  /** Goes up by one whenever the view should fit the whole graph. */
  fitRequest: number;
  /** Level meters beside audio ports (the toolbar's toggle). */
  metersOn: boolean;
  /** Clients whose meters are switched off (each box header's toggle). */
  metersOff: ReadonlySet<string>;
  /** Show Jackbay's own client (its meter probes) like any other. */
  showOwnClient: boolean;

  setSearch(text: string): void;
  /** Follows the zoom (GraphView): a view change only, neither saved nor undoable. */
  setSummary(on: boolean): void;
  onEdgesChange(changes: EdgeChange<PortEdge>[]): void;
  requestFit(): void;
  setMetersOn(on: boolean): void;
  setClientMeters(client: string, on: boolean): void;
  setShowOwnClient(show: boolean): void;
  /**
   * The state after some inputs change (for the other slices): the changed
   * inputs, where every box now is, and the nodes and edges to draw.
   */
  derive(change: Partial<ViewInputs>): Partial<State>;
}

export const createViewSlice: Slice<ViewSlice> = (set, get) => {
  const cache = newViewCache();
  const boxesOf = createBoxBuilder();
  return {
    search: '',
    matcher: parseSearch(''),
    nodes: [],
    edges: [],
    summary: false,
    folded: new Set(),
    fitRequest: 0,
    metersOn: true,
    metersOff: new Set(),
    showOwnClient: false,

    setSearch(text) {
      set({ search: text, ...get().derive({ matcher: parseSearch(text) }) });
    },

    setSummary(on) {
      if (get().summary !== on) set(get().derive({ summary: on }));
    },

    onEdgesChange(changes) {
      // Edges change only through the server: selection is all React Flow may change here.
      const select = changes.filter((c) => c.type === 'select');
      if (select.length > 0) set({ edges: applyEdgeChanges(select, get().edges) });
    },

    requestFit() {
      set({ fitRequest: get().fitRequest + 1 });
    },

    setMetersOn(on) {
      set({ metersOn: on });
    },

    setClientMeters(client, on) {
      const metersOff = new Set(get().metersOff);
      if (on) metersOff.delete(client);
      else metersOff.add(client);
      set({ metersOff });
    },

    setShowOwnClient(show) {
      set({ showOwnClient: show });
      const s = get();
      const graph = s.visibleGraph(s.serverGraph);
      if (graph !== s.graph) set(s.derive({ graph }));
    },

    derive(change) {
      const s = get();
      const next = { ...s, ...change };
      const { graph: live, ghosts, matcher, positions: current, pinned, collapsed, summary } = next;
      // Clients that went away are drawn too, dimmed, where they were.
      const drawn = withGhosts(live, ghosts);
      const graph = drawn.graph;
      // Every box keeps its place while hidden, filtered out or collapsed:
      // shown again, it is where it was and covers nothing.
      const all = boxesOf(graph);
      const positions = s.placeBoxes(all, graph, current, pinned);
      const hidden = { clients: next.hiddenClients, types: next.hiddenTypes };
      const visible = withoutHidden(graph, visibleItems(graph, matcher), hidden);
      const shown = visible ? boxesOf(graph, visible) : all;
      const marks = {
        ghosts: drawn.clients,
        collapsed,
        summary,
        hidden: hiddenLinks(graph, hidden, shown),
      };
      const folded = foldedBoxes(shown, collapsed, summary);
      return {
        ...change,
        positions,
        folded,
        nodes: buildNodes(shown, positions, graph, s.nodes, cache, marks),
        edges: buildEdges(shown, graph, s.edges, drawn.connections, folded),
      };
    },
  };
};
