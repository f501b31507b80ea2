// Patching from the keyboard: Enter on a port opens this list of every port
// it could connect to; type to filter, arrows to choose, Enter to connect (or
// to disconnect what is already connected), Escape to go back to the port.
import type { Graph } from '@jackbay/core/patch';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { buildBoxes, portLabel } from '../graph/boxes';
import { planConnect } from '../graph/validate';
import { useJackbay } from '../store/context';

interface Candidate {
  key: string;
  ports: string[];
  client: string;
  label: string;
  state: 'connected' | 'partial' | 'none';
  pair: boolean;
}

function candidatesFor(graph: Graph, from: readonly string[]): Candidate[] {
  const first = graph.ports.get(from[0] ?? '');
  if (!first) return [];
  const want = first.direction === 'output' ? 'input' : 'output';
  const out: Candidate[] = [];
  const add = (ports: string[], client: string, label: string, pair: boolean) => {
    const plan = planConnect(graph, from, ports);
    if (!plan.ok && plan.code !== 'already-connected') return; // cannot work: not offered
    const state = !plan.ok ? 'connected' : plan.alreadyConnected.length > 0 ? 'partial' : 'none';
    out.push({ key: ports.join('\n'), ports, client, label, state, pair });
  };
  for (const box of buildBoxes(graph)) {
    const rows = want === 'input' ? box.inputs : box.outputs;
    const client = box.title;
    for (const r of rows) {
      if (r.kind === 'port') add([r.port.name], client, portLabel(r.port), false);
      else {
        add(
          [r.left.name, r.right.name],
          client,
          `${r.base || 'pair'} ${r.leftLabel}+${r.rightLabel}`,
          true,
        );
        add([r.left.name], client, portLabel(r.left), false);
        add([r.right.name], client, portLabel(r.right), false);
      }
    }
  }
  return out;
}

export function ConnectDialog() {
  const { dialog, graph, close, toggle, disconnectAll } = useJackbay(
    useShallow((s) => ({
      dialog: s.dialog,
      graph: s.graph,
      close: s.closeDialog,
      toggle: s.toggle,
      disconnectAll: s.disconnectAll,
    })),
  );
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const returnTo = useRef<Element | null>(null);
  const listId = useId();

  const from = dialog?.from ?? null;
  const candidates = useMemo(() => (from ? candidatesFor(graph, from) : []), [graph, from]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return candidates;
    return candidates.filter((c) =>
      `${c.client} ${c.label} ${c.ports.join(' ')}`.toLowerCase().includes(q),
    );
  }, [candidates, query]);

  useEffect(() => {
    if (!from) return;
    returnTo.current = document.activeElement;
    setQuery('');
    setActive(0);
    input.current?.focus();
    return () => {
      const el = returnTo.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
    };
  }, [from]);

  useEffect(() => {
    if (active >= shown.length) setActive(Math.max(0, shown.length - 1));
  }, [shown.length, active]);

  if (!from) return null;
  const title = from.join(' + ');
  const current = shown[active];

  const choose = async (c: Candidate | undefined) => {
    if (!c) return;
    close();
    await toggle(from, c.ports);
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Escape does from the keyboard
    <div
      className="jb-modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="jb-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={`Connect ${title}`}
        data-testid="connect-dialog"
      >
        <div className="jb-dialog-head">
          <div className="jb-dialog-title">
            Connect <span className="jb-mono">{title}</span>
          </div>
          <button
            type="button"
            className="jb-btn jb-btn-small"
            onClick={() => {
              close();
              for (const p of from) void disconnectAll(p);
            }}
          >
            Disconnect all
          </button>
        </div>
        <input
          ref={input}
          className="jb-dialog-filter"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={current ? `${listId}-${active}` : undefined}
          aria-label="Destination"
          placeholder="Type to filter destinations"
          value={query}
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((i) => Math.min(shown.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
            else if (e.key === 'PageDown') setActive((i) => Math.min(shown.length - 1, i + 10));
            else if (e.key === 'PageUp') setActive((i) => Math.max(0, i - 10));
            else if (e.key === 'Enter') void choose(current);
            else if (e.key === 'Escape') close();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <div id={listId} className="jb-options" role="listbox" aria-label="Destinations">
          {shown.length === 0 && (
            <div className="jb-options-empty">Nothing here can connect to it.</div>
          )}
          {shown.map((c, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input above handles the keys for the list
            <div
              key={c.key}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              tabIndex={-1}
              className={`jb-option${i === active ? ' active' : ''}${c.pair ? ' pair' : ''}`}
              ref={i === active ? (el) => el?.scrollIntoView({ block: 'nearest' }) : undefined}
              onMouseMove={() => setActive(i)}
              onClick={() => void choose(c)}
              data-ports={c.ports.join('\n')}
            >
              <span className="jb-option-client">{c.client}</span>
              <span className="jb-option-port">{c.label}</span>
              <span className={`jb-option-state ${c.state}`}>
                {c.state === 'connected' ? '● connected' : c.state === 'partial' ? '◐ partly' : ''}
              </span>
            </div>
          ))}
        </div>
        <div className="jb-dialog-foot">
          ↑↓ choose · Enter {current?.state === 'connected' ? 'disconnects' : 'connects'} · Esc
          closes
        </div>
      </div>
    </div>
  );
}
