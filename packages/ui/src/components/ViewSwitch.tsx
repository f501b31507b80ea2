// Two views of the same graph: the boxes and wires, or the matrix of outputs
// × inputs. A compact Graph|Matrix switch in the toolbar, the V key, and the
// main area showing the one chosen.
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect } from 'react';
import type { MainView as View } from '../store/chrome';
import { useJackbay, useStoreApi } from '../store/context';
import { GraphView } from './GraphView';
import { typing } from './HelpOverlay';
import { MatrixView } from './MatrixView';

export function MainView() {
  const view = useJackbay((s) => s.mainView);
  return view === 'matrix' ? <MatrixView /> : <GraphView />;
}

const VIEWS: ReadonlyArray<{ view: View; label: string; icon: string }> = [
  { view: 'graph', label: 'Graph', icon: 'M3 4h4v3H3zM9 9h4v3H9zM7 5.5c2 0 1 5 2 5' },
  {
    view: 'matrix',
    label: 'Matrix',
    icon: 'M2.5 2.5h11v11h-11zM2.5 6.2h11M2.5 9.8h11M6.2 2.5v11M9.8 2.5v11',
  },
];

/** Shows a view, keeping the graph's camera for its return (React Flow forgets it). */
function useShowView(): (view: View) => void {
  const store = useStoreApi();
  const { getViewport } = useReactFlow();
  return useCallback(
    (view: View) => {
      const s = store.getState();
      if (view === s.mainView) return;
      s.setMainView(view, s.mainView === 'graph' ? getViewport() : undefined);
    },
    [store, getViewport],
  );
}

/** The toolbar's Graph|Matrix switch: two small buttons, one pressed. */
export function ViewSwitch() {
  const view = useJackbay((s) => s.mainView);
  const setView = useShowView();
  return (
    <fieldset className="jb-view-switch" aria-label="View">
      {VIEWS.map((v) => (
        <button
          key={v.view}
          type="button"
          className="jb-btn jb-btn-icon"
          aria-pressed={view === v.view}
          aria-label={v.label}
          aria-keyshortcuts="V"
          title={`${v.label} view (V switches)`}
          onClick={() => setView(v.view)}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d={v.icon} />
          </svg>
        </button>
      ))}
    </fieldset>
  );
}

/** Mounted once: V switches between the graph and the matrix. */
export function useViewKey(): void {
  const store = useStoreApi();
  const show = useShowView();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'v' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target))
        return;
      e.preventDefault();
      show(store.getState().mainView === 'graph' ? 'matrix' : 'graph');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, show]);
}
