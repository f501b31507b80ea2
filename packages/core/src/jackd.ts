// A private JACK server for the demo: `jackd --no-realtime -d dummy` under a
// unique name, so it never touches a server the user runs.
//
// Tests start theirs with @jackbay/test-support's startJackServer instead:
// product code cannot depend on a test package, and the test starter does
// what only tests need (retrying for one of JACK2's 8 server slots, clearing
// dead servers' registry entries, the metadata lock, a watchdog process).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateServer {
  readonly name: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface PrivateServerOptions {
  name?: string;
  rate?: number;
  period?: number;
  /** How long to wait for the server to accept clients. */
  timeoutMs?: number;
  /** jackd's client timeout (-t); generous, since a demo may run on a busy machine. */
  clientTimeoutMs?: number;
}

export async function startPrivateServer(
  options: PrivateServerOptions = {},
): Promise<PrivateServer> {
  const name = options.name ?? `jackbay-demo-${process.pid}-${randomBytes(3).toString('hex')}`;
  const { rate = 48000, period = 256, timeoutMs = 10000, clientTimeoutMs = 2000 } = options;
  // jackd's messages go to a file, never a pipe: our JS thread blocks in
  // synchronous libjack calls (jack_connect waits for the server), so it
  // cannot drain a pipe then, and a jackd blocked writing to a full pipe
  // never answers that call. A server printing one error per cycle fills a
  // pipe in seconds.
  const logFile = join(tmpdir(), `${name}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(
    'jackd',
    [
      '--no-realtime',
      '-n',
      name,
      '-t',
      String(clientTimeoutMs),
      '-d',
      'dummy',
      '-r',
      String(rate),
      '-p',
      String(period),
    ],
    { stdio: ['ignore', 'ignore', log] },
  );
  closeSync(log);
  let lastWords = '';
  const stderr = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000).trim();
    } catch {
      return lastWords;
    }
  };
  child.once('exit', () => {
    lastWords = stderr();
    rmSync(logFile, { force: true });
  });
  let spawnError: Error | null = null;
  child.on('error', (error) => {
    spawnError = error;
  });
  // Whatever happens to this process, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = () =>
    new Promise<void>((resolve) => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null || spawnError) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });

  // Ready when jack_wait (part of jackd2) says so. It runs in its own process
  // on purpose: libjack cannot hold clients of two servers in one process, and
  // this one may already have a client elsewhere.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const waiter = spawn('jack_wait', ['-s', name, '-w', '-t', String(Math.ceil(timeoutMs / 1000))], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const waited = new Promise<'ready' | 'timeout' | 'missing'>((resolve) => {
    waiter.once('error', () => resolve('missing'));
    waiter.once('exit', (code) => resolve(code === 0 ? 'ready' : 'timeout'));
  });
  const outcome = await Promise.race([waited, exited.then(() => 'exited' as const)]);
  if (outcome !== 'ready') {
    waiter.kill('SIGKILL');
    await stop();
    if (spawnError) {
      const code = (spawnError as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? 'jackd was not found: install JACK2 (`apt-get install jackd2`) to run the demo'
          : `could not start jackd: ${(spawnError as Error).message}`,
      );
    }
    if (outcome === 'missing')
      throw new Error('jack_wait was not found: install JACK2 (`apt-get install jackd2`)');
    if (outcome === 'exited') throw new Error(`jackd '${name}' exited at start: ${stderr()}`);
    throw new Error(`jackd '${name}' did not start within ${timeoutMs} ms: ${stderr()}`);
  }
  return { name, process: child, stop };
}
