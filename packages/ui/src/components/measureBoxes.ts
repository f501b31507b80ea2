// Has React Flow measure the handles of boxes again, all the boxes that ask
// in the same task in one call. React Flow's updateNodeInternals costs a
// store update and a re-layout per call: a call per box, when every box
// changes at once (the zoom switching the graph to or from its summaries),
// took seconds for a graph of hundreds of clients.
import { useStoreApi as useFlowStoreApi, useUpdateNodeInternals } from '@xyflow/react';
import { useCallback } from 'react';

// Per React Flow instance (each box's useUpdateNodeInternals is a function of its own).
const pending = new WeakMap<object, Set<string>>();

/** A function that queues a box (by node id) to be measured with the others queued in this task. */
export function useMeasureSoon(): (id: string) => void {
  const flow = useFlowStoreApi();
  const update = useUpdateNodeInternals();
  return useCallback(
    (id: string) => {
      let ids = pending.get(flow);
      if (!ids) {
        const queued = new Set<string>();
        ids = queued;
        pending.set(flow, queued);
        queueMicrotask(() => {
          pending.delete(flow);
          update([...queued]);
        });
      }
      ids.add(id);
    },
    [flow, update],
  );
}
