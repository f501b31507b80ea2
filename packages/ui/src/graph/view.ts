// From boxes and positions to what React Flow draws. Node data and edge
// objects are reused while what they show is unchanged, so memoised nodes do
// not re-render on every patch of a 2000-port graph.
import type { Connection, PortInfo, ThruInfo } from '@jackbay/core/contract';
import { connectionKey, type Graph } from '@jackbay/core/patch';
import type { Edge, Node } from '@xyflow/react';
import { type Box, portIndex } from './boxes';
import { BORDER, HEADER } from './geometry';
import { type BoxHiddenLinks, hiddenLinksSig } from './hidden';
import { collapsedHandleId, portHandleId } from './ids';
import type { XY } from './layout';

export interface BoxData extends Record<string, unknown> {
  box: Box;
  /** Ports of this box with at least one connection. */
  connected: ReadonlySet<string>;
  /** A client that went away, drawn as it was (the service remembers it). */
  ghost: boolean;
  /** Collapsed by a person: drawn as its title only; its connections meet at the header. */
  collapsed: boolean;
  /** Zoomed out (detail.ts): drawn as its summary; its connections meet at the header. */
  summary: boolean;
  /** Connections of the box's ports (counted while collapsed or summarised, else 0). */
  connections: number;
  /** Per side, the connections that lead to hidden ports (null: none). */
  hidden: BoxHiddenLinks | null;
}
export type BoxNode = Node<BoxData, 'client'>;

export interface EdgeData extends Record<string, unknown> {
  connection: Connection;
  type: PortInfo['type'];
  /** A thru route of Jackbay's (its id), drawn from source to destination: not a JACK connection. */
  route?: number;
  /** A remembered connection to a client that went away: re-made when it returns. */
  ghost?: boolean;
}
export type PortEdge = Edge<EdgeData>;

// Which of a box's ports have connections, as one short string: with the
// Box itself (kept by identity while its ports do not change) it decides
// whether the node's data can be reused.
function connectedSig(b: Box, connected: ReadonlySet<string>): string {
  let sig = '';
  for (const r of [...b.inputs, ...b.outputs])
    if (r.kind === 'port') sig += connected.has(r.port.name) ? '1' : '0';
    else
      sig += (connected.has(r.left.name) ? '1' : '0') + (connected.has(r.right.name) ? '1' : '0');
  return sig;
}

export interface ViewCache {
  data: Map<string, { box: Box; sig: string; data: BoxData }>;
}

/** How a box is drawn beyond its ports (all optional: none of them by default). */
export interface BoxMarks {
  /** Ghost clients (by name). */
  ghosts?: ReadonlySet<string>;
  /** Collapsed boxes (by id). */
  collapsed?: ReadonlySet<string>;
  /** Every box drawn as its summary (zoomed out). */
  summary?: boolean;
  /** Connections to hidden ports, per box id. */
  hidden?: ReadonlyMap<string, BoxHiddenLinks>;
}

const none: ReadonlySet<string> = new Set();

/** The height of a box drawn as its title only. */
export const COLLAPSED_HEIGHT = HEADER + 2 * BORDER;

