// Port handles. Each is a whole row: the label and the marker are one drag
// target, larger than React Flow's dot, and the element keyboard users focus.
// An audio row also has a level meter along its bottom edge: a sibling of the
// handle (a meter inside a role="button" would be hidden from assistive
// technology), which lets every press through to the handle.
import type { PortInfo } from '@jackbay/core/contract';
import { Handle, Position } from '@xyflow/react';
import { type FocusEvent, type KeyboardEvent, type MouseEvent, memo, useMemo } from 'react';
import { portLabel } from '../graph/boxes';
import { handlePorts, pairHandleId, portHandleId } from '../graph/ids';
import type { Row } from '../graph/pairs';
import { useJackbay, useStoreApi } from '../store/context';
import type { JackbayStore } from '../store/store';
import { portTraceMark } from '../store/tools';
import { Meter } from './Meter';
import { MidiActivityMarker } from './MidiActivity';

const HOVER_DELAY_MS = 350;

function anchorOf(el: Element) {
  const r = el.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
}

// One set of handlers for every port: they read the port from the element, so
// 2000 handles share them instead of closing over their own copies.
function makeHandlers(store: JackbayStore) {
  let hoverTimer: ReturnType<typeof setTimeout> | undefined;
  const portsOf = (el: HTMLElement) => handlePorts(el.dataset.handleid);
  return {
    onFocus(e: FocusEvent<HTMLDivElement>) {
      // Only keyboard focus: a click (the start of a drag) focuses too.
      if (!e.currentTarget.matches(':focus-visible')) return;
      const [port] = portsOf(e.currentTarget);
      if (port) store.getState().showDetails(port, anchorOf(e.currentTarget));
    },
    onBlur(e: FocusEvent<HTMLDivElement>) {
      store.getState().hideDetails(portsOf(e.currentTarget)[0]);
    },
    onMouseEnter(e: MouseEvent<HTMLDivElement>) {
      const el = e.currentTarget;
      clearTimeout(hoverTimer);
      hoverTimer = setTimeout(() => {
        const [port] = portsOf(el);
        if (port && el.isConnected) store.getState().showDetails(port, anchorOf(el));
      }, HOVER_DELAY_MS);
    },
    onMouseLeave(e: MouseEvent<HTMLDivElement>) {
      clearTimeout(hoverTimer);
      if (document.activeElement !== e.currentTarget)
        store.getState().hideDetails(portsOf(e.currentTarget)[0]);
    },
    onMouseDown() {
      // A drag is starting: a details card would sit under the pointer.
      clearTimeout(hoverTimer);
      store.getState().hideDetails();
    },
    onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      e.stopPropagation();
      store.getState().openDialog(portsOf(e.currentTarget));
    },
  };
}

export function usePortHandlers() {
  const store = useStoreApi();
  return useMemo(() => makeHandlers(store), [store]);
}

type Handlers = ReturnType<typeof makeHandlers>;

interface PortProps {
  port: PortInfo;
  label: string;
  connected: boolean;
  handlers: Handlers;
  inPair?: boolean;
  /** Draw a level meter (audio ports, meters on for this client). */
  metered?: boolean;
}

