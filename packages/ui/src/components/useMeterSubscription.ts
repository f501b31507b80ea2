// Which ports this page meters: the audio ports of the boxes that are shown
// (not filtered out by the search) and in or near the view, unless meters
// are off globally or for that client. The set is sent as `setMeters` when
// it changes, a moment after the view stops moving; the service then sends
// frames for exactly those ports, tagged with the generation it answered.
import { type ReactFlowState, useStoreApi as useFlowStoreApi } from '@xyflow/react';
import { useEffect } from 'react';
import type { Row } from '../graph/pairs';
import { useStoreApi } from '../store/context';
import type { State } from '../store/store';

/** How far beyond the view a box still counts as near, in views. */
const NEAR = 0.5;
const DEBOUNCE_MS = 150;

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
  const ports: string[] = [];
  for (const node of s.nodes) {
    const { box } = node.data;
    if (s.metersOff.has(box.client.name)) continue;
    const internal = f.nodeLookup.get(node.id);
    const { x, y } = internal?.internals.positionAbsolute ?? node.position;
    const w = internal?.measured.width ?? node.width ?? 0;
    const h = internal?.measured.height ?? node.height ?? 0;
    if (x > right || x + w < left || y > bottom || y + h < top) continue;
    audioPorts(box.inputs, ports);
    audioPorts(box.outputs, ports);
  }
  return ports;
}

export function useMeterSubscription(): void {
  const store = useStoreApi();
  const flow = useFlowStoreApi();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The set the service has (or is being asked for), one port per line.
    let asked = '';
    const run = () => {
      timer = undefined;
      const s = store.getState();
      const ports = portsToMeter(s, flow.getState());
      const key = ports.join('\n');
      if (key === asked || !s.api) return;
      asked = key;
      s.api.request('setMeters', { ports }).then(
        (result) => {
          if (asked === key && result) s.meters.expect(ports, result.generation);
        },
        () => {
          // Refused (a port went away meanwhile): ask again with the next change.
          if (asked === key) asked = '\u0000';
        },
      );
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    };
    const offStore = store.subscribe((s, prev) => {
      if (s.link !== prev.link && s.link !== 'open') {
        // A new connection starts with no meters: ask afresh when it opens.
        asked = '';
        s.meters.clear();
      }
      if (
        s.nodes !== prev.nodes ||
        s.metersOn !== prev.metersOn ||
        s.metersOff !== prev.metersOff ||
        s.link !== prev.link ||
        s.status?.server !== prev.status?.server
      )
        schedule();
    });
    const offFlow = flow.subscribe((f, prev) => {
      if (
        f.transform !== prev.transform ||
        f.width !== prev.width ||
        f.height !== prev.height ||
        f.nodeLookup !== prev.nodeLookup
      )
        schedule();
    });
    schedule();
    return () => {
      clearTimeout(timer);
      offStore();
      offFlow();
      const api = store.getState().api;
      if (asked !== '' && api) void api.request('setMeters', { ports: [] }).catch(() => {});
    };
  }, [store, flow]);
}
