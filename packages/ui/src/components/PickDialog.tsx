// A modal list to pick one item from, by keyboard first: type to filter,
// arrows (and Page Up/Down) to choose, Enter to take it, Escape or a click
// beside it to go back to where the focus was. The connect dialog and the
// thru picker are this, with their own items and words.
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

export interface PickDialogProps<T> {
  /** The dialog's accessible name. */
  label: string;
  testId: string;
  title: ReactNode;
  /** Beside the title (a button acting on the whole dialog's subject). */
  actions?: ReactNode;
  inputLabel: string;
  placeholder: string;
  listLabel: string;
  emptyText: string;
  /** The items that match what is typed, in order. */
  filter(query: string): readonly T[];
  itemKey(item: T): string;
  itemClass?(item: T): string;
  /** The data-* attributes of an item's row (tests and tools find rows by them). */
  itemData(item: T): Record<`data-${string}`, string>;
  renderItem(item: T): ReactNode;
  onChoose(item: T): void;
  onClose(): void;
  /** The key hints below the list, for the item Enter would take. */
  foot(current: T | undefined): ReactNode;
}

/** Render it only while open: it takes the focus when it mounts and gives it back when it goes. */
export function PickDialog<T>(props: PickDialogProps<T>) {
  const { onClose: close } = props;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const shown = props.filter(query);

  useEffect(() => {
    const returnTo = document.activeElement;
    input.current?.focus();
    return () => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
    };
  }, []);

  useEffect(() => {
    if (active >= shown.length) setActive(Math.max(0, shown.length - 1));
  }, [shown.length, active]);

  const current = shown[active];
  const choose = (item: T | undefined) => {
    if (item !== undefined) props.onChoose(item);
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
        aria-label={props.label}
        data-testid={props.testId}
      >
        <div className="jb-dialog-head">
          <div className="jb-dialog-title">{props.title}</div>
          {props.actions}
        </div>
        <input
          ref={input}
          className="jb-dialog-filter"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={current !== undefined ? `${listId}-${active}` : undefined}
          aria-label={props.inputLabel}
          placeholder={props.placeholder}
          value={query}
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            const last = shown.length - 1;
            if (e.key === 'ArrowDown') setActive((i) => Math.min(last, i + 1));
            else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
            else if (e.key === 'PageDown') setActive((i) => Math.min(last, i + 10));
            else if (e.key === 'PageUp') setActive((i) => Math.max(0, i - 10));
            else if (e.key === 'Enter') choose(current);
            else if (e.key === 'Escape') close();
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <div id={listId} className="jb-options" role="listbox" aria-label={props.listLabel}>
          {shown.length === 0 && <div className="jb-options-empty">{props.emptyText}</div>}
          {shown.map((item, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input above handles the keys for the list
            <div
              key={props.itemKey(item)}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              tabIndex={-1}
              className={`jb-option${i === active ? ' active' : ''}${props.itemClass ? ` ${props.itemClass(item)}` : ''}`}
              ref={i === active ? (el) => el?.scrollIntoView({ block: 'nearest' }) : undefined}
              onMouseMove={() => setActive(i)}
              onClick={() => choose(item)}
              {...props.itemData(item)}
            >
              {props.renderItem(item)}
            </div>
          ))}
        </div>
        <div className="jb-dialog-foot">{props.foot(current)}</div>
      </div>
    </div>
  );
}
