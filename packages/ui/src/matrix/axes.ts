// The matrix's two axes: outputs as rows, inputs as columns, one line per
// port. They are made from the graph's own boxes (the same search and filters,
// the same client order, the same stereo pairs from graph/pairs.ts), so the
// matrix and the graph can never disagree about what is shown.
import type { PortInfo } from '@jackbay/core/contract';
import type { Box } from '../graph/boxes';

export interface Line {
  port: PortInfo;
  /** Index of the line's group in `Axis.groups`. */
  group: number;
  /** Index of the left line of the stereo pair this line belongs to, or -1. */
  pair: number;
}

/** The lines of one box: a client (or one side of a hardware client). */
export interface Group {
  /** The box's id, so the matrix selects what the graph selects. */
  boxId: string;
  client: string;
  title: string;
  start: number;
  count: number;
}

export interface Axis {
  lines: Line[];
  groups: Group[];
  /** Line index of each port, by full name. */
  index: Map<string, number>;
}

export interface MatrixAxes {
  /** Outputs: where a connection starts. */
  rows: Axis;
  /** Inputs: where a connection ends. */
  cols: Axis;
}

function buildAxis(boxes: readonly Box[], side: 'outputs' | 'inputs'): Axis {
  const lines: Line[] = [];
  const groups: Group[] = [];
  const index = new Map<string, number>();
  const add = (port: PortInfo, pair: number) => {
    index.set(port.name, lines.length);
    lines.push({ port, group: groups.length, pair });
  };
  for (const box of boxes) {
    const rows = box[side];
    if (rows.length === 0) continue;
    const start = lines.length;
    for (const row of rows) {
      if (row.kind === 'port') add(row.port, -1);
      else {
        const left = lines.length;
        add(row.left, left);
        add(row.right, left);
      }
    }
    groups.push({
      boxId: box.id,
      client: box.client.name,
      title: box.title,
      start,
      count: lines.length - start,
    });
  }
  return { lines, groups, index };
}

/** The axes for the boxes the graph shows (ghosts of clients that went away left out). */
export function buildAxes(boxes: readonly Box[]): MatrixAxes {
  return { rows: buildAxis(boxes, 'outputs'), cols: buildAxis(boxes, 'inputs') };
}
