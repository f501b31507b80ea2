// Starts a private JACK server and the web host once for all specs, and
// publishes their coordinates to the test workers through the environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJackServer } from '@jackbay/test-support';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function startWebHost(serverName: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(root, 'packages/core/dist/cli.js'), 'serve', '--port', '0', '--server', serverName],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JACK_NO_START_SERVER: '1' } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${stderr}`)), 15_000);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^Jackbay: (http:\/\/\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${stderr}`));
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startJackServer();
  const host = await startWebHost(server.name);
  process.env.JACKBAY_URL = host.url;
  process.env.JACKBAY_JACK_SERVER = server.name;
  return async () => {
    host.child.kill('SIGTERM');
    await new Promise((resolve) => host.child.once('exit', resolve));
    await server.stop();
  };
}
