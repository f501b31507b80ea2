import { Handle, type NodeProps, Position } from '@xyflow/react';
import { type CSSProperties, memo, useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { plural } from '../format';
import type { Box } from '../graph/boxes';
import type { HiddenLinks } from '../graph/hidden';
import { collapsedHandleId, pairHandleId, portHandleId } from '../graph/ids';
import { nameOrigin } from '../graph/names';
import type { Row } from '../graph/pairs';
import type { BoxNode } from '../graph/view';
import { useJackbay } from '../store/context';
import { BoxBody } from './BoxBody';
import { BoxSummary } from './BoxSummary';
import { useMeasureSoon } from './measureBoxes';
import { RowView, usePortHandlers } from './ports';

// How far this box's text may grow when the view zooms out (app.css clamps
// the step size between these and the smallest readable size).
function fitStyle(box: Box): CSSProperties {
  return {
    '--jb-label-fit': `${box.labelFit}px`,
    '--jb-title-fit': `${box.titleFit}px`,
  } as CSSProperties;
}

function handleIds(rows: readonly Row[]): string[] {
  return rows.flatMap((r) =>
    r.kind === 'port'
      ? [portHandleId(r.port.name)]
      : [
          pairHandleId(r.left.name, r.right.name),
          portHandleId(r.left.name),
          portHandleId(r.right.name),
        ],
  );
}

function isAudioRow(row: Row): boolean {
  return (row.kind === 'port' ? row.port.type : row.left.type) === 'audio';
}

function glyph(box: Box): string {
  if (box.physical) return box.side === 'in' ? '◧' : box.side === 'out' ? '◨' : '▣';
  return box.role === 'source' ? '▸' : box.role === 'sink' ? '▹' : '◆';
}

/** On a box's side: its connections there that lead to hidden clients or port types. */
function HiddenHint({ side, links }: { side: 'in' | 'out'; links: HiddenLinks }) {
  const text = `${plural(links.count, 'connection')} to hidden ${links.clients.join(', ')}`;
  return (
    <span
      className={`jb-hidden-hint jb-hidden-hint-${side}`}
      role="img"
      aria-label={text}
      title={text}
    >
      {links.count}
    </span>
  );
}

/** Where a collapsed box's connections meet: one handle per side that has ports. */
function HeaderHandles({ box }: { box: Box }) {
  return (
    <>
      {box.inputs.length > 0 && (
        <Handle
          type="target"
          position={Position.Left}
          id={collapsedHandleId('in')}
          className="jb-header-handle"
          isConnectable={false}
        />
      )}
      {box.outputs.length > 0 && (
        <Handle
          type="source"
          position={Position.Right}
          id={collapsedHandleId('out')}
          className="jb-header-handle"
          isConnectable={false}
        />
      )}
    </>
  );
}

function ClientNodeView({ id, data }: NodeProps<BoxNode>) {
  const { box, connected, ghost, collapsed, summary, connections, hidden } = data;
  // Collapsed or summarised, the header's handles stand for the rows.
  const folded = collapsed || summary;
  const handlers = usePortHandlers();
  const measureSoon = useMeasureSoon();
  // Ports come and go, and a box folds: React Flow must re-measure handles when they do.
  const signature = useMemo(
    () =>
      folded
        ? `folded ${box.inputs.length > 0} ${box.outputs.length > 0}`
        : [...handleIds(box.inputs), '|', ...handleIds(box.outputs)].join('\n'),
    [box, folded],
  );
  // Not on mount: React Flow measures new nodes itself, in one batch.
  const measured = useRef(signature);
  useEffect(() => {
    if (measured.current === signature) return;
    measured.current = signature;
    measureSoon(id);
  }, [id, signature, measureSoon]);

  const fullName = box.client.prettyName
    ? `${box.client.prettyName} (${box.client.name})`
    : box.client.name;
  const empty = box.inputs.length === 0 && box.outputs.length === 0;
  const client = box.client.name;
  const { metersOn, clientOn, setClientMeters, dismissGhost, setCollapsed, names } = useJackbay(
    useShallow((s) => ({
      metersOn: s.metersOn,
      clientOn: !s.metersOff.has(client),
      setClientMeters: s.setClientMeters,
      dismissGhost: s.dismissGhost,
      setCollapsed: s.setCollapsed,
      names: s.prettyNames,
    })),
  );
  const label = box.subtitle ? `${box.client.name} ${box.subtitle}` : box.client.name;
  const origin = useMemo(() => nameOrigin('client', box.client, names), [box.client, names]);
  const metered = metersOn && clientOn && !ghost;
  const hasAudio = useMemo(() => [...box.inputs, ...box.outputs].some(isAudioRow), [box]);
  return (
    <section
      className={`jb-box jb-box-${box.side} jb-role-${box.role}${box.physical ? ' jb-hw' : ''}${ghost ? ' jb-ghost' : ''}${collapsed ? ' jb-collapsed' : ''}`}
      aria-label={`${label}${ghost ? ' (gone)' : ''}`}
      data-client={box.client.name}
      data-ghost={ghost ? '' : undefined}
      data-collapsed={collapsed ? '' : undefined}
      data-summary={summary && !collapsed ? '' : undefined}
      data-side={box.side}
      style={fitStyle(box)}
    >
      <header
        className="jb-box-header"
        title={
          ghost
            ? `${fullName}: gone; its connections come back when it returns`
            : `${fullName}\n${origin.source}${origin.setByJackbay ? ' (set by Jackbay)' : ''}${origin.stale ? `\n⚠ ${origin.stale}; F2 to fix` : ''}`
        }
      >
        <button
          type="button"
          className="jb-box-collapse nodrag"
          aria-expanded={!collapsed}
          aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${label}`}
          title={collapsed ? 'Show the ports' : 'Collapse to the title'}
          onClick={() => setCollapsed(id, !collapsed)}
        >
          <svg viewBox="0 0 10 10" aria-hidden="true" className="jb-collapse-icon">
            <path d={collapsed ? 'M3 1.5 7 5 3 8.5' : 'M1.5 3 5 7 8.5 3'} />
          </svg>
        </button>
        <span className="jb-box-glyph" aria-hidden="true">
          {glyph(box)}
        </span>
        <span className="jb-box-title">{box.title}</span>
        {collapsed && (
          <span
            className="jb-box-count"
            role="img"
            aria-label={plural(connections, 'connection')}
            title={plural(connections, 'connection')}
          >
            {connections}
          </span>
        )}
        {origin.stale && !ghost && (
          <span className="jb-box-stale" role="img" aria-label="pretty name probably stale">
            ⚠
          </span>
        )}
        {box.subtitle && <span className="jb-box-sub">{box.subtitle}</span>}
        {ghost && (
          <button
            type="button"
            className="jb-box-forget nodrag"
            aria-label={`Forget ${client}`}
            title="Gone: its connections come back when it returns. Forget it and them."
            onClick={() => void dismissGhost(client)}
          >
            ×
          </button>
        )}
        {metersOn && hasAudio && !ghost && !folded && (
          <button
            type="button"
            className={`jb-box-meters nodrag${clientOn ? ' is-on' : ''}`}
            aria-pressed={clientOn}
            aria-label={`Meters of ${client}`}
            title={clientOn ? 'Hide this client’s meters' : 'Show this client’s meters'}
            onClick={() => setClientMeters(client, !clientOn)}
          >
            <svg viewBox="0 0 12 12" aria-hidden="true" className="jb-meters-icon">
              <rect x="1" y="6" width="2.4" height="5" />
              <rect x="4.8" y="3" width="2.4" height="8" />
              <rect x="8.6" y="1" width="2.4" height="10" />
            </svg>
          </button>
        )}
        {folded && <HeaderHandles box={box} />}
      </header>
      {hidden?.in && <HiddenHint side="in" links={hidden.in} />}
      {hidden?.out && <HiddenHint side="out" links={hidden.out} />}
      {summary && !collapsed && <BoxSummary box={box} connections={connections} />}
      {!folded && (
        <BoxBody metered={metered && hasAudio}>
          {empty && <div className="jb-box-empty">no ports</div>}
          {box.inputs.length > 0 && (
            <div className="jb-col jb-col-in">
              {box.inputs.map((r) => (
                <RowView
                  key={r.kind === 'port' ? r.port.name : r.left.name}
                  row={r}
                  connected={connected}
                  handlers={handlers}
                  metered={metered}
                />
              ))}
            </div>
          )}
          {box.outputs.length > 0 && (
            <div className="jb-col jb-col-out">
              {box.outputs.map((r) => (
                <RowView
                  key={r.kind === 'port' ? r.port.name : r.left.name}
                  row={r}
                  connected={connected}
                  handlers={handlers}
                  metered={metered}
                />
              ))}
            </div>
          )}
        </BoxBody>
      )}
    </section>
  );
}

export const ClientNode = memo(ClientNodeView);
