// Which ports this page meters: the audio ports of the boxes that are shown
// (not filtered out by the search, hidden, collapsed or summarised) and in or near the view, unless meters
// are off globally or for that client, sent as `setMeters` when it changes
// (followPortSet.ts), also when the view moves.

import { MAX_METERED_PORTS } from '@jackbay/core/meter-frame';
import { type ReactFlowState, useStoreApi as useFlowStoreApi } from '@xyflow/react';
import { useEffect } from 'react';
import type { Row } from '../graph/pairs';
import { useStoreApi } from '../store/context';
import type { State } from '../store/store';
import { followPortSet } from './followPortSet';

/** How far beyond the view a box still counts as near, in views. */
const NEAR = 0.5;

function audioPorts(rows: readonly Row[], out: string[]): void {
  for (const row of rows) {
    const ports = row.kind === 'port' ? [row.port] : [row.left, row.right];
    for (const port of ports) if (port.type === 'audio') out.push(port.name);
  }
}

/** The ports to meter for this state of the store and of the view. */
export function portsToMeter(s: State, f: ReactFlowState): string[] {
  if (!s.metersOn || s.link !== 'open' || s.status?.server !== 'up') return [];
  const [tx, ty, zoom] = f.transform;
  const viewW = f.width / zoom;
  const viewH = f.height / zoom;
  const left = -tx / zoom - viewW * NEAR;
  const top = -ty / zoom - viewH * NEAR;
  const right = -tx / zoom + viewW * (1 + NEAR);
  const bottom = -ty / zoom + viewH * (1 + NEAR);
  // Boxes in view first, then those near it: the service meters at most
  // MAX_METERED_PORTS for a page (and refuses a longer list whole), so a
  // zoomed-out graph of thousands of ports meters what is most in view.
  const inView: string[] = [];
  const near: string[] = [];
  const viewLeft = -tx / zoom;
  const viewTop = -ty / zoom;
  for (const node of s.nodes) {
    const { box, ghost, collapsed, summary } = node.data;
    // A ghost's ports are not in JACK: asking for them would refuse the whole set.
    // A collapsed or summarised box draws no meters. (Hidden clients and types have no node or row.)
    if (ghost || collapsed || summary || s.metersOff.has(box.client.name)) continue;
    const internal = f.nodeLookup.get(node.id);
    const { x, y } = internal?.internals.positionAbsolute ?? node.position;
    const w = internal?.measured.width ?? node.width ?? 0;
    const h = internal?.measured.height ?? node.height ?? 0;
    if (x > right || x + w < left || y > bottom || y + h < top) continue;
    const visible =
      x < viewLeft + viewW && x + w > viewLeft && y < viewTop + viewH && y + h > viewTop;
    audioPorts(box.inputs, visible ? inView : near);
    audioPorts(box.outputs, visible ? inView : near);
  }
  return [...inView, ...near].slice(0, MAX_METERED_PORTS);
}

export function useMeterSubscription(): void {
  const store = useStoreApi();
  const flow = useFlowStoreApi();
  useEffect(() => {
    const follow = followPortSet(store, {
      method: 'setMeters',
      ports: () => portsToMeter(store.getState(), flow.getState()),
      accept: (s, ports, generation) => s.meters.expect(ports, generation),
      reset: (s) => s.meters.clear(),
      affects: (s, prev) =>
        s.nodes !== prev.nodes || s.metersOn !== prev.metersOn || s.metersOff !== prev.metersOff,
    });
    const offFlow = flow.subscribe((f, prev) => {
      if (
        f.transform !== prev.transform ||
        f.width !== prev.width ||
        f.height !== prev.height ||
        f.nodeLookup !== prev.nodeLookup
      )
        follow.schedule();
    });
    return () => {
      offFlow();
      follow.stop();
    };
  }, [store, flow]);
}
