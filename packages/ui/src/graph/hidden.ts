// What a person hid from the graph: whole clients (by name) and whole port
// types. Pure: the view slice filters with it, counts it for the toolbar's
// "N hidden" and marks the box sides whose connections lead to something hidden.
import type { PortInfo, PortType } from '@jackbay/core/contract';
import type { Graph } from '@jackbay/core/patch';
import { type Box, portIndex } from './boxes';
import type { Visible } from './search';

export interface Hidden {
  clients: ReadonlySet<string>;
  types: ReadonlySet<PortType>;
}

export const PORT_TYPES: readonly PortType[] = ['audio', 'midi', 'other'];
/** How a port type is named in a sentence ("Hide MIDI ports"). */
export const TYPE_NAMES: Record<PortType, string> = {
  audio: 'audio',
  midi: 'MIDI',
  other: 'other',
};

export function hidesNothing(h: Hidden): boolean {
  return h.clients.size === 0 && h.types.size === 0;
}

export function portHidden(h: Hidden, p: PortInfo): boolean {
  return h.clients.has(p.client) || h.types.has(p.type);
}

/**
 * What to draw once the hidden things are taken out of what the search lets
 * through (null: everything). A client whose every port is of a hidden type
 * goes too; a client without any port stays unless it is hidden itself.
 */
export function withoutHidden(graph: Graph, visible: Visible | null, h: Hidden): Visible | null {
  if (hidesNothing(h)) return visible;
  const ports = new Set<string>();
  const clients = new Set<string>();
  const withPorts = new Set<string>();
  for (const p of graph.ports.values()) {
    withPorts.add(p.client);
    if (portHidden(h, p) || (visible && !visible.ports.has(p.name))) continue;
    ports.add(p.name);
    clients.add(p.client);
  }
  for (const name of graph.clients.keys())
    if (!withPorts.has(name) && !h.clients.has(name) && (!visible || visible.clients.has(name)))
      clients.add(name);
  return { ports, clients };
}

/** The hidden things the graph has now: its hidden clients, and the hidden types it has ports of. */
export function hiddenNow(graph: Graph, h: Hidden): { clients: string[]; types: PortType[] } {
  const clients = [...graph.clients.keys()].filter((c) => h.clients.has(c));
  const types = new Set<PortType>();
  for (const p of graph.ports.values()) if (h.types.has(p.type)) types.add(p.type);
  return { clients, types: PORT_TYPES.filter((t) => types.has(t)) };
}

/** A box side's connections that lead to hidden ports: how many, and to which clients. */
export interface HiddenLinks {
  count: number;
  clients: string[];
}

export interface BoxHiddenLinks {
  in: HiddenLinks | null;
  out: HiddenLinks | null;
}

/** Per shown box (by id), its sides' connections to hidden ports; boxes without any are left out. */
export function hiddenLinks(
  graph: Graph,
  h: Hidden,
  shown: readonly Box[],
): Map<string, BoxHiddenLinks> {
  const out = new Map<string, BoxHiddenLinks>();
  if (hidesNothing(h)) return out;
  const index = portIndex(shown);
  const add = (box: Box, side: 'in' | 'out', peer: PortInfo) => {
    let links = out.get(box.id);
    if (!links) {
      links = { in: null, out: null };
      out.set(box.id, links);
    }
    const s = links[side] ?? { count: 0, clients: [] };
    s.count++;
    if (!s.clients.includes(peer.client)) s.clients.push(peer.client);
    links[side] = s;
  };
  for (const c of graph.connections.values()) {
    const source = graph.ports.get(c.source);
    const destination = graph.ports.get(c.destination);
    if (!source || !destination) continue;
    const from = index.get(c.source);
    const to = index.get(c.destination);
    if (from && !to && portHidden(h, destination)) add(from.box, 'out', destination);
    if (to && !from && portHidden(h, source)) add(to.box, 'in', source);
  }
  return out;
}

/** One string that changes when a box's hidden links do (for reusing its node's data). */
export function hiddenLinksSig(links: BoxHiddenLinks | undefined): string {
  if (!links) return '';
  const side = (s: HiddenLinks | null) => (s ? `${s.count}:${s.clients.join('\u0000')}` : '');
  return `${side(links.in)}\u0001${side(links.out)}`;
}
