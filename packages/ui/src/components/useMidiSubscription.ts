// Which ports this page's MIDI monitor watches: every MIDI output port of
// every other client, sent as `setMidiMonitor` when it changes
// (followPortSet.ts). The monitor panel and the ports' activity lights both
// read what arrives.
import { useEffect } from 'react';
import { useStoreApi } from '../store/context';
import type { State } from '../store/store';
import { followPortSet } from './followPortSet';

/** The ports to monitor for this state of the store. */
export function portsToMonitor(s: State): string[] {
  if (s.link !== 'open' || s.status?.server !== 'up') return [];
  const ports: string[] = [];
  for (const port of s.graph.ports.values())
    if (port.type === 'midi' && port.direction === 'output' && port.client !== s.status.ownClient)
      ports.push(port.name);
  return ports.sort();
}

export function useMidiSubscription(): void {
  const store = useStoreApi();
  useEffect(() => {
    const follow = followPortSet(store, {
      method: 'setMidiMonitor',
      ports: () => portsToMonitor(store.getState()),
      accept: (s, ports, generation) => s.midi.expect(ports, generation),
      reset: (s) => s.midi.disconnect(),
      affects: (s, prev) => s.graph !== prev.graph,
    });
    return follow.stop;
  }, [store]);
}
