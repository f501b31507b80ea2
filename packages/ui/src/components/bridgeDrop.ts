// An audio port (or a stereo pair) dragged from the graph onto the open
// meter bridge goes on the bridge. The drag is React Flow's connection drag
// from the port: while the pointer is over the bridge no port may take the
// connection (the bridge lies over the graph, and React Flow would snap to a
// handle under it), and the drop there adds the port instead of connecting.
import { handlePorts } from '../graph/ids';
import type { JackbayStore } from '../store/store';

const BRIDGE = '.jb-bridge';

function pointOf(event: MouseEvent | TouchEvent): { x: number; y: number } | null {
  if ('clientX' in event) return { x: event.clientX, y: event.clientY };
  const touch = event.changedTouches[0] ?? event.touches[0];
  return touch ? { x: touch.clientX, y: touch.clientY } : null;
}

function bridgeAt(event: MouseEvent | TouchEvent): Element | null {
  const point = pointOf(event);
  return point ? (document.elementFromPoint(point.x, point.y)?.closest(BRIDGE) ?? null) : null;
}

export function makeBridgeDrop(store: JackbayStore) {
  let ports: string[] = [];
  let bridge: Element | null = null;
  const mark = (next: Element | null) => {
    if (next === bridge) return;
    bridge?.removeAttribute('data-drop');
    bridge = next;
    // The stylesheet shows whether the drop would put the port on the bridge.
    bridge?.setAttribute('data-drop', ports.length > 0 ? 'accept' : 'refuse');
  };
  // Captured on the window: it runs before React Flow's own handlers check the handle.
  const track = (event: MouseEvent | TouchEvent) => mark(bridgeAt(event));
  const stopTracking = () => {
    window.removeEventListener('mousemove', track, true);
    window.removeEventListener('touchmove', track, true);
  };
  return {
    /** A connection drag starts from `handleId`. */
    start(handleId: string | null): void {
      const { graph } = store.getState();
      const names = handlePorts(handleId);
      const audio = names.every((name) => graph.ports.get(name)?.type === 'audio');
      ports = audio && names.length > 0 && names.length <= 2 ? names : [];
      mark(null);
      stopTracking();
      window.addEventListener('mousemove', track, true);
      window.addEventListener('touchmove', track, true);
    },
    /** Whether the pointer is over the bridge now: no port may take the connection. */
    get over(): boolean {
      return bridge !== null;
    },
    /** The drag ended; true when it ended on the bridge (and the port went on it if it can). */
    end(event: MouseEvent | TouchEvent): boolean {
      stopTracking();
      const on = bridgeAt(event) !== null;
      mark(null);
      if (on && ports.length > 0) void store.getState().addToBridge(ports);
      ports = [];
      return on;
    },
  };
}
