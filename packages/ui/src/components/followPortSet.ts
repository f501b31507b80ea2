// A page tells the service which ports it wants live data for (meters, the
// MIDI monitor) by sending the whole set whenever it changes, a moment after
// the last change; frames then come tagged with the generation the service
// answered. This is that exchange; each hook says what the set is and when it
// may have changed.
import type { JackbayStore, State } from '../store/store';

const DEBOUNCE_MS = 150;

export interface PortSetSpec {
  /** The request that replaces the page's set. */
  method: 'setMeters' | 'setMidiMonitor';
  /** The set for the current state. */
  ports(): string[];
  /** The service answered with this generation for these ports. */
  accept(s: State, ports: string[], generation: number): void;
  /** The link to the service went down: what the page holds is stale. */
  reset(s: State): void;
  /** Whether a store change may change the set. */
  affects(s: State, prev: State): boolean;
}

/** Follows the set until the returned function is called, which asks for none. */
export function followPortSet(
  store: JackbayStore,
  spec: PortSetSpec,
): { schedule: () => void; stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The set the service has (or is being asked for), one port per line.
  let asked = '';
  const run = () => {
    timer = undefined;
    const s = store.getState();
    const ports = spec.ports();
    const key = ports.join('\n');
    if (key === asked || !s.api) return;
    asked = key;
    s.api.request(spec.method, { ports }).then(
      (result) => {
        if (asked === key && result) spec.accept(s, ports, result.generation);
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
      // A new connection starts with an empty set: ask afresh when it opens.
      asked = '';
      spec.reset(s);
    }
    if (s.link !== prev.link || s.status?.server !== prev.status?.server || spec.affects(s, prev))
      schedule();
  });
  schedule();
  return {
    schedule,
    stop: () => {
      clearTimeout(timer);
      off();
      const api = store.getState().api;
      if (asked !== '' && api) void api.request(spec.method, { ports: [] }).catch(() => {});
    },
  };
}
