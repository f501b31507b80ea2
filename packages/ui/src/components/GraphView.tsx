import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  type FinalConnectionState,
  type FitViewOptions,
  type Connection as FlowConnection,
  MiniMap,
  type Node,
  type OnBeforeDelete,
  ReactFlow,
  type ReactFlowState,
  useStoreApi as useFlowStoreApi,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import {
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
} from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  BORDER,
  FIT_MAX_ZOOM,
  HEADER,
  LABEL_FONT,
  LABEL_SIZES,
  MIN_SCREEN_FONT,
  PAD,
  ROW,
  readableSize,
  TITLE_FONT,
  TITLE_SIZES,
} from '../graph/geometry';
import { handlePorts } from '../graph/ids';
import { planConnect } from '../graph/validate';
import { type BoxNode, type PortEdge, routeEdges } from '../graph/view';
import { useJackbay, useStoreApi } from '../store/context';
import type { State } from '../store/store';
import type { MenuTarget } from '../store/tools';
import { makeBridgeDrop } from './bridgeDrop';
import { ClientNode } from './ClientNode';
import { useLevelOfDetail } from './useLevelOfDetail';
import { useMeterSubscription } from './useMeterSubscription';
import { useSignalTrace } from './useSignalTrace';
import { WireEdge } from './WireEdge';

// Outside any component: a new object per render would re-mount every node.
const nodeTypes = { client: ClientNode };
// Every edge is drawn by WireEdge (it replaces React Flow's default Bézier).
const edgeTypes = { default: WireEdge };
const deleteKeys = ['Delete', 'Backspace'];
const proOptions = { hideAttribution: true };
// Nodes declare their size, but fitView counts only measured nodes unless
// told to include "hidden" ones (there are none here): this makes it use the
// declared sizes, so a fit right after a snapshot sees every box.
// The left padding keeps ports clear of the zoom controls; the overview map
// is hidden while the whole graph is in view, so it covers nothing at Fit.
export const fitOptions: FitViewOptions = {
  padding: { top: '20px', right: '20px', bottom: '20px', left: '60px' },
  duration: 250,
  includeHiddenNodes: true,
  maxZoom: FIT_MAX_ZOOM,
};

// Text is drawn only where it is readable: as the view zooms out, labels and
// titles grow a step or two (as far as their rows and headers allow), then
// are hidden rather than drawn smaller than MIN_SCREEN_FONT on screen. One
// string, so the graph re-renders only when a size changes.
const textSizes = (s: ReactFlowState): string => {
  const zoom = s.transform[2];
  return `${readableSize(LABEL_SIZES, zoom) ?? 0} ${readableSize(TITLE_SIZES, zoom) ?? 0}`;
};

function textStyle(sizes: string): { style: CSSProperties; shown: string } {
  const [label = 0, title = 0] = sizes.split(' ').map(Number);
  const style = {
    ...geometryStyle,
    '--jb-label-font': `${label || LABEL_FONT}px`,
    '--jb-title-font': `${title || TITLE_FONT}px`,
  } as CSSProperties;
  const shown = label === LABEL_FONT ? 'all' : label ? 'labels' : title ? 'titles' : 'none';
  return { style, shown };
}

// Whether some box lies (partly) outside the view: only then is the overview map worth its space.
const partlyOutOfView = (s: ReactFlowState): boolean => {
  const [tx, ty, zoom] = s.transform;
  for (const node of s.nodeLookup.values()) {
    const { x, y } = node.internals.positionAbsolute;
    const w = node.measured.width ?? node.width ?? 0;
    const h = node.measured.height ?? node.height ?? 0;
    if (x * zoom + tx < 0 || y * zoom + ty < 0) return true;
    if ((x + w) * zoom + tx > s.width || (y + h) * zoom + ty > s.height) return true;
  }
  return false;
};

// The geometry the layout assumed, handed to the stylesheet.
const geometryStyle = {
  '--jb-row': `${ROW}px`,
  '--jb-header': `${HEADER}px`,
  '--jb-pad': `${PAD}px`,
  '--jb-border': `${BORDER}px`,
} as CSSProperties;

function minimapColor(n: Node): string {
  const box = (n as BoxNode).data?.box;
  if (!box) return '#3a4150';
  if (box.physical) return '#5b6b86';
  return box.role === 'processor' ? '#4d5d55' : '#454c5a';
}

