// Electron's main process: one window, the Jackbay service behind IPC.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDir, createService } from '@jackbay/core';
import { app, BrowserWindow, ipcMain, screen, session } from 'electron';
import { wireIpc } from './ipc';
import { lockDownContents, lockDownSession, secureWebPreferences } from './security';
import { readWindowState, writeWindowState } from './window-state';

const here = fileURLToPath(new URL('.', import.meta.url));
// --demo: always a private demo server; --demo-if-no-server (what `pnpm
// start` passes): one only when no JACK server runs; neither: wait for a
// server, showing the "no server" screen meanwhile.
const demoMode = process.argv.includes('--demo')
  ? 'always'
  : process.argv.includes('--demo-if-no-server')
    ? 'if-no-server'
    : 'never';
const log = (message: string) => console.log(`jackbay: ${message}`);

async function openService() {
  if (demoMode === 'always') return createService({ demo: true, log });
  const service = await createService({ log, memoryFile: join(configDir(), 'restore.json') });
  if (demoMode === 'if-no-server' && (await service.request('getStatus', {})).server === 'down') {
    log(
      'no JACK server is running: starting a private demo server (--no-demo waits for a real one)',
    );
    await service.close();
    return createService({ demo: true, log });
  }
  return service;
}

// Every renderer sandboxed, whatever a window's own options say.
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

// A second instance hands over to the first and must not open a JACK client
// (or a demo server) of its own: app.quit() alone would let startup run on.
const primary = app.requestSingleInstanceLock();
if (!primary) app.exit(0);

let window: BrowserWindow | null = null;
app.on('second-instance', () => {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
});

function trackWindowState(win: BrowserWindow, file: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    if (win.isDestroyed()) return;
    try {
      writeWindowState(file, win.getNormalBounds(), win.isMaximized());
    } catch (error) {
      console.error(`Jackbay: could not save the window state: ${(error as Error).message}`);
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', save);
}

async function start(): Promise<void> {
  lockDownSession(session.defaultSession);
  const service = await openService();
  const demo = (await service.request('getStatus', {})).demo;

  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = readWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 640,
    minHeight: 400,
    show: false,
    title: demo ? 'Jackbay (demo)' : 'Jackbay',
    backgroundColor: '#111317',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs')),
  });
  window = win;
  if (state.maximized) win.maximize();
  trackWindowState(win, stateFile);
  const unwire = wireIpc(ipcMain, win.webContents, service);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    unwire();
    window = null;
  });

  // The dev server only while developing; the built files otherwise.
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl && !app.isPackaged) await win.loadURL(devUrl);
  else await win.loadFile(join(here, '../renderer/index.html'));

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    // Close the JACK client (and a demo server) before the process ends.
    event.preventDefault();
    closing = true;
    void service.close().finally(() => app.quit());
  });
}

app.on('window-all-closed', () => app.quit());
app.whenReady().then(
  () => (primary ? start() : undefined),
  (error: unknown) => {
    console.error(error);
    app.exit(1);
  },
);
