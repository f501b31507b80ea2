// Which ports this page's MIDI monitor watches: every MIDI output port of
// every other client. The set is sent as `setMidiMonitor` when it
// changes; the service then sends frames for exactly those ports, tagged
// with the generation it answered. The monitor panel and the ports'
// activity lights both read what arrives.
import { useEffect } from 'react';
import { useStoreApi } from '../store/context';
import type { State } from '../store/store';

const DEBOUNCE_MS = 150;

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
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = '';
    const run = () => {
      timer = undefined;
      const s = store.getState();
      const ports = portsToMonitor(s);
      const key = ports.join('\n');
      if (key === asked || !s.api) return;
      asked = key;
      s.api.request('setMidiMonitor', { ports }).then(
        (result) => {
          if (asked === key && result) s.midi.expect(ports, result.generation);
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
    const off = store.subscribe((s, prev) => {
      if (s.link !== prev.link && s.link !== 'open') {
        asked = '';
        s.midi.disconnect();
      }
      if (
        s.graph !== prev.graph ||
        s.link !== prev.link ||
        s.status?.server !== prev.status?.server
      )
        schedule();
    });
    schedule();
    return () => {
      clearTimeout(timer);
      off();
      const api = store.getState().api;
      if (asked !== '' && api) void api.request('setMidiMonitor', { ports: [] }).catch(() => {});
    };
  }, [store]);
}
