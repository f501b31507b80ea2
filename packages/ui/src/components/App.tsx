import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'react';
import type { JackbayTransport } from '../api/ws';
import { StoreProvider, useStoreApi } from '../store/context';
import type { JackbayStore } from '../store/store';
import { ConnectDialog } from './ConnectDialog';
import { GraphView } from './GraphView';
import { NoServer } from './NoServer';
import { PortDetails } from './PortDetails';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';

function Attach({ api }: { api: JackbayTransport }) {
  const store = useStoreApi();
  useEffect(() => store.getState().attach(api), [store, api]);
  return null;
}

export function App({ store, api }: { store: JackbayStore; api: JackbayTransport }) {
  return (
    <StoreProvider store={store}>
      <ReactFlowProvider>
        <Attach api={api} />
        <div className="jb-app">
          <Toolbar />
          <main className="jb-main">
            <GraphView />
            <NoServer />
          </main>
          <StatusBar />
        </div>
        <PortDetails />
        <ConnectDialog />
        <Toasts />
      </ReactFlowProvider>
    </StoreProvider>
  );
}
