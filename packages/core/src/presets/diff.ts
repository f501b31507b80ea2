// What a preset means in a graph: the connections it wants whose ports exist,
// what it names that does not exist now, and the difference to the graph
// (what loading would add, what "exact" would remove). The service's own
// client (meter probes, tones, thru routes) is never touched.
import type { Connection, PortInfo } from '../contract.js';
import { connectionKey, type Graph } from '../patch.js';
import { compilePattern } from './checks.js';
import type { PatternLink, PortPattern, Preset } from './model.js';

export interface MissingLink {
  source: string;
  destination: string;
  /** True for a rule: its source and destination are patterns, shown as `client:port`. */
  pattern: boolean;
}

export interface PresetDiff {
  /** Wanted connections not made now. */
  add: Connection[];
  /** Connections "exact" removes: made now, not wanted, not of the service's own client. */
  remove: Connection[];
  /** Connections and rules whose ports do not exist now. */
  missing: MissingLink[];
}

interface CompiledEnd {
  client: RegExp;
  port: RegExp;
}

/** A preset with its patterns compiled once (they are matched on every graph change). */
export interface CompiledPreset {
  readonly preset: Preset;
  readonly patterns: ReadonlyArray<{
    link: PatternLink;
    source: CompiledEnd;
    destination: CompiledEnd;
  }>;
  readonly exclusive: readonly CompiledEnd[];
}

const compileEnd = (end: PortPattern): CompiledEnd => ({
  client: compilePattern(end.client),
  port: compilePattern(end.port),
});

/** Throws 'bad-regex' for the first pattern that does not compile. */
export function compilePreset(preset: Preset): CompiledPreset {
  return {
    preset,
    patterns: preset.patterns.map((link) => ({
      link,
      source: compileEnd(link.source),
      destination: compileEnd(link.destination),
    })),
    exclusive: preset.exclusive.map(compileEnd),
  };
}

const matches = (end: CompiledEnd, port: PortInfo) =>
  end.client.test(port.client) && end.port.test(port.shortName);

export interface Resolved {
  /** Wanted connections whose ports exist, by connectionKey. */
  wanted: Map<string, Connection>;
  missing: MissingLink[];
  /** Names of existing ports the preset makes exclusive. */
  exclusive: Set<string>;
}

/**
 * The connections a preset wants in `graph`. A rule joins the n-th output
 * port its source matches to the n-th input port its destination matches, in
 * JACK's port order, as QjackCtl joins a cable's plugs.
 */
export function resolvePreset(
  compiled: CompiledPreset,
  graph: Graph,
  own: string | null,
): Resolved {
  const wanted = new Map<string, Connection>();
  const missing: MissingLink[] = [];
  const usable = (name: string, direction: 'output' | 'input') => {
    const port = graph.ports.get(name);
    return port !== undefined && port.direction === direction && port.client !== own;
  };
  for (const { source, destination } of compiled.preset.connections) {
    if (usable(source, 'output') && usable(destination, 'input')) {
      const connection = { source, destination };
      wanted.set(connectionKey(connection), connection);
    } else missing.push({ source, destination, pattern: false });
  }
  if (compiled.patterns.length > 0 || compiled.exclusive.length > 0) {
    const outputs: PortInfo[] = [];
    const inputs: PortInfo[] = [];
    for (const port of graph.ports.values()) {
      if (port.client === own) continue;
      (port.direction === 'output' ? outputs : inputs).push(port);
    }
    for (const { link, source, destination } of compiled.patterns) {
      const typed = (port: PortInfo) => link.type === undefined || port.type === link.type;
      const from = outputs.filter((port) => typed(port) && matches(source, port));
      const to = inputs.filter((port) => typed(port) && matches(destination, port));
      if (from.length === 0 || to.length === 0) {
        missing.push({
          source: `${link.source.client}:${link.source.port}`,
          destination: `${link.destination.client}:${link.destination.port}`,
          pattern: true,
        });
        continue;
      }
      for (let i = 0; i < Math.min(from.length, to.length); i += 1) {
        const connection = {
          source: (from[i] as PortInfo).name,
          destination: (to[i] as PortInfo).name,
        };
        wanted.set(connectionKey(connection), connection);
      }
    }
    const exclusive = new Set<string>();
    if (compiled.exclusive.length > 0)
      for (const port of [...outputs, ...inputs])
        if (compiled.exclusive.some((end) => matches(end, port))) exclusive.add(port.name);
    return { wanted, missing, exclusive };
  }
  return { wanted, missing, exclusive: new Set() };
}

function isOwn(connection: Connection, graph: Graph, own: string | null): boolean {
  if (own === null) return false;
  return (
    graph.ports.get(connection.source)?.client === own ||
    graph.ports.get(connection.destination)?.client === own
  );
}

/** What loading the preset changes: `remove` is what "exact" takes away. */
export function diffPreset(compiled: CompiledPreset, graph: Graph, own: string | null): PresetDiff {
  const { wanted, missing } = resolvePreset(compiled, graph, own);
  const add = [...wanted.entries()]
    .filter(([key]) => !graph.connections.has(key))
    .map(([, connection]) => connection);
  const remove = [...graph.connections.entries()]
    .filter(([key, connection]) => !wanted.has(key) && !isOwn(connection, graph, own))
    .map(([, connection]) => connection);
  return { add, remove, missing };
}

/**
 * What an active preset changes now: its missing connections, and the other
 * connections of its exclusive ports.
 */
export function enforcePreset(
  compiled: CompiledPreset,
  graph: Graph,
  own: string | null,
): { add: Connection[]; remove: Connection[] } {
  const { wanted, exclusive } = resolvePreset(compiled, graph, own);
  const add = [...wanted.entries()]
    .filter(([key]) => !graph.connections.has(key))
    .map(([, connection]) => connection);
  const remove =
    exclusive.size === 0
      ? []
      : [...graph.connections.entries()]
          .filter(
            ([key, connection]) =>
              !wanted.has(key) &&
              (exclusive.has(connection.source) || exclusive.has(connection.destination)) &&
              !isOwn(connection, graph, own),
          )
          .map(([, connection]) => connection);
  return { add, remove };
}
