import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

interface Props {
  /** The accessible name of both the button and the field. */
  label: string;
  /** What the button shows while not editing. */
  children: ReactNode;
  /** The text the field starts with, selected. */
  initial: () => string;
  /**
   * Applies what was typed: null when done, or why it was refused (the field
   * stays open with the reason beside it, so the person can fix a typo).
   */
  commit: (text: string) => Promise<string | null>;
  disabled?: boolean;
  className?: string;
  title?: string;
  placeholder?: string;
  inputMode?: 'decimal' | 'text';
  testId?: string;
}

/** A value that turns into a text field on click or Enter: Enter applies, Escape or leaving cancels. */
export function InlineEdit({
  label,
  children,
  initial,
  commit,
  disabled,
  className,
  title,
  placeholder,
  inputMode = 'text',
  testId,
}: Props) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const errorId = useId();
  const editing = text !== null;
  // Whether the button takes the focus back once the field is gone: only
  // after Enter or Escape, not when the person clicked elsewhere.
  const refocus = useRef(false);

  useEffect(() => {
    if (editing) input.current?.select();
    else if (refocus.current) {
      refocus.current = false;
      button.current?.focus();
    }
  }, [editing]);
  // Nothing to edit once the value cannot be changed (the link or server went).
  useEffect(() => {
    if (disabled) {
      setText(null);
      setError(null);
    }
  }, [disabled]);

  const close = (returnFocus: boolean) => {
    refocus.current = returnFocus;
    setText(null);
    setError(null);
  };

  if (!editing)
    return (
      <button
        ref={button}
        type="button"
        className={`jb-inline-edit ${className ?? ''}`}
        aria-label={label}
        title={title}
        disabled={disabled}
        data-testid={testId}
        onClick={() => setText(initial())}
      >
        {children}
      </button>
    );

  return (
    <span className={`jb-inline-edit-field ${className ?? ''}`}>
      <input
        ref={input}
        aria-label={label}
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
        inputMode={inputMode}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        value={text}
        readOnly={busy}
        data-testid={testId && `${testId}-input`}
        onChange={(e) => {
          setText(e.target.value);
          setError(null);
        }}
        onBlur={() => {
          if (!busy) close(false);
        }}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') close(true);
          if (e.key !== 'Enter') return;
          setBusy(true);
          void commit(text).then((why) => {
            setBusy(false);
            if (why === null) close(true);
            else {
              setError(why);
              requestAnimationFrame(() => input.current?.focus());
            }
          });
        }}
      />
      {error && (
        <span id={errorId} className="jb-inline-edit-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
