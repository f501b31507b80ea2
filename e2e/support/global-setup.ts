// Starts a private JACK server and the web host once for all specs, and
// publishes their coordinates to the test workers through the environment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJackServer } from '@jackbay/test-support';
import { startWebHost } from './web-host.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
  // Config files (server settings, presets, the restore memory) never go to
  // the real home; each web host gets a directory of its own (web-host.ts).
  process.env.JACKBAY_CONFIG_DIR ??= mkdtempSync(join(tmpdir(), 'jackbay-e2e-config-'));
  const server = await startJackServer({ realtime: true });
  const host = await startWebHost(server.name, 'shared');
  process.env.JACKBAY_URL = host.url;
  process.env.JACKBAY_JACK_SERVER = server.name;
  return async () => {
    await host.stop();
    await server.stop();
  };
}
