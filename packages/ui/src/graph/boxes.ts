// Turns clients into the boxes drawn on the graph. A client with both inputs
// and outputs is one box (inputs left, outputs right), except hardware (any
// physical port): its capture side is drawn as a source box on the left and
// its playback side as a sink box on the right, the way signal flows.
import type { ClientInfo, PortInfo } from '@jackbay/core/contract';
import type { Graph } from '@jackbay/core/patch';
import {
  BORDER,
  BOX_MAX,
  BOX_MIN,
  COLLAPSE_TOGGLE_SPACE,
  COLUMN_MAX,
  COLUMN_MIN,
  clamp,
  GUTTER,
  HEADER,
  LABEL_FONT,
  MARKER_SPACE,
  METER_TOGGLE_SPACE,
  PAD,
  PAIR_LABEL,
  ROW,
  TITLE_FONT,
  textWidth,
} from './geometry';
import { boxId, type Side } from './ids';
import { groupPairs, type Row } from './pairs';
import type { Visible } from './search';

export type Role = 'source' | 'processor' | 'sink';

export interface Box {
  id: string;
  client: ClientInfo;
  side: Side;
  role: Role;
  physical: boolean;
  title: string;
  subtitle: string | null;
  inputs: Row[];
  outputs: Row[];
  width: number;
  height: number;
  /** Largest label font (px) at which every port label of the box fits its column. */
  labelFit: number;
  /** Largest title font (px) at which the title fits the header. */
  titleFit: number;
}

export function portLabel(p: PortInfo): string {
  return p.prettyName ?? p.shortName;
}

/** How many ports the rows hold (a pair is two rows, one per port). */
export function rowCount(rows: readonly Row[]): number {
  let n = 0;
  for (const r of rows) n += r.kind === 'pair' ? 2 : 1;
  return n;
}

function columnWidth(rows: readonly Row[]): number {
  let w = 0;
  for (const r of rows) {
    const text = r.kind === 'port' ? textWidth(portLabel(r.port)) : textWidth(r.base) + PAIR_LABEL;
    w = Math.max(w, text + MARKER_SPACE);
  }
  return clamp(w, COLUMN_MIN, COLUMN_MAX);
}

// Text is sized for LABEL_FONT; zoomed out, the graph draws it a step larger
// (geometry.ts), which a box sized for LABEL_FONT may not hold. The fits say
// how large it can grow and still be whole, so a short label is not cut.
const NO_LIMIT = 99;

function fit(font: number, room: number, text: number): number {
  return text > 0 ? Math.min(NO_LIMIT, Math.floor((font * room) / text)) : NO_LIMIT;
}

/** The widest label of a column (scales with the font) and what beside it does not. */
function columnText(rows: readonly Row[]): { text: number; fixed: number } {
  let text = 0;
  let fixed = rows.length > 0 ? MARKER_SPACE : 0;
  for (const r of rows) {
    if (r.kind === 'port') text = Math.max(text, textWidth(portLabel(r.port)));
    else {
      text = Math.max(text, textWidth(r.base));
      fixed = MARKER_SPACE + PAIR_LABEL;
    }
  }
  return { text, fixed };
}

// The body is a grid of two auto-sized columns sharing the box's width.
function labelFit(width: number, inputs: readonly Row[], outputs: readonly Row[]): number {
  const a = columnText(inputs);
  const b = columnText(outputs);
  const gutter = inputs.length > 0 && outputs.length > 0 ? GUTTER : 0;
  return fit(LABEL_FONT, width - 2 * BORDER - gutter - a.fixed - b.fixed, a.text + b.text);
}

export function boxSize(
  title: string,
  subtitle: string | null,
  inputs: readonly Row[],
  outputs: readonly Row[],
): { width: number; height: number; labelFit: number; titleFit: number } {
  const rows = Math.max(rowCount(inputs), rowCount(outputs), 1);
  const columns =
    inputs.length > 0 && outputs.length > 0
      ? columnWidth(inputs) + GUTTER + columnWidth(outputs)
      : columnWidth(inputs.length > 0 ? inputs : outputs);
  const audio = [...inputs, ...outputs].some(
    (r) => (r.kind === 'port' ? r.port.type : r.left.type) === 'audio',
  );
  const chrome =
    (subtitle ? textWidth(subtitle) + 10 : 0) +
    44 +
    COLLAPSE_TOGGLE_SPACE +
    (audio ? METER_TOGGLE_SPACE : 0);
  const width = clamp(Math.max(columns, textWidth(title, true) + chrome), BOX_MIN, BOX_MAX);
  return {
    width,
    height: HEADER + 2 * PAD + rows * ROW + 2 * BORDER,
    labelFit: labelFit(width, inputs, outputs),
    titleFit: fit(TITLE_FONT, width - chrome, textWidth(title, true)),
  };
}

