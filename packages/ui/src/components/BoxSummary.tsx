// A box zoomed out too far for its rows (graph/detail.ts): in their place,
// its name and how many ports and connections it has, drawn at the smallest
// size still readable at this zoom (the stylesheet's --jb-min-font), as far
// as the box holds them.
import { memo } from 'react';
import { plural } from '../format';
import { type Box, rowCount } from '../graph/boxes';

function portsLine(inputs: number, outputs: number): string {
  if (inputs === 0 && outputs === 0) return 'no ports';
  const sides = [];
  if (inputs > 0) sides.push(`${inputs} in`);
  if (outputs > 0) sides.push(`${outputs} out`);
  return sides.join(' · ');
}

export const BoxSummary = memo(function BoxSummary({
  box,
  connections,
}: {
  box: Box;
  connections: number;
}) {
  const inputs = rowCount(box.inputs);
  const outputs = rowCount(box.outputs);
  return (
    <div className="jb-box-summary" data-ports={inputs + outputs}>
      <span className="jb-summary-title">{box.title}</span>
      <span>{portsLine(inputs, outputs)}</span>
      <span>{plural(connections, 'connection')}</span>
    </div>
  );
});
