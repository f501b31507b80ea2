// Decides, before anything is sent, whether a connection can work, and says
// why not in words a person can act on.
import type { Connection, PortInfo } from '@jackbay/core/contract';
import { type Graph, isConnected } from '@jackbay/core/patch';

export type Refusal =
  | 'unknown-port'
  | 'same-port'
  | 'wrong-direction'
  | 'incompatible-types'
  | 'already-connected'
  | 'not-connected';

export type Plan =
  | { ok: true; connections: Connection[]; alreadyConnected: Connection[] }
  | { ok: false; code: Refusal; reason: string };

/** What a port carries, as a person calls it: audio, MIDI, or JACK's type name. */
export function typeLabel(p: PortInfo): string {
  if (p.type === 'audio') return 'audio';
  if (p.type === 'midi') return 'MIDI';
  return `'${p.typeString}'`;
}

/** Whether two ports carry the same kind of data (only such ports can be connected). */
export function sameType(a: PortInfo, b: PortInfo): boolean {
  // 'other' covers every type JACK does not name (OSC, CV, …): compare the raw strings.
  return a.type === b.type && (a.type !== 'other' || a.typeString === b.typeString);
}

/**
 * Orders two ports as output → input, or explains why they cannot be
 * connected at all. The caller may pass them in either order (a drag can
 * start at an input).
 */
export function orient(
  graph: Graph,
  a: string,
  b: string,
): { ok: true; connection: Connection } | { ok: false; code: Refusal; reason: string } {
  const pa = graph.ports.get(a);
  const pb = graph.ports.get(b);
  if (!pa || !pb)
    return { ok: false, code: 'unknown-port', reason: `The port ${pa ? b : a} no longer exists.` };
  if (a === b)
    return { ok: false, code: 'same-port', reason: 'A port cannot be connected to itself.' };
  if (pa.direction === pb.direction) {
    const both = pa.direction === 'output' ? 'outputs' : 'inputs';
    return {
      ok: false,
      code: 'wrong-direction',
      reason: `${a} and ${b} are both ${both}: connect an output (right side of a box) to an input (left side).`,
    };
  }
  const [out, inp] = pa.direction === 'output' ? [pa, pb] : [pb, pa];
  if (!sameType(out, inp))
    return {
      ok: false,
      code: 'incompatible-types',
      reason: `Cannot connect ${typeLabel(out)} to ${typeLabel(inp)}: ${out.name} carries ${typeLabel(out)}, ${inp.name} expects ${typeLabel(inp)}.`,
    };
  return { ok: true, connection: { source: out.name, destination: inp.name } };
}

// Equal ends match index by index (left with left); otherwise every port of
// one end meets every port of the other (mono into both sides of a pair).
function matchEnds(from: readonly string[], to: readonly string[]): Array<[string, string]> {
  if (from.length === to.length) return from.map((a, i) => [a, to[i] ?? '']);
  return from.flatMap((a) => to.map((b): [string, string] => [a, b]));
}

/**
 * Plans the connections for a drag from one end to another, where an end is
 * one port or a stereo pair (left first). Pair onto pair connects left to
 * left and right to right; a single port onto a pair (or a pair onto a single
 * port) connects the single port with both. If any part cannot work nothing
 * is planned; connections that already exist are reported and skipped.
 */
export function planConnect(graph: Graph, from: readonly string[], to: readonly string[]): Plan {
  const connections: Connection[] = [];
  const alreadyConnected: Connection[] = [];
  for (const [a, b] of matchEnds(from, to)) {
    const o = orient(graph, a, b);
    if (!o.ok) return o;
    if (isConnected(graph, o.connection.source, o.connection.destination))
      alreadyConnected.push(o.connection);
    else connections.push(o.connection);
  }
  if (connections.length === 0) {
    const what =
      alreadyConnected.length === 1
        ? `${alreadyConnected[0]?.source} is already connected to ${alreadyConnected[0]?.destination}.`
        : 'These ports are already connected.';
    return { ok: false, code: 'already-connected', reason: what };
  }
  return { ok: true, connections, alreadyConnected };
}

/** The same pairing as planConnect, for removing: only existing connections. */
export function planDisconnect(graph: Graph, from: readonly string[], to: readonly string[]): Plan {
  const connections: Connection[] = [];
  for (const [a, b] of matchEnds(from, to)) {
    const o = orient(graph, a, b);
    if (!o.ok) return o;
    if (isConnected(graph, o.connection.source, o.connection.destination))
      connections.push(o.connection);
  }
  if (connections.length === 0)
    return { ok: false, code: 'not-connected', reason: 'These ports are not connected.' };
  return { ok: true, connections, alreadyConnected: [] };
}