function makeBox(
  client: ClientInfo,
  side: Side,
  physical: boolean,
  inputs: Row[],
  outputs: Row[],
): Box {
  const title = client.prettyName ?? client.name;
  const subtitle =
    side === 'both'
      ? null
      : side === 'out'
        ? physical
          ? 'capture'
          : 'outputs'
        : physical
          ? 'playback'
          : 'inputs';
  const role: Role =
    inputs.length > 0 && outputs.length > 0 ? 'processor' : inputs.length > 0 ? 'sink' : 'source';
  return {
    id: boxId(client.name, side),
    client,
    side,
    role,
    physical,
    title,
    subtitle,
    inputs,
    outputs,
    ...boxSize(title, subtitle, inputs, outputs),
  };
}

interface Cached {
  client: ClientInfo | undefined;
  ports: PortInfo[];
  boxes: Box[];
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function clientBoxes(
  name: string,
  info: ClientInfo | undefined,
  ports: PortInfo[],
  shown: PortInfo[],
  filtered: boolean,
): Box[] {
  const client = info ?? { name, prettyName: null, uuid: null };
  const inputs = groupPairs(shown.filter((p) => p.direction === 'input'));
  const outputs = groupPairs(shown.filter((p) => p.direction === 'output'));
  const physical = ports.some((p) => p.isPhysical);
  const hasIn = ports.some((p) => p.direction === 'input');
  const hasOut = ports.some((p) => p.direction === 'output');
  if (!(physical && hasIn && hasOut)) return [makeBox(client, 'both', physical, inputs, outputs)];
  const boxes: Box[] = [];
  if (!filtered || outputs.length > 0 || inputs.length === 0)
    boxes.push(makeBox(client, 'out', physical, [], outputs));
  if (!filtered || inputs.length > 0) boxes.push(makeBox(client, 'in', physical, inputs, []));
  return boxes;
}

/**
 * Builds the boxes for a graph, in a stable order (clients as JACK lists
 * them). With `visible`, only matching ports and clients are kept; the split
 * of a client is decided on all its ports, so a box keeps its identity while
 * searching. A client whose ports did not change keeps its Box objects, so
 * what depends on them can compare by identity.
 */
export function createBoxBuilder() {
  const cache = new Map<string, Cached>();
  return function build(graph: Graph, visible: Visible | null = null): Box[] {
    const byClient = new Map<string, PortInfo[]>();
    for (const name of graph.clients.keys()) byClient.set(name, []);
    for (const p of graph.ports.values()) {
      let list = byClient.get(p.client);
      if (!list) {
        list = [];
        byClient.set(p.client, list);
      }
      list.push(p);
    }
    const boxes: Box[] = [];
    for (const [name, ports] of byClient) {
      if (visible && !visible.clients.has(name)) continue;
      const info = graph.clients.get(name);
      const shown = visible ? ports.filter((p) => visible.ports.has(p.name)) : ports;
      const key = visible ? `${name}\u0000?` : name;
      const hit = cache.get(key);
      if (hit && hit.client === info && sameList(hit.ports, shown)) {
        boxes.push(...hit.boxes);
        continue;
      }
      const made = clientBoxes(name, info, ports, shown, visible !== null);
      cache.set(key, { client: info, ports: shown, boxes: made });
      boxes.push(...made);
    }
    if (cache.size > 2 * byClient.size + 64)
      for (const key of cache.keys())
        if (!byClient.has(key.split('\u0000')[0] ?? '')) cache.delete(key);
    return boxes;
  };
}

/** The boxes for a graph (uncached). */
export function buildBoxes(graph: Graph, visible: Visible | null = null): Box[] {
  return createBoxBuilder()(graph, visible);
}

/** Where each drawn port lives: its box, and the row (a pair or itself). */
export function portIndex(boxes: readonly Box[]): Map<string, { box: Box; row: Row }> {
  const index = new Map<string, { box: Box; row: Row }>();
  for (const box of boxes)
    for (const row of [...box.inputs, ...box.outputs]) {
      if (row.kind === 'port') index.set(row.port.name, { box, row });
      else {
        index.set(row.left.name, { box, row });
        index.set(row.right.name, { box, row });
      }
    }
  return index;
}
