// The search box: plain text matches case-insensitively anywhere in a name;
// `/…/flags` is a regular expression. An invalid expression is reported, never thrown.
import type { PortInfo } from '@jackbay/core/contract';
import type { Graph } from '@jackbay/core/patch';

export type Matcher =
  | { ok: true; empty: boolean; regex: boolean; test: (text: string) => boolean }
  | { ok: false; error: string };

const matchAll: Matcher = { ok: true, empty: true, regex: false, test: () => true };

export function parseSearch(input: string): Matcher {
  const text = input.trim();
  if (text === '') return matchAll;
  if (text.startsWith('/')) {
    // '/abc/i' is complete; '/abc' (still being typed) is taken as 'abc'.
    const closed = /^\/(.*)\/([a-z]*)$/s.exec(text);
    const source = closed ? (closed[1] ?? '') : text.slice(1);
    // 'g' and 'y' make RegExp.test stateful between calls: drop them.
    const flags = (closed?.[2] ?? '').replace(/[gy]/g, '');
    if (source === '') return matchAll;
    try {
      const re = new RegExp(source, flags);
      return { ok: true, empty: false, regex: true, test: (s) => re.test(s) };
    } catch (e) {
      // The engine's message already names the expression: "Invalid regular expression: /(/: …".
      return { ok: false, error: (e as Error).message };
    }
  }
  const needle = text.toLowerCase();
  return { ok: true, empty: false, regex: false, test: (s) => s.toLowerCase().includes(needle) };
}

function portMatches(m: (s: string) => boolean, p: PortInfo): boolean {
  return (
    m(p.name) ||
    m(p.shortName) ||
    (p.prettyName !== null && m(p.prettyName)) ||
    p.aliases.some((a) => m(a))
  );
}

export interface Visible {
  ports: Set<string>;
  /** Clients with a visible port, or whose own name matches. */
  clients: Set<string>;
}

/**
 * What to draw: every port of a client whose name matches, and the matching
 * ports of other clients. Null means everything (no filter); an invalid
 * expression filters nothing, so the graph does not blank while typing.
 */
export function visibleItems(graph: Graph, matcher: Matcher): Visible | null {
  if (!matcher.ok || matcher.empty) return null;
  const test = matcher.test;
  const clients = new Set<string>();
  const clientMatch = new Map<string, boolean>();
  const matchClient = (name: string): boolean => {
    let hit = clientMatch.get(name);
    if (hit === undefined) {
      const pretty = graph.clients.get(name)?.prettyName;
      hit = test(name) || (pretty != null && test(pretty));
      clientMatch.set(name, hit);
      if (hit) clients.add(name);
    }
    return hit;
  };
  for (const name of graph.clients.keys()) matchClient(name);
  const ports = new Set<string>();
  for (const p of graph.ports.values()) {
    if (matchClient(p.client) || portMatches(test, p)) {
      ports.add(p.name);
      clients.add(p.client);
    }
  }
  return { ports, clients };
}
