// @jackbay/ui: the renderer. `mount` starts it in a page; the rest is
// exported for the desktop shell and for tests.
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import './styles/server.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickApi } from './api/pick';
import type { JackbayTransport } from './api/ws';
import { App } from './components/App';
import { createJackbayStore } from './store/store';

export { RequestError } from './api/errors';
export { pickApi } from './api/pick';
export { connectWebSocket, type JackbayTransport, type LinkState } from './api/ws';
export { App } from './components/App';
export { createJackbayStore, type JackbayStore, type State } from './store/store';

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Renders Jackbay into `root`, talking to whichever transport the page has. */
export function mount(root: HTMLElement, api: JackbayTransport = pickApi()): () => void {
  const store = createJackbayStore({ storage: localStorageOrNull() });
  const reactRoot = createRoot(root);
  reactRoot.render(
    <StrictMode>
      <App store={store} api={api} />
    </StrictMode>,
  );
  return () => reactRoot.unmount();
}