/** What a context menu opened on `el` is about: a port, a pair, a connection, a client or the canvas. */
function menuTargetOf(s: State, el: Element): MenuTarget {
  const pair = el.closest<HTMLElement>('[data-pair-left]');
  if (pair?.dataset.pairLeft && pair.dataset.pairRight)
    return { kind: 'port', ports: [pair.dataset.pairLeft, pair.dataset.pairRight] };
  const port = el.closest<HTMLElement>('[data-port-name]')?.dataset.portName;
  if (port) return { kind: 'port', ports: [port] };
  const edgeId = el.closest<HTMLElement>('.react-flow__edge')?.dataset.id;
  const edge = edgeId ? s.edges.find((e) => e.id === edgeId)?.data : undefined;
  if (edge) return { kind: 'edge', connection: edge.connection };
  const route = edgeId?.startsWith('route:') ? Number(edgeId.slice(6)) : null;
  const thru = s.tools.thrus.find((t) => t.id === route);
  if (thru) return { kind: 'route', thru };
  const nodeId = el.closest<HTMLElement>('.react-flow__node')?.dataset.id;
  const box = nodeId ? s.nodes.find((n) => n.id === nodeId)?.data.box : undefined;
  if (box) return { kind: 'client', name: box.client.name, box: box.id };
  return { kind: 'canvas' };
}

