// The renderer's one decision about where it runs: Electron's preload puts
// `window.jackbay` in place before any script runs; anywhere else the page
// came from the web host and talks to it over a WebSocket.
import type { JackbayApi } from '@jackbay/core/contract';
import { readToken, tokenAccepted, webSocketBase } from './endpoint';
import { connectWebSocket, type JackbayTransport } from './ws';

declare global {
  interface Window {
    jackbay?: JackbayApi;
  }
}

export function pickApi(win: Window = window): JackbayTransport {
  if (win.jackbay) return win.jackbay;
  let storage: Storage | null = null;
  try {
    storage = win.sessionStorage;
  } catch {
    // Storage can be disabled; the token from the fragment still works.
  }
  const token = readToken(win.location, storage);
  return connectWebSocket(webSocketBase(win.location), token, {
    checkToken: () => tokenAccepted(win.location, token),
  });
}
