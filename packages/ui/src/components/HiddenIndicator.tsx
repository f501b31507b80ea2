// The toolbar's "N hidden": shown while the graph has hidden clients or port
// types (hiding.ts), it opens the list of them, each with its way back.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { withGhosts } from '../graph/ghosts';
import { hiddenNow, TYPE_NAMES } from '../graph/hidden';
import { useJackbay } from '../store/context';

export function HiddenIndicator() {
  const { graph, ghosts, hiddenClients, hiddenTypes, setClientHidden, setTypeHidden, showAll } =
    useJackbay(
      useShallow((s) => ({
        graph: s.graph,
        ghosts: s.ghosts,
        hiddenClients: s.hiddenClients,
        hiddenTypes: s.hiddenTypes,
        setClientHidden: s.setClientHidden,
        setTypeHidden: s.setTypeHidden,
        showAll: s.showAll,
      })),
    );
  // Only what the graph has now counts: a hidden client that is not running hides nothing.
  const now = useMemo(
    () =>
      hiddenNow(withGhosts(graph, ghosts).graph, { clients: hiddenClients, types: hiddenTypes }),
    [graph, ghosts, hiddenClients, hiddenTypes],
  );
  const count = now.clients.length + now.types.length;
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  useEffect(() => {
    if (count === 0) setOpen(false);
  }, [count]);

  if (count === 0) return null;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className="jb-hidden" ref={root}>
      <button
        ref={button}
        type="button"
        className="jb-btn jb-hidden-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen(!open)}
        title="Clients and port types hidden from the graph: show them again"
      >
        {count} hidden
      </button>
      {open && (
        <div
          className="jb-hidden-list"
          role="dialog"
          aria-label="Hidden from the graph"
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.stopPropagation();
            close();
          }}
        >
          <ul>
            {now.clients.map((client) => (
              <li key={`client:${client}`}>
                <span className="jb-hidden-name" title={client}>
                  {client}
                </span>
                <button
                  type="button"
                  className="jb-btn jb-btn-small"
                  aria-label={`Show ${client}`}
                  onClick={() => setClientHidden(client, false)}
                >
                  Show
                </button>
              </li>
            ))}
            {now.types.map((type) => (
              <li key={`type:${type}`}>
                <span className="jb-hidden-name">{`${TYPE_NAMES[type]} ports`}</span>
                <button
                  type="button"
                  className="jb-btn jb-btn-small"
                  aria-label={`Show ${TYPE_NAMES[type]} ports`}
                  onClick={() => setTypeHidden(type, false)}
                >
                  Show
                </button>
              </li>
            ))}
          </ul>
          {count > 1 && (
            <button type="button" className="jb-btn jb-btn-small" onClick={showAll}>
              Show all
            </button>
          )}
        </div>
      )}
    </div>
  );
}