export function GraphView() {
  const store = useStoreApi();
  const { nodes, edges, thrus, folded, onNodesChange, onEdgesChange, fitRequest } = useJackbay(
    useShallow((s) => ({
      nodes: s.nodes,
      edges: s.edges,
      thrus: s.tools.thrus,
      folded: s.folded,
      onNodesChange: s.onNodesChange,
      onEdgesChange: s.onEdgesChange,
      fitRequest: s.fitRequest,
    })),
  );
  const { fitView, setViewport } = useReactFlow();
  const flow = useFlowStoreApi();
  const wrapper = useRef<HTMLDivElement>(null);
  // Jackbay's thru routes join the connections as edges of their own kind.
  const drawn = useMemo(
    () =>
      thrus.length === 0
        ? edges
        : [
            ...edges,
            ...routeEdges(
              nodes.map((n) => n.data.box),
              thrus,
              folded,
            ),
          ],
    [nodes, edges, thrus, folded],
  );
  const sizes = useStore(textSizes);
  const text = useMemo(() => textStyle(sizes), [sizes]);
  const overview = useStore(partlyOutOfView);
  useMeterSubscription();
  useSignalTrace();
  useLevelOfDetail();

  // The smallest font still readable at this zoom (rounded up: rounding down
  // drew 10.9994 px), for boxes whose text may not grow to the current step
  // (see labelFit in graph/boxes.ts). Written
  // straight to the wrapper as the view zooms: no React render.
  useEffect(() => {
    const write = (zoom: number) =>
      wrapper.current?.style.setProperty(
        '--jb-min-font',
        `${Math.ceil((MIN_SCREEN_FONT / zoom) * 100) / 100}px`,
      );
    let last = flow.getState().transform[2];
    write(last);
    return flow.subscribe((s) => {
      const zoom = s.transform[2];
      if (zoom === last) return;
      last = zoom;
      write(zoom);
    });
  }, [flow]);

  useEffect(() => {
    if (fitRequest === 0) return;
    // Back from the matrix: the camera as it was left, unless a fit was asked for since.
    const kept = store.getState().keptViewport;
    if (kept?.fitRequest === fitRequest) {
      void setViewport(kept.viewport);
      return;
    }
    // After React Flow has taken in the new nodes.
    const frame = requestAnimationFrame(() => void fitView(fitOptions));
    return () => cancelAnimationFrame(frame);
  }, [fitRequest, fitView, setViewport, store]);

  // Called while dragging over a handle: refuse what cannot work so React
  // Flow marks the handle invalid and never calls onConnect for it.
  const bridgeDrop = useMemo(() => makeBridgeDrop(store), [store]);
  const isValidConnection = useCallback(
    (c: PortEdge | FlowConnection) =>
      !bridgeDrop.over &&
      planConnect(store.getState().graph, handlePorts(c.sourceHandle), handlePorts(c.targetHandle))
        .ok,
    [store, bridgeDrop],
  );

  const onConnect = useCallback(
    (c: FlowConnection) => {
      void store.getState().connect(handlePorts(c.sourceHandle), handlePorts(c.targetHandle));
    },
    [store],
  );

  // While a drag is under way the stylesheet fades every port that cannot
  // take it: two attributes on the wrapper, no re-render of 2000 handles.
  const onConnectStart = useCallback(
    (_: unknown, params: { handleId: string | null }) => {
      bridgeDrop.start(params.handleId);
      const port = store.getState().graph.ports.get(handlePorts(params.handleId)[0] ?? '');
      const el = wrapper.current;
      if (!el || !port) return;
      el.dataset.dragDir = port.direction;
      el.dataset.dragType = port.type;
    },
    [store, bridgeDrop],
  );

  // A refused drop ends here without onConnect: say why.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const el = wrapper.current;
      if (el) {
        delete el.dataset.dragDir;
        delete el.dataset.dragType;
      }
      if (bridgeDrop.end(event)) return;
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const s = store.getState();
      const plan = planConnect(
        s.graph,
        handlePorts(state.fromHandle.id),
        handlePorts(state.toHandle.id),
      );
      if (!plan.ok) s.notify(plan.code === 'already-connected' ? 'info' : 'error', plan.reason);
    },
    [store, bridgeDrop],
  );

  // Deleting an edge asks the server; the edge goes when the server's patch says so.
  const onBeforeDelete: OnBeforeDelete<BoxNode, PortEdge> = useCallback(
    async ({ edges: doomed }) => {
      const s = store.getState();
      const connections = doomed.flatMap((e) =>
        e.data && e.data.route === undefined && !e.data.ghost ? [e.data.connection] : [],
      );
      if (connections.length > 0) void s.disconnect(connections);
      for (const e of doomed) {
        if (e.data?.route !== undefined) void s.removeThru(e.data.route);
        // A remembered connection to a client that went away: forgotten.
        else if (e.data?.ghost) void s.forgetConnection(e.data.connection);
      }
      return false;
    },
    [store],
  );

  // While the view pans or zooms, nothing under the pointer needs hit-testing:
  // a CSS-only state, so moving the view re-renders no React component.
  const onMoveStart = useCallback(() => {
    if (wrapper.current) wrapper.current.dataset.moving = '';
  }, []);
  const onMoveEnd = useCallback(() => {
    if (wrapper.current) delete wrapper.current.dataset.moving;
  }, []);

  const openMenuAt = useCallback(
    (el: Element, x: number, y: number) => {
      const s = store.getState();
      s.openMenu(menuTargetOf(s, el), x, y);
    },
    [store],
  );

  // Below the focused item when the keyboard asked (x, y are then not a pointer's).
  const openMenuBelow = useCallback(
    (el: Element) => {
      const r = el.getBoundingClientRect();
      openMenuAt(el, r.left + Math.min(r.width, 24), r.bottom);
    },
    [openMenuAt],
  );

  const onContextMenu = useCallback(
    (e: ReactMouseEvent<HTMLDivElement>) => {
      e.preventDefault();
      // Chromium on Linux follows the Menu key or Shift+F10 with a contextmenu
      // event of its own (button 0), after onKeyDown has opened the menu.
      if (e.button !== 2) {
        if (!store.getState().menu) openMenuBelow(document.activeElement ?? (e.target as Element));
        return;
      }
      openMenuAt(e.target as Element, e.clientX, e.clientY);
    },
    [store, openMenuAt, openMenuBelow],
  );

  // The keyboard's way to the same menu, on whatever has the focus.
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'ContextMenu' && !(e.key === 'F10' && e.shiftKey)) return;
      e.preventDefault();
      openMenuBelow(document.activeElement ?? (e.target as Element));
    },
    [openMenuBelow],
  );

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the menu keys act on the focused port, box or connection inside
    <div
      className="jb-graph"
      style={text.style}
      ref={wrapper}
      data-text={text.shown}
      onContextMenu={onContextMenu}
      onKeyDown={onKeyDown}
    >
      <ReactFlow<BoxNode, PortEdge>
        nodes={nodes}
        edges={drawn}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onBeforeDelete={onBeforeDelete}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        connectionMode={ConnectionMode.Loose}
        connectOnClick={false}
        deleteKeyCode={deleteKeys}
        colorMode="dark"
        minZoom={0.1}
        maxZoom={2.5}
        proOptions={proOptions}
        connectionRadius={24}
        aria-label="Connection graph"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        {overview && (
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            ariaLabel="Overview of the graph"
          />
        )}
      </ReactFlow>
    </div>
  );
}
