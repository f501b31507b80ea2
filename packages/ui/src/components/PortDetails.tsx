import { peersOf } from '@jackbay/core/patch';
import { useLayoutEffect, useRef, useState } from 'react';
import { formatLatencyRange } from '../format';
import { nameOrigin } from '../graph/names';
import { useJackbay } from '../store/context';

/** Everything JACK knows about the port under the pointer or the keyboard focus. */
export function PortDetails() {
  const details = useJackbay((s) => s.details);
  const port = useJackbay((s) => (s.details ? s.graph.ports.get(s.details.port) : undefined));
  const graph = useJackbay((s) => s.graph);
  const rate = useJackbay((s) => s.status?.sampleRate ?? 0);
  const names = useJackbay((s) => s.prettyNames);
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!details || !el) return;
    const { anchor } = details;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    const out = port?.direction === 'output';
    // Beside the port, on the side its edges leave from; flipped if that runs off screen.
    let left = out ? anchor.right + 10 : anchor.left - w - 10;
    if (left + w > window.innerWidth - 8) left = anchor.left - w - 10;
    if (left < 8) left = Math.min(anchor.right + 10, window.innerWidth - w - 8);
    const top = Math.max(8, Math.min(anchor.top - 8, window.innerHeight - h - 8));
    setPos({ left, top });
  }, [details, port]);

  if (!details || !port) return null;
  const peers = peersOf(graph, port.name);
  const origin = nameOrigin('port', port, names);
  const flags = [
    port.isPhysical && 'physical',
    port.isTerminal && 'terminal',
    port.canMonitor && 'can monitor',
  ].filter(Boolean) as string[];
  return (
    <div
      ref={ref}
      id="jb-port-details"
      className="jb-details"
      role="tooltip"
      style={pos ? { left: pos.left, top: pos.top } : { visibility: 'hidden' }}
      data-testid="port-details"
    >
      <div className="jb-details-name">{port.name}</div>
      <dl>
        <dt>Pretty name</dt>
        <dd data-testid="port-name-origin">
          {port.prettyName ?? <span className="jb-muted">none: the label is the JACK name</span>}
          {port.prettyName !== null && (
            <div className="jb-muted">
              {origin.source}
              {origin.setByJackbay && ' (set by Jackbay)'}
            </div>
          )}
          {origin.stale && <div className="jb-details-stale">⚠ {origin.stale}; F2 to fix</div>}
        </dd>
        <dt>Type</dt>
        <dd>
          <span className={`jb-type jb-${port.type}`}>
            {port.type === 'midi' ? 'MIDI' : port.type}
          </span>{' '}
          <span className="jb-muted">{port.typeString}</span>
        </dd>
        <dt>Direction</dt>
        <dd>{port.direction}</dd>
        <dt>Flags</dt>
        <dd>
          {flags.length > 0 ? flags.join(', ') : <span className="jb-muted">none</span>}{' '}
          <span className="jb-muted">(0x{port.flags.toString(16)})</span>
        </dd>
        <dt>Aliases</dt>
        <dd>
          {port.aliases.length > 0 ? (
            port.aliases.map((a) => (
              <div key={a} className="jb-mono">
                {a}
              </div>
            ))
          ) : (
            <span className="jb-muted">none</span>
          )}
        </dd>
        <dt>Latency</dt>
        <dd>
          <div>capture {formatLatencyRange(port.latency.capture, rate)}</div>
          <div>playback {formatLatencyRange(port.latency.playback, rate)}</div>
        </dd>
        <dt>Connections</dt>
        <dd>
          {peers.length > 0 ? (
            peers.map((p) => (
              <div key={p} className="jb-mono">
                {port.direction === 'output' ? '→ ' : '← '}
                {p}
              </div>
            ))
          ) : (
            <span className="jb-muted">none</span>
          )}
        </dd>
      </dl>
      <div className="jb-details-hint">Enter: connect from the keyboard · F2: rename</div>
    </div>
  );
}
