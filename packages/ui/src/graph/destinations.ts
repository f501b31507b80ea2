// What the keyboard patching dialog offers: every port or pair a port (or a
// pair) could connect to, and, once the person types, those that match, best
// first, so that Enter (which takes the first) does what was typed.
import type { PortInfo } from '@jackbay/core/contract';
import type { Graph } from '@jackbay/core/patch';
import { buildBoxes, portLabel } from './boxes';
import { planConnect } from './validate';

export interface Destination {
  key: string;
  ports: string[];
  client: string;
  label: string;
  state: 'connected' | 'partial' | 'none';
  pair: boolean;
  /** The names a person would type for it whole: its label, and a single port's names. */
  names: string[];
}

/** Every destination of `from`, in drawing order; a pair is offered whole and per channel. */
export function destinationsFor(graph: Graph, from: readonly string[]): Destination[] {
  const first = graph.ports.get(from[0] ?? '');
  if (!first) return [];
  const want = first.direction === 'output' ? 'input' : 'output';
  const out: Destination[] = [];
  const add = (ports: PortInfo[], client: string, label: string) => {
    const names = ports.map((p) => p.name);
    const plan = planConnect(graph, from, names);
    if (!plan.ok && plan.code !== 'already-connected') return; // cannot work: not offered
    const state = !plan.ok ? 'connected' : plan.alreadyConnected.length > 0 ? 'partial' : 'none';
    const pair = ports.length > 1;
    const single = pair ? [] : ports.flatMap((p) => [p.shortName, p.name]);
    out.push({
      key: names.join('\n'),
      ports: names,
      client,
      label,
      state,
      pair,
      names: [label, `${client} ${label}`, ...single].map((n) => n.toLowerCase()),
    });
  };
  for (const box of buildBoxes(graph)) {
    const rows = want === 'input' ? box.inputs : box.outputs;
    for (const r of rows) {
      if (r.kind === 'port') add([r.port], box.title, portLabel(r.port));
      else {
        add([r.left, r.right], box.title, `${r.base || 'pair'} ${r.leftLabel}+${r.rightLabel}`);
        add([r.left], box.title, portLabel(r.left));
        add([r.right], box.title, portLabel(r.right));
      }
    }
  }
  return out;
}

// How well a destination matches the typed text, lower is better: one of its
// names exactly, a name's start, inside a name, or only somewhere in all its
// text (a pair found through one of its port names merely contains it).
function tier(d: Destination, q: string): number | null {
  if (d.names.includes(q)) return 0;
  if (d.names.some((n) => n.startsWith(q))) return 1;
  if (d.names.some((n) => n.includes(q))) return 2;
  if (`${d.client} ${d.label} ${d.ports.join(' ')}`.toLowerCase().includes(q)) return 3;
  return null;
}

/**
 * The destinations that match `query`, best first (drawing order among equals).
 * Between equally good matches, a pair row comes first only for a pair source,
 * and a single port first for a single one: typing `playback_6` for a mono
 * output means that port, not the pair `playback 5+6` that contains it.
 */
export function matchDestinations(
  all: readonly Destination[],
  query: string,
  fromPair: boolean,
): Destination[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...all];
  const ranked: Array<{ d: Destination; rank: number }> = [];
  for (const d of all) {
    const t = tier(d, q);
    if (t !== null) ranked.push({ d, rank: t * 2 + (d.pair === fromPair ? 0 : 1) });
  }
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.d);
}
