// Server control as the page sees it: the service's settings for a JACK
// server it starts, whether it started the one that runs, the sound cards,
// and the "Server…" dialog. Also the status bar's two server requests: the
// buffer size and resetting the xrun count.
import type { ServerControlState, ServerSettings } from '@jackbay/core/contract';
import { toRequestError } from '../api/errors';
import { attempt, mayRequest } from './link';
import type { Slice } from './store';

/** How a stop ended: done, refused until the person confirms (a server Jackbay found), or failed. */
export type StopOutcome = 'stopped' | 'confirm' | 'failed';

export interface ServerSlice {
  serverControl: ServerControlState | null;
  serverDialogOpen: boolean;

  openServerDialog(): void;
  closeServerDialog(): void;
  setServerControl(state: ServerControlState): void;
  /** Asks the service for the state (on opening the dialog, after a failure). */
  loadServerControl(): Promise<void>;
  saveServerSettings(settings: ServerSettings): Promise<boolean>;
  /** Starts a server with the saved settings; a failure shows in the dialog (jackd's message). */
  startServer(): Promise<boolean>;
  /** `confirm` only after the person said yes to stopping a server Jackbay did not start. */
  stopServer(confirm: boolean): Promise<StopOutcome>;
  setBufferSize(frames: number): Promise<void>;
  resetXruns(): Promise<void>;
}

export const createServerSlice: Slice<ServerSlice> = (set, get) => {
  // Server control needs the service, not a running server.
  const service = () => {
    const { api, link } = get();
    if (api && link === 'open') return api;
    get().notify('error', 'Not connected to the Jackbay service.');
    return null;
  };
  // A start or stop that failed: the dialog shows why (jackd's own words
  // for a jackd that did not start) beside the state as the service has it now.
  const failed = async (e: unknown) => {
    const { code, message } = toRequestError(e);
    await get().loadServerControl();
    const state = get().serverControl;
    if (state) set({ serverControl: { ...state, lastError: { code, message } } });
  };
  return {
    serverControl: null,
    serverDialogOpen: false,

    openServerDialog() {
      set({ serverDialogOpen: true });
      void get().loadServerControl();
    },

    closeServerDialog() {
      set({ serverDialogOpen: false });
    },

    setServerControl(state) {
      set({ serverControl: state });
    },

    async loadServerControl() {
      const api = service();
      if (!api) return;
      const state = await attempt(get, 'Could not read the server settings', () =>
        api.request('getServerControl', {}),
      );
      if (state) set({ serverControl: state });
    },

    async saveServerSettings(settings) {
      const api = service();
      if (!api) return false;
      const state = await attempt(get, 'Could not save the server settings', () =>
        api.request('setServerSettings', settings),
      );
      if (state) set({ serverControl: state });
      return state !== undefined;
    },

    async startServer() {
      const api = service();
      if (!api) return false;
      try {
        set({ serverControl: await api.request('startServer', {}) });
        return true;
      } catch (e) {
        await failed(e);
        return false;
      }
    },

    async stopServer(confirm) {
      const api = service();
      if (!api) return 'failed';
      try {
        set({ serverControl: await api.request('stopServer', { confirm }) });
        return 'stopped';
      } catch (e) {
        if (toRequestError(e).code === 'confirm-needed') return 'confirm';
        await failed(e);
        return 'failed';
      }
    },

    async setBufferSize(frames) {
      const api = get().api;
      if (!mayRequest(get) || !api) return;
      await attempt(get, 'Could not change the buffer size', () =>
        api.request('setBufferSize', { frames }),
      );
    },

    async resetXruns() {
      const api = service();
      if (!api) return;
      await attempt(get, 'Could not reset the xrun count', () => api.request('resetXruns', {}));
    },
  };
};
