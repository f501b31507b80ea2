import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState } from 'react';
import type { JackbayTransport } from '../api/ws';
import { StoreProvider, useStoreApi } from '../store/context';
import type { JackbayStore } from '../store/store';
import { ConnectDialog } from './ConnectDialog';
import { ContextMenu } from './ContextMenu';
import { HelpOverlay, useHelpKeys } from './HelpOverlay';
import { useHistoryKeys } from './HistoryControls';
import { MeterBridge, useMeterBridge } from './MeterBridge';
import { MidiMonitor, useMidiMonitorKey } from './MidiMonitor';
import { MidiSendPanel } from './MidiSendPanel';
import { NoServer } from './NoServer';
import { PortDetails } from './PortDetails';
import { PresetsPanel, usePresets } from './PresetsPanel';
import { RenameDialog } from './RenameDialog';
import { ServerDialogWhenOpen } from './ServerDialog';
import { StatusBar } from './StatusBar';
import { ThruPicker } from './ThruPicker';
import { Toasts } from './Toasts';
import { TonePanel } from './TonePanel';
import { Toolbar } from './Toolbar';
import { ToolsList } from './ToolsList';
import { useMidiSubscription } from './useMidiSubscription';
import { MainView, useViewKey } from './ViewSwitch';

function Attach({ api }: { api: JackbayTransport }) {
  const store = useStoreApi();
  useEffect(() => store.getState().attach(api), [store, api]);
  useMidiSubscription();
  useMidiMonitorKey();
  useMeterBridge();
  usePresets(api);
  useHistoryKeys();
  useViewKey();
  return null;
}

export function App({ store, api }: { store: JackbayStore; api: JackbayTransport }) {
  const [help, setHelp] = useState(false);
  useHelpKeys(help, setHelp);
  return (
    <StoreProvider store={store}>
      <ReactFlowProvider>
        <Attach api={api} />
        <div className="jb-app">
          <Toolbar onHelp={() => setHelp(true)} />
          <main className="jb-main">
            <MainView />
            <MidiMonitor />
            <MeterBridge />
            <PresetsPanel />
            <ToolsList />
            <NoServer host={api.host ?? 'desktop'} />
          </main>
          <StatusBar />
        </div>
        <PortDetails />
        <ConnectDialog />
        <ContextMenu />
        <ThruPicker />
        <TonePanel />
        <MidiSendPanel />
        <ServerDialogWhenOpen />
        <RenameDialog />
        <Toasts />
        {help && <HelpOverlay onClose={() => setHelp(false)} />}
      </ReactFlowProvider>
    </StoreProvider>
  );
}
