// Patching from the keyboard: Enter on a port opens this list of every port
// it could connect to; type to filter, arrows to choose, Enter to connect (or
// to disconnect what is already connected), Escape to go back to the port.
import { useShallow } from 'zustand/react/shallow';
import { type Destination, destinationsFor, matchDestinations } from '../graph/destinations';
import { useJackbay } from '../store/context';
import { selectLive } from '../store/link';
import { PickDialog } from './PickDialog';

export function ConnectDialog() {
  const { dialog, graph, live, close, toggle, disconnectAll } = useJackbay(
    useShallow((s) => ({
      dialog: s.dialog,
      graph: s.graph,
      live: selectLive(s),
      close: s.closeDialog,
      toggle: s.toggle,
      disconnectAll: s.disconnectAll,
    })),
  );
  const from = dialog?.from ?? null;
  if (!from) return null;
  const title = from.join(' + ');
  const candidates = destinationsFor(graph, from);

  return (
    <PickDialog<Destination>
      key={from.join('\n')}
      label={`Connect ${title}`}
      testId="connect-dialog"
      title={
        <>
          Connect <span className="jb-mono">{title}</span>
        </>
      }
      actions={
        <button
          type="button"
          className="jb-btn jb-btn-small"
          disabled={!live}
          onClick={() => {
            close();
            void disconnectAll(from);
          }}
        >
          Disconnect all
        </button>
      }
      inputLabel="Destination"
      placeholder="Type to filter destinations"
      listLabel="Destinations"
      emptyText="Nothing here can connect to it."
      filter={(query) => matchDestinations(candidates, query, from.length > 1)}
      itemKey={(c) => c.key}
      itemClass={(c) => (c.pair ? 'pair' : '')}
      itemData={(c) => ({ 'data-ports': c.ports.join('\n') })}
      renderItem={(c) => (
        <>
          <span className="jb-option-client">{c.client}</span>
          <span className="jb-option-port">{c.label}</span>
          <span className={`jb-option-state ${c.state}`}>
            {c.state === 'connected' ? '● connected' : c.state === 'partial' ? '◐ partly' : ''}
          </span>
        </>
      )}
      onChoose={(c) => {
        close();
        void toggle(from, c.ports);
      }}
      onClose={close}
      foot={(current) => (
        <>
          ↑↓ choose · Enter {current?.state === 'connected' ? 'disconnects' : 'connects'} · Esc
          closes
        </>
      )}
    />
  );
}