export const PortHandle = memo(function PortHandle({
  port,
  label,
  connected,
  handlers,
  inPair = false,
  metered = false,
}: PortProps) {
  const out = port.direction === 'output';
  const marker =
    port.type === 'midi' ? (
      <MidiActivityMarker port={port} />
    ) : (
      <span className="jb-marker" aria-hidden="true" />
    );
  // A pretty name left on a reused UUID (names.ts): marked, explained in the details.
  const stale = useJackbay((s) =>
    s.prettyNames.stale.some((n) => n.kind === 'port' && n.name === port.name),
  );
  const text = (
    <span className="jb-port-label" data-stale={stale ? '' : undefined}>
      {label}
    </span>
  );
  const withMeter = metered && port.type === 'audio';
  // Jackbay's tools act through its own hidden ports: their effect shows here.
  const toned = useJackbay((s) => s.tonedPorts.has(port.name));
  const trace = useJackbay((s) => portTraceMark(s, port.name));
  return (
    <div
      className={`jb-row${withMeter ? ' jb-row-metered' : ''}`}
      data-tone={toned ? 'playing' : undefined}
      data-trace={trace ?? undefined}
    >
      <Handle
        type={out ? 'source' : 'target'}
        position={out ? Position.Right : Position.Left}
        id={portHandleId(port.name)}
        className={`jb-port jb-${port.type}${connected ? ' is-connected' : ''}${inPair ? ' in-pair' : ''}`}
        aria-label={port.name}
        aria-haspopup="dialog"
        role="button"
        tabIndex={0}
        data-port-name={port.name}
        data-port-type={port.type}
        data-direction={port.direction}
        {...handlers}
      >
        {out ? text : marker}
        {out ? marker : text}
      </Handle>
      {withMeter && <Meter port={port.name} />}
      {toned && (
        <span
          className="jb-tone-badge"
          role="img"
          aria-label={`Test tone playing into ${port.name}`}
        >
          ♪
        </span>
      )}
    </div>
  );
});

interface PairProps {
  row: Extract<Row, { kind: 'pair' }>;
  connected: ReadonlySet<string>;
  handlers: Handlers;
  metered: boolean;
}

/** A stereo pair: one handle for both (drag it to connect both), and one per channel. */
export const PairGroup = memo(function PairGroup({ row, connected, handlers, metered }: PairProps) {
  const out = row.left.direction === 'output';
  const name = `${row.left.name} + ${row.right.name}`;
  // In a trace the pair's own name fades only when neither channel carries the signal.
  const trace = useJackbay((s) => {
    const left = portTraceMark(s, row.left.name);
    return left === 'signal' ? left : portTraceMark(s, row.right.name);
  });
  const both = connected.has(row.left.name) && connected.has(row.right.name);
  const group = (
    <Handle
      type={out ? 'source' : 'target'}
      position={out ? Position.Right : Position.Left}
      id={pairHandleId(row.left.name, row.right.name)}
      className={`jb-pair-handle jb-${row.left.type}${both ? ' is-connected' : ''}`}
      aria-label={`${name} (stereo pair)`}
      aria-haspopup="dialog"
      role="button"
      tabIndex={0}
      data-pair-left={row.left.name}
      data-pair-right={row.right.name}
      onKeyDown={handlers.onKeyDown}
      onMouseDown={handlers.onMouseDown}
    >
      <span className="jb-pair-base">{row.base || `${row.leftLabel}/${row.rightLabel}`}</span>
      <span className="jb-pair-glyph" aria-hidden="true" />
    </Handle>
  );
  const channels = (
    <div className="jb-pair-channels">
      <PortHandle
        port={row.left}
        label={row.left.prettyName ?? row.leftLabel}
        connected={connected.has(row.left.name)}
        handlers={handlers}
        inPair
        metered={metered}
      />
      <PortHandle
        port={row.right}
        label={row.right.prettyName ?? row.rightLabel}
        connected={connected.has(row.right.name)}
        handlers={handlers}
        inPair
        metered={metered}
      />
    </div>
  );
  return (
    <div
      className={`jb-pair ${out ? 'jb-pair-out' : 'jb-pair-in'}`}
      data-trace={trace ?? undefined}
    >
      {out ? group : channels}
      {out ? channels : group}
    </div>
  );
});

export function RowView({
  row,
  connected,
  handlers,
  metered,
}: {
  row: Row;
  connected: ReadonlySet<string>;
  handlers: Handlers;
  metered: boolean;
}) {
  if (row.kind === 'pair')
    return <PairGroup row={row} connected={connected} handlers={handlers} metered={metered} />;
  return (
    <PortHandle
      port={row.port}
      label={portLabel(row.port)}
      connected={connected.has(row.port.name)}
      handlers={handlers}
      metered={metered}
    />
  );
}
