import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  type FinalConnectionState,
  type Connection as FlowConnection,
  MiniMap,
  type Node,
  type OnBeforeDelete,
  ReactFlow,
  useReactFlow,
  type Viewport,
} from '@xyflow/react';
import { type CSSProperties, useCallback, useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BORDER, HEADER, PAD, ROW } from '../graph/geometry';
import { handlePorts } from '../graph/ids';
import { planConnect } from '../graph/validate';
import type { BoxNode, PortEdge } from '../graph/view';
import { useJackbay, useStoreApi } from '../store/context';
import { ClientNode } from './ClientNode';

// Below this zoom port labels are too small to read, and are hidden.
const FAR_ZOOM = 0.6;

// Outside any component: a new object per render would re-mount every node.
const nodeTypes = { client: ClientNode };
const deleteKeys = ['Delete', 'Backspace'];
const proOptions = { hideAttribution: true };
// Nodes declare their size, but fitView counts only measured nodes unless
// told to include "hidden" ones (there are none here): this makes it use the
// declared sizes, so a fit right after a snapshot sees every box.
// A small graph is not blown up past a comfortable reading size.
export const fitOptions = { padding: 0.08, duration: 250, includeHiddenNodes: true, maxZoom: 1.25 };

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

export function GraphView() {
  const store = useStoreApi();
  const { nodes, edges, onNodesChange, onEdgesChange, fitRequest } = useJackbay(
    useShallow((s) => ({
      nodes: s.nodes,
      edges: s.edges,
      onNodesChange: s.onNodesChange,
      onEdgesChange: s.onEdgesChange,
      fitRequest: s.fitRequest,
    })),
  );
  const { fitView } = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (fitRequest === 0) return;
    // After React Flow has taken in the new nodes.
    const frame = requestAnimationFrame(() => void fitView(fitOptions));
    return () => cancelAnimationFrame(frame);
  }, [fitRequest, fitView]);

  // Called while dragging over a handle: refuse what cannot work so React
  // Flow marks the handle invalid and never calls onConnect for it.
  const isValidConnection = useCallback(
    (c: PortEdge | FlowConnection) =>
      planConnect(store.getState().graph, handlePorts(c.sourceHandle), handlePorts(c.targetHandle))
        .ok,
    [store],
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
      const port = store.getState().graph.ports.get(handlePorts(params.handleId)[0] ?? '');
      const el = wrapper.current;
      if (!el || !port) return;
      el.dataset.dragDir = port.direction;
      el.dataset.dragType = port.type;
    },
    [store],
  );

  // A refused drop ends here without onConnect: say why.
  const onConnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const el = wrapper.current;
      if (el) {
        delete el.dataset.dragDir;
        delete el.dataset.dragType;
      }
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const s = store.getState();
      const plan = planConnect(
        s.graph,
        handlePorts(state.fromHandle.id),
        handlePorts(state.toHandle.id),
      );
      if (!plan.ok) s.notify(plan.code === 'already-connected' ? 'info' : 'error', plan.reason);
    },
    [store],
  );

  // Deleting an edge asks the server; the edge goes when the server's patch says so.
  const onBeforeDelete: OnBeforeDelete<BoxNode, PortEdge> = useCallback(
    async ({ edges: doomed }) => {
      const connections = doomed.flatMap((e) => (e.data ? [e.data.connection] : []));
      void store.getState().disconnect(connections);
      return false;
    },
    [store],
  );

  // While the view pans or zooms, nothing under the pointer needs hit-testing;
  // far out, port labels are unreadable anyway: both states are CSS-only, so
  // moving the view re-renders no React component.
  const onMoveStart = useCallback(() => {
    if (wrapper.current) wrapper.current.dataset.moving = '';
  }, []);
  const onMoveEnd = useCallback((_: unknown, viewport: Viewport) => {
    const el = wrapper.current;
    if (!el) return;
    delete el.dataset.moving;
    if (viewport.zoom < FAR_ZOOM) el.dataset.far = '';
    else delete el.dataset.far;
  }, []);

  return (
    <div className="jb-graph" style={geometryStyle} ref={wrapper}>
      <ReactFlow<BoxNode, PortEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
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
        elevateEdgesOnSelect
        aria-label="Connection graph"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap
          position="bottom-right"
          pannable
          zoomable
          nodeColor={minimapColor}
          nodeStrokeWidth={0}
          ariaLabel="Overview of the graph"
        />
      </ReactFlow>
    </div>
  );
}