// How many connections touch each collapsed box (one between two of its own ports counts once).
function collapsedCounts(
  boxes: readonly Box[],
  graph: Graph,
  collapsed: ReadonlySet<string>,
): Map<string, number> {
  const counts = new Map<string, number>();
  if (collapsed.size === 0) return counts;
  const index = portIndex(boxes.filter((b) => collapsed.has(b.id)));
  for (const c of graph.connections.values()) {
    const from = index.get(c.source)?.box.id;
    const to = index.get(c.destination)?.box.id;
    if (from) counts.set(from, (counts.get(from) ?? 0) + 1);
    if (to && to !== from) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

/** The boxes whose connections meet at their header: the collapsed ones, or all while summarised. */
export function foldedBoxes(
  boxes: readonly Box[],
  collapsed: ReadonlySet<string>,
  summary: boolean,
): ReadonlySet<string> {
  return summary ? new Set(boxes.map((b) => b.id)) : collapsed;
}

export function newViewCache(): ViewCache {
  return { data: new Map() };
}

export function buildNodes(
  boxes: readonly Box[],
  positions: ReadonlyMap<string, XY>,
  graph: Graph,
  previous: readonly BoxNode[],
  cache: ViewCache,
  marks: BoxMarks = {},
): BoxNode[] {
  const { ghosts = none, collapsed = none, summary = false, hidden } = marks;
  const counts = collapsedCounts(boxes, graph, foldedBoxes(boxes, collapsed, summary));
  const connected = new Set<string>();
  for (const c of graph.connections.values()) {
    connected.add(c.source);
    connected.add(c.destination);
  }
  const prev = new Map(previous.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const nodes: BoxNode[] = [];
  for (const box of boxes) {
    seen.add(box.id);
    const links = hidden?.get(box.id);
    const sig = `${connectedSig(box, connected)}\u0002${hiddenLinksSig(links)}`;
    const ghost = ghosts.has(box.client.name);
    const folded = collapsed.has(box.id);
    const count = counts.get(box.id) ?? 0;
    let entry = cache.data.get(box.id);
    if (
      !entry ||
      entry.box !== box ||
      entry.sig !== sig ||
      entry.data.ghost !== ghost ||
      entry.data.collapsed !== folded ||
      entry.data.summary !== summary ||
      entry.data.connections !== count
    ) {
      const mine = new Set<string>();
      for (const r of [...box.inputs, ...box.outputs])
        for (const p of r.kind === 'port' ? [r.port] : [r.left, r.right])
          if (connected.has(p.name)) mine.add(p.name);
      entry = {
        box,
        sig,
        data: {
          box,
          connected: mine,
          ghost,
          collapsed: folded,
          summary,
          connections: count,
          hidden: links ?? null,
        },
      };
      cache.data.set(box.id, entry);
    }
    const position = positions.get(box.id) ?? { x: 0, y: 0 };
    const old = prev.get(box.id);
    if (
      old &&
      old.data === entry.data &&
      old.position.x === position.x &&
      old.position.y === position.y
    ) {
      nodes.push(old);
      continue;
    }
    nodes.push({
      id: box.id,
      type: 'client',
      position,
      data: entry.data,
      deletable: false,
      // Carried over so React Flow does not hide the box until it is measured again.
      ...(old?.measured ? { measured: old.measured } : {}),
      ...(old?.selected ? { selected: true } : {}),
      width: box.width,
      height: folded ? COLLAPSED_HEIGHT : box.height,
    });
  }
  for (const id of cache.data.keys()) if (!seen.has(id)) cache.data.delete(id);
  return nodes;
}

export function edgeLabel(c: Connection): string {
  return `${c.source} → ${c.destination}`;
}

/**
 * The handle an edge meets at a port: the port's own, or while its box is
 * collapsed the header's (outputs on the right, inputs on the left).
 */
export function handleOf(
  box: Box,
  port: string,
  side: 'in' | 'out',
  collapsed: ReadonlySet<string>,
): string {
  return collapsed.has(box.id) ? collapsedHandleId(side) : portHandleId(port);
}

export function buildEdges(
  boxes: readonly Box[],
  graph: Graph,
  previous: readonly PortEdge[],
  ghosts: ReadonlySet<string> = none,
  collapsed: ReadonlySet<string> = none,
): PortEdge[] {
  const index = portIndex(boxes);
  const prev = new Map(previous.map((e) => [e.id, e]));
  const edges: PortEdge[] = [];
  for (const c of graph.connections.values()) {
    const from = index.get(c.source);
    const to = index.get(c.destination);
    if (!from || !to) continue;
    const id = connectionKey(c);
    const ghost = ghosts.has(id);
    const sourceHandle = handleOf(from.box, c.source, 'out', collapsed);
    const targetHandle = handleOf(to.box, c.destination, 'in', collapsed);
    const old = prev.get(id);
    if (
      old &&
      old.source === from.box.id &&
      old.target === to.box.id &&
      old.sourceHandle === sourceHandle &&
      old.targetHandle === targetHandle &&
      (old.data?.ghost ?? false) === ghost
    ) {
      edges.push(old);
      continue;
    }
    const type = graph.ports.get(c.source)?.type ?? 'other';
    edges.push({
      id,
      source: from.box.id,
      target: to.box.id,
      sourceHandle,
      targetHandle,
      ariaLabel: ghost ? `Remembered ${edgeLabel(c)}` : edgeLabel(c),
      className: `jb-edge jb-edge-${type}${ghost ? ' jb-edge-ghost' : ''}`,
      data: ghost ? { connection: c, type, ghost } : { connection: c, type },
      domAttributes: { 'data-source': c.source, 'data-destination': c.destination } as Record<
        string,
        string
      >,
      ...(old?.selected ? { selected: true } : {}),
    });
  }
  return edges;
}

/**
 * Jackbay's thru routes as edges from their source to their destination (the
 * own ports between are hidden), where both ends are shown.
 */
export function routeEdges(
  boxes: readonly Box[],
  thrus: readonly ThruInfo[],
  collapsed: ReadonlySet<string> = none,
): PortEdge[] {
  if (thrus.length === 0) return [];
  const index = portIndex(boxes);
  return thrus.flatMap((t): PortEdge[] => {
    const from = index.get(t.source);
    const to = index.get(t.destination);
    if (!from || !to) return [];
    const connection = { source: t.source, destination: t.destination };
    return [
      {
        id: `route:${t.id}`,
        source: from.box.id,
        target: to.box.id,
        sourceHandle: handleOf(from.box, t.source, 'out', collapsed),
        targetHandle: handleOf(to.box, t.destination, 'in', collapsed),
        ariaLabel: `Jackbay thru ${edgeLabel(connection)}`,
        className: `jb-edge jb-edge-route jb-edge-${t.type}`,
        data: { connection, type: t.type, route: t.id },
      },
    ];
  });
}
