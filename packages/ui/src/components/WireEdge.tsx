// Every connection's drawing: a Bézier from left to right, or, where that
// would hide behind the boxes (a client to itself, stacked boxes), a route
// around them.
import {
  BaseEdge,
  type EdgeProps,
  getBezierPath,
  type InternalNode,
  useInternalNode,
} from '@xyflow/react';
import { memo } from 'react';
import type { Rect } from '../graph/layout';
import type { PortEdge } from '../graph/view';
import { needsRoute, routedPath } from '../graph/wire';
import { useJackbay } from '../store/context';

function rectOf(node: InternalNode): Rect {
  const { x, y } = node.internals.positionAbsolute;
  return {
    x,
    y,
    width: node.measured.width ?? node.width ?? 0,
    height: node.measured.height ?? node.height ?? 0,
  };
}

export const WireEdge = memo(function WireEdge(props: EdgeProps<PortEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, data } = props;
  // In a signal trace, a connection carries the tone when both its ends do.
  const trace = useJackbay((s) => {
    if (!s.trace || !data) return null;
    const { source: from, destination } = data.connection;
    return s.trace.has(from) && s.trace.has(destination) ? 'signal' : 'silent';
  });
  const from = useInternalNode(source);
  const to = useInternalNode(target);
  const s = { x: sourceX, y: sourceY };
  const t = { x: targetX, y: targetY };
  const path =
    from && to && needsRoute(s, t)
      ? routedPath(s, t, rectOf(from), rectOf(to))
      : getBezierPath({
          sourceX,
          sourceY,
          sourcePosition: props.sourcePosition,
          targetX,
          targetY,
          targetPosition: props.targetPosition,
        })[0];
  return (
    <BaseEdge
      id={id}
      path={path}
      markerEnd={props.markerEnd}
      style={props.style}
      interactionWidth={props.interactionWidth}
      className={trace ? `jb-trace-${trace}` : undefined}
    />
  );
});
