// Starts `jackbay serve` as its own process: the shared host of the run
// (global-setup.ts) and hosts a spec owns (to lose one, or to point one at no
// server). Its stderr is kept, and an exit nobody asked for is reported with
// it — a host that dies quietly turns every later spec into "connection refused".
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

const freshConfigDir = () => mkdtempSync(join(tmpdir(), 'jackbay-e2e-config-'));

export interface WebHost {
  url: string;
  child: ChildProcess;
  /** What the host wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** `nodeArgs` go to Node before the script (the soak's `--inspect`). */
export function startWebHost(
  serverName: string,
  label: string,
  nodeArgs: readonly string[] = [],
): Promise<WebHost> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      join(root, 'packages/core/dist/cli.js'),
      'serve',
      '--port',
      '0',
      '--server',
      serverName,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // A config directory of its own: what one host remembers (restore.json)
      // is never another's, nor the person's running the tests.
      env: { ...process.env, JACK_NO_START_SERVER: '1', JACKBAY_CONFIG_DIR: freshConfigDir() },
    },
  );
  let stderr = '';
  let stopping = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let started = false;
    const timer = setTimeout(
      () => reject(new Error(`${label} web host did not start: ${stderr}`)),
      15_000,
    );
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^Jackbay: (http:\/\/\S+)$/m.exec(stdout);
      if (match?.[1] && !started) {
        started = true;
        clearTimeout(timer);
        resolve({ url: match[1], child, stderr: () => stderr, stop });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const how = `${label} web host exited (code ${code}, signal ${signal})`;
      if (!started) reject(new Error(`${how}: ${stderr}`));
      else if (!stopping) process.stderr.write(`\n${how} while specs were running:\n${stderr}\n`);
    });
  });
}
