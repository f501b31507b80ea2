// The graph's selection (boxes and connections, held by React Flow's nodes and
// edges in the store) as the matrix shows it, and where the matrix starts.
import { connectionKey } from '@jackbay/core/patch';
import type { BoxNode, PortEdge } from '../graph/view';
import type { MatrixAxes } from './axes';
import type { Focus } from './grid';

export interface Selection {
  /** Ids of the selected boxes. */
  boxes: ReadonlySet<string>;
  /** Keys (connectionKey) of the selected connections. */
  connections: ReadonlySet<string>;
}

export function selectionOf(nodes: readonly BoxNode[], edges: readonly PortEdge[]): Selection {
  const boxes = new Set<string>();
  const connections = new Set<string>();
  for (const n of nodes) if (n.selected) boxes.add(n.id);
  for (const e of edges)
    if (e.selected && e.data && e.data.route === undefined)
      connections.add(connectionKey(e.data.connection));
  return { boxes, connections };
}

/**
 * The cell to start on: the first selected connection's, else the first line
 * of the first selected box (its outputs' row, or its inputs' column), else
 * the top left cell.
 */
export function initialFocus(
  axes: MatrixAxes,
  selection: Selection,
  edges: readonly PortEdge[],
): Focus {
  for (const e of edges) {
    if (!e.data || !selection.connections.has(connectionKey(e.data.connection))) continue;
    const row = axes.rows.index.get(e.data.connection.source);
    const col = axes.cols.index.get(e.data.connection.destination);
    if (row !== undefined && col !== undefined) return { row, col };
  }
  const rowGroup = axes.rows.groups.find((g) => selection.boxes.has(g.boxId));
  const colGroup = axes.cols.groups.find((g) => selection.boxes.has(g.boxId));
  return { row: rowGroup?.start ?? 0, col: colGroup?.start ?? 0 };
}
