// The activity light of a MIDI port: its marker lights for a moment whenever
// the page's MIDI subscription carries events of the port (an input lights
// with what its sources send). Fed by the live MIDI channel, not by React:
// the light switches a class on its own element.
import type { PortInfo } from '@jackbay/core/contract';
import { peersOf } from '@jackbay/core/patch';
import { useEffect, useRef } from 'react';
import { useJackbay, useStoreApi } from '../store/context';

const LIT_MS = 120;

export function MidiActivityMarker({ port }: { port: PortInfo }) {
  const store = useStoreApi();
  const marker = useRef<HTMLSpanElement>(null);
  // One string, so the row re-renders only when its sources change.
  const watched = useJackbay((s) =>
    port.direction === 'output' ? port.name : peersOf(s.graph, port.name).sort().join('\n'),
  );
  useEffect(() => {
    if (!watched) return;
    const channel = store.getState().midi;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const light = () => {
      const element = marker.current;
      if (!element) return;
      element.classList.add('is-active');
      clearTimeout(timer);
      timer = setTimeout(() => element.classList.remove('is-active'), LIT_MS);
    };
    const offs = watched.split('\n').map((name) => channel.onActivity(name, light));
    return () => {
      clearTimeout(timer);
      for (const off of offs) off();
    };
  }, [store, watched]);
  return <span ref={marker} className="jb-marker" aria-hidden="true" data-midi-activity="" />;
}
