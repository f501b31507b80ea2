// "Thru to…": pick where a port's signal should also go through Jackbay (an
// input port of the same type); type to filter, arrows to choose, Enter to
// make the route, Escape to go back to the port.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useJackbay } from '../store/context';

export function ThruPicker() {
  const { picker, graph, close, addThru } = useJackbay(
    useShallow((s) => ({
      picker: s.thruPicker,
      graph: s.graph,
      close: s.closeThruPicker,
      addThru: s.addThru,
    })),
  );
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const returnTo = useRef<Element | null>(null);
  const listId = useId();

  const source = picker ? graph.ports.get(picker.source) : undefined;
  const shown = useMemo(() => {
    if (!source) return [];
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return [...graph.ports.values()]
      .filter((p) => p.direction === 'input' && p.type === source.type)
      .filter((p) => {
        const text = `${p.name} ${p.prettyName ?? ''}`.toLowerCase();
        return words.every((w) => text.includes(w));
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [graph, source, query]);

  useEffect(() => {
    if (!picker) return;
    returnTo.current = document.activeElement;
    setQuery('');
    setActive(0);
    input.current?.focus();
    return () => {
      const el = returnTo.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
    };
  }, [picker]);

  useEffect(() => {
    if (active >= shown.length) setActive(Math.max(0, shown.length - 1));
  }, [shown.length, active]);

  if (!picker || !source) return null;
  const current = shown[active];
  const choose = (destination: string | undefined) => {
    if (!destination) return;
    close();
    void addThru(source.name, destination);
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
        aria-label={`Thru from ${source.name}`}
        data-testid="thru-picker"
      >
        <div className="jb-dialog-head">
          <div className="jb-dialog-title">
            Thru from <span className="jb-mono">{source.name}</span> to…
          </div>
        </div>
        <input
          ref={input}
          className="jb-dialog-filter"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={current ? `${listId}-${active}` : undefined}
          aria-label="Thru destination"
          placeholder={`Type to filter ${source.type === 'midi' ? 'MIDI' : 'audio'} inputs`}
          value={query}
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((i) => Math.min(shown.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
            else if (e.key === 'Enter') choose(current?.name);
            else if (e.key === 'Escape') close();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <div id={listId} className="jb-options" role="listbox" aria-label="Thru destinations">
          {shown.length === 0 && (
            <div className="jb-options-empty">No input of this type matches.</div>
          )}
          {shown.map((p, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input above handles the keys for the list
            <div
              key={p.name}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              tabIndex={-1}
              className={`jb-option${i === active ? ' active' : ''}`}
              ref={i === active ? (el) => el?.scrollIntoView({ block: 'nearest' }) : undefined}
              onMouseMove={() => setActive(i)}
              onClick={() => choose(p.name)}
              data-port={p.name}
            >
              <span className="jb-option-client">{p.client}</span>
              <span className="jb-option-port">{p.prettyName ?? p.shortName}</span>
            </div>
          ))}
        </div>
        <div className="jb-dialog-foot">↑↓ choose · Enter makes the thru · Esc closes</div>
      </div>
    </div>
  );
}
