// Undo and Redo: the toolbar's buttons (their titles name the step) and the
// keys, Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y, plus F2 to rename the focused port
// or the selected box. Keys typed into a field are the field's own.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { handlePorts } from '../graph/ids';
import { useJackbay, useStoreApi } from '../store/context';
import type { State } from '../store/store';
import { typing } from './HelpOverlay';

export function HistoryButtons() {
  const { undoLabel, redoLabel, undo, redo } = useJackbay(
    useShallow((s) => ({
      undoLabel: s.undoStack.at(-1)?.label ?? null,
      redoLabel: s.redoStack.at(-1)?.label ?? null,
      undo: s.undo,
      redo: s.redo,
    })),
  );
  return (
    <fieldset className="jb-history" aria-label="History">
      <button
        type="button"
        className="jb-btn jb-btn-icon"
        aria-label="Undo"
        disabled={undoLabel === null}
        aria-keyshortcuts="Control+Z"
        onClick={() => void undo()}
        title={undoLabel === null ? 'Nothing to undo' : `Undo: ${undoLabel} (Ctrl+Z)`}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M5.5 3 2 6.5 5.5 10M2.5 6.5h7a4 4 0 0 1 0 8H7" />
        </svg>
      </button>
      <button
        type="button"
        className="jb-btn jb-btn-icon"
        aria-label="Redo"
        disabled={redoLabel === null}
        aria-keyshortcuts="Control+Shift+Z Control+Y"
        onClick={() => void redo()}
        title={redoLabel === null ? 'Nothing to redo' : `Redo: ${redoLabel} (Ctrl+Shift+Z)`}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M10.5 3 14 6.5 10.5 10M13.5 6.5h-7a4 4 0 0 0 0 8H9" />
        </svg>
      </button>
    </fieldset>
  );
}

/**
 * What F2 renames: the port or box the person last pressed on or moved the
 * focus to (pressing a box to drag it leaves the focus where it was), else
 * the one selected box.
 */
function renameTarget(
  s: State,
  at: Element | null,
): { kind: 'client' | 'port'; name: string } | null {
  const port = at instanceof HTMLElement ? at.closest<HTMLElement>('[data-port-name]') : null;
  const portName = port ? handlePorts(port.dataset.handleid)[0] : undefined;
  if (portName && s.graph.ports.has(portName)) return { kind: 'port', name: portName };
  const nodeId =
    at instanceof HTMLElement
      ? at.closest<HTMLElement>('.react-flow__node')?.dataset.id
      : undefined;
  const selected = s.nodes.filter((n) => n.selected);
  const node =
    s.nodes.find((n) => n.id === nodeId) ?? (selected.length === 1 ? selected[0] : undefined);
  const client = node?.data.box.client.name;
  return client && s.graph.clients.has(client) ? { kind: 'client', name: client } : null;
}

export function useHistoryKeys(): void {
  const store = useStoreApi();
  useEffect(() => {
    // Where the person last pressed, or the focus last went.
    let last: Element | null = null;
    const onTouch = (e: Event) => {
      last = e.target instanceof Element ? e.target : null;
    };
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.altKey) return;
      const s = store.getState();
      const key = e.key.toLowerCase();
      if (e.ctrlKey || e.metaKey) {
        if (key === 'z' && !e.shiftKey) void s.undo();
        else if ((key === 'z' && e.shiftKey) || key === 'y') void s.redo();
        else return;
      } else if (e.key === 'F2') {
        const target = renameTarget(s, last?.isConnected ? last : document.activeElement);
        if (!target) {
          s.notify('info', 'F2 renames the focused port or the selected box: select one first.');
          return;
        }
        s.startRename(target.kind, target.name);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('pointerdown', onTouch, true);
    window.addEventListener('focusin', onTouch, true);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onTouch, true);
      window.removeEventListener('focusin', onTouch, true);
      window.removeEventListener('keydown', onKey);
    };
  }, [store]);
}
