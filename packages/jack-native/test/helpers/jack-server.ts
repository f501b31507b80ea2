// A private JACK server per test file: jackd with the dummy driver under a
// unique name, so test files can run side by side and never touch a user's server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export interface JackServer {
  readonly name: string;
  /** Environment for peers (jack_lsp, python3 …) that should use this server. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

let counter = 0;

export interface JackServerOptions {
  rate?: number;
  period?: number;
}

export async function startJackServer(options: JackServerOptions = {}): Promise<JackServer> {
  const name = `jbtest-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const { rate = 48000, period = 256 } = options;
  const child: ChildProcess = spawn(
    'jackd',
    ['--no-realtime', '-n', name, '-d', 'dummy', '-r', String(rate), '-p', String(period)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const waited = spawnSync('jack_wait', ['-s', name, '-w', '-t', '10'], { encoding: 'utf8' });
  if (waited.status !== 0 || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`jackd '${name}' did not start: ${stderr}${waited.stdout}${waited.stderr}`);
  }
  const env = { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' };
  return {
    name,
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
