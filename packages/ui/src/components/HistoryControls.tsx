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
    <>
      <button
        type="button"
        className="jb-btn"
        disabled={undoLabel === null}
        aria-keyshortcuts="Control+Z"
        onClick={() => void undo()}
        title={undoLabel === null ? 'Nothing to undo' : `Undo: ${undoLabel} (Ctrl+Z)`}
      >
        Undo
      </button>
      <button
        type="button"
        className="jb-btn"
        disabled={redoLabel === null}
        aria-keyshortcuts="Control+Shift+Z Control+Y"
        onClick={() => void redo()}
        title={redoLabel === null ? 'Nothing to redo' : `Redo: ${redoLabel} (Ctrl+Shift+Z)`}
      >
        Redo
      </button>
    </>
  );
}

/** What F2 renames: the focused port, else the focused or the one selected box's client. */
function renameTarget(s: State): { kind: 'client' | 'port'; name: string } | null {
  const el = document.activeElement;
  const port = el instanceof HTMLElement ? el.closest<HTMLElement>('[data-port-name]') : null;
  const portName = port ? handlePorts(port.dataset.handleid)[0] : undefined;
  if (portName && s.graph.ports.has(portName)) return { kind: 'port', name: portName };
  const nodeId =
    el instanceof HTMLElement
      ? el.closest<HTMLElement>('.react-flow__node')?.dataset.id
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
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.altKey) return;
      const s = store.getState();
      const key = e.key.toLowerCase();
      if (e.ctrlKey || e.metaKey) {
        if (key === 'z' && !e.shiftKey) void s.undo();
        else if ((key === 'z' && e.shiftKey) || key === 'y') void s.redo();
        else return;
      } else if (e.key === 'F2') {
        const target = renameTarget(s);
        if (!target) {
          s.notify('info', 'F2 renames the focused port or the selected box: select one first.');
          return;
        }
        s.startRename(target.kind, target.name);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
