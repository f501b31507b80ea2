// Renaming a client or a port: F2 on it, or "Rename…" in its menu. It writes
// the JACK pretty name (metadata), as QjackCtl does; an empty name removes
// it. The dialog says where the name shown now comes from, and warns when it
// looks stale (another client's, left on a reused UUID).
import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nameOrigin } from '../graph/names';
import { useJackbay } from '../store/context';

export function RenameDialog() {
  const { renaming, graph, names, rename, cancel } = useJackbay(
    useShallow((s) => ({
      renaming: s.renaming,
      graph: s.graph,
      names: s.prettyNames,
      rename: s.rename,
      cancel: s.cancelRename,
    })),
  );
  if (!renaming) return null;
  const port = renaming.kind === 'port' ? graph.ports.get(renaming.name) : undefined;
  const info = port ?? (renaming.kind === 'client' ? graph.clients.get(renaming.name) : undefined);
  if (!info) return null;
  return (
    <RenameForm
      key={`${renaming.kind}\u0000${renaming.name}`}
      kind={renaming.kind}
      info={info}
      origin={nameOrigin(renaming.kind, info, names)}
      jackName={port ? port.shortName : info.name}
      rename={(text) => rename(renaming.kind, renaming.name, text)}
      cancel={cancel}
    />
  );
}

interface FormProps {
  kind: 'client' | 'port';
  info: { name: string; prettyName: string | null };
  origin: ReturnType<typeof nameOrigin>;
  jackName: string;
  rename(text: string): Promise<string | null>;
  cancel(): void;
}

function RenameForm({ kind, info, origin, jackName, rename, cancel }: FormProps) {
  const [text, setText] = useState(info.prettyName ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const errorId = useId();

  useEffect(() => {
    const returnTo = document.activeElement;
    input.current?.select();
    return () => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
    };
  }, []);

  const apply = async (value: string) => {
    setBusy(true);
    const why = await rename(value);
    setBusy(false);
    if (why !== null) {
      setError(why);
      input.current?.focus();
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Escape does from the keyboard
    <div
      className="jb-modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) cancel();
      }}
    >
      <form
        className="jb-dialog jb-rename"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="rename-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void apply(text);
        }}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          e.preventDefault();
          e.stopPropagation();
          cancel();
        }}
      >
        <div className="jb-dialog-head">
          <div id={titleId} className="jb-dialog-title">
            Rename {kind} <span className="jb-mono">{info.name}</span>
          </div>
        </div>
        <p className="jb-rename-origin" data-testid="rename-origin">
          Shown now: “{info.prettyName ?? jackName}”, {origin.source}
          {origin.setByJackbay && ' (set by Jackbay)'}.
        </p>
        {origin.stale && (
          <p className="jb-rename-stale" role="alert">
            ⚠ This pretty name is {origin.stale}. Remove it, or type the right one.
          </p>
        )}
        <input
          ref={input}
          className="jb-dialog-filter"
          aria-label={`Pretty name of ${info.name}`}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          placeholder={`Empty: shown as ${jackName}`}
          value={text}
          readOnly={busy}
          spellCheck={false}
          autoComplete="off"
          maxLength={256}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
        />
        {error && (
          <p id={errorId} className="jb-rename-error" role="alert">
            {error}
          </p>
        )}
        <div className="jb-rename-actions">
          <button type="submit" className="jb-btn jb-btn-small" disabled={busy}>
            Rename
          </button>
          {info.prettyName !== null && (
            <button
              type="button"
              className="jb-btn jb-btn-small"
              disabled={busy}
              onClick={() => void apply('')}
            >
              Remove pretty name
            </button>
          )}
          <button type="button" className="jb-btn jb-btn-small" onClick={cancel}>
            Cancel
          </button>
        </div>
        <div className="jb-dialog-foot">
          Enter renames · empty removes the pretty name · Esc cancels · Ctrl+Z undoes
        </div>
      </form>
    </div>
  );
}
