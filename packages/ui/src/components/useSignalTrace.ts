// The signal trace: while a test tone plays, every metered port whose level
// is above a threshold is marked as carrying the signal, the rest as silent,
// so a person sees where the signal stops. It reads the meters' live channel
// a few times a second (never per frame) and touches the store only when the
// set of ports with a signal changes.
import { useEffect } from 'react';
import { useJackbay, useStoreApi } from '../store/context';

/** A port above this peak level carries the signal (a tone is at −120 dBFS at the very least). */
export const TRACE_THRESHOLD_DB = -60;
const TRACE_INTERVAL_MS = 200;

export function useSignalTrace(): void {
  const store = useStoreApi();
  const toneOn = useJackbay((s) => s.tools.tones.length > 0);
  useEffect(() => {
    if (!toneOn) {
      store.getState().setTrace(null);
      return;
    }
    const read = () => {
      const s = store.getState();
      const hot = new Set<string>();
      for (const port of s.meters.ports)
        if (s.meters.state(port).peak > TRACE_THRESHOLD_DB) hot.add(port);
      s.setTrace(hot);
    };
    read();
    const timer = setInterval(read, TRACE_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      store.getState().setTrace(null);
    };
  }, [toneOn, store]);
}
