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

export function makeBridgeDrop(store: JackbayStore) {
  let ports: string[] = [];
  // The open bridge and where it lies, taken when the drag starts (it does not move meanwhile).
  let bridge: { element: Element; rect: DOMRect } | null = null;
  let over = false;
  const overBridge = (event: MouseEvent | TouchEvent) => {
    const point = pointOf(event);
    const rect = bridge?.rect;
    return (
      !!point &&
      !!rect &&
      point.x >= rect.left &&
      point.x <= rect.right &&
      point.y >= rect.top &&
      point.y <= rect.bottom
    );
  };
  const mark = (now: boolean) => {
    if (now === over) return;
    over = now;
    // The stylesheet shows whether the drop would put the port on the bridge.
    if (now) bridge?.element.setAttribute('data-drop', ports.length > 0 ? 'accept' : 'refuse');
    else bridge?.element.removeAttribute('data-drop');
  };
  // Captured on the window: it runs before React Flow's own handlers check the handle.
  const track = (event: MouseEvent | TouchEvent) => mark(overBridge(event));
  const stopTracking = () => {
    window.removeEventListener('mousemove', track, true);
    window.removeEventListener('touchmove', track, true);
  };
  return {
    /** A connection drag starts from `handleId`. */
    start(handleId: string | null): void {
      mark(false);
      stopTracking();
      const element = document.querySelector(BRIDGE);
      bridge = element ? { element, rect: element.getBoundingClientRect() } : null;
      // No bridge open: nothing to follow.
      if (!bridge) return;
      const { graph } = store.getState();
      const names = handlePorts(handleId);
      const audio = names.every((name) => graph.ports.get(name)?.type === 'audio');
      ports = audio && names.length > 0 && names.length <= 2 ? names : [];
      window.addEventListener('mousemove', track, true);
      window.addEventListener('touchmove', track, true);
    },
    /** Whether the pointer is over the bridge now: no port may take the connection. */
    get over(): boolean {
      return over;
    },
    /** The drag ended; true when it ended on the bridge (and the port went on it if it can). */
    end(event: MouseEvent | TouchEvent): boolean {
      stopTracking();
      const on = overBridge(event);
      mark(false);
      if (on && ports.length > 0) void store.getState().addToBridge(ports);
      ports = [];
      bridge = null;
      return on;
    },
  };
}
