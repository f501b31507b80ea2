// Follows the zoom into and out of the summary view (graph/detail.ts): read
// from React Flow's store as the view moves, so a pan or a zoom that does not
// cross the threshold re-renders nothing.
import { useStoreApi as useFlowStoreApi } from '@xyflow/react';
import { useEffect } from 'react';
import { summaryAt } from '../graph/detail';
import { useStoreApi } from '../store/context';

export function useLevelOfDetail(): void {
  const store = useStoreApi();
  const flow = useFlowStoreApi();
  useEffect(() => {
    const follow = (zoom: number) => {
      const s = store.getState();
      s.setSummary(summaryAt(zoom, s.summary));
    };
    let last = flow.getState().transform[2];
    follow(last);
    return flow.subscribe((f) => {
      const zoom = f.transform[2];
      if (zoom === last) return;
      last = zoom;
      follow(zoom);
    });
  }, [store, flow]);
}
