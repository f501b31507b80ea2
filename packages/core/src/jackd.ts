// Starting jackd: the one starter of product code, used for the demo's private
// server (startPrivateServer) and for the server a person starts from the app
// (server-control.ts).
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

/** A jackd this process started. */
export interface StartedJackd extends PrivateServer {
  /** Resolves when the process has exited (on its own or stopped). */
  readonly exited: Promise<void>;
  /** jackd's last messages (its stderr), for a report when it fails. */
  output(): string;
}

/**
 * Why jackd did not start: not installed, a server of that name already runs,
 * exited at once (bad device, no free server slot …), or too slow.
 */
export type JackdFailure = 'missing' | 'running' | 'exited' | 'timeout';

export class JackdStartError extends Error {
  override name = 'JackdStartError';
  constructor(
    readonly failure: JackdFailure,
    message: string,
    /** jackd's own messages, as it printed them. */
    readonly output: string,
  ) {
    super(message);
  }
}

export interface JackdOptions {
  /** The server name (`-n`). */
  name: string;
  /** Server options before the driver, e.g. `['--no-realtime', '-t', '2000']`. */
  serverArgs: string[];
  /** The driver and its options, e.g. `['-d', 'dummy', '-r', '48000']`. */
  driverArgs: string[];
  /** How long to wait for the server to accept clients. */
  timeoutMs?: number;
}

/** Starts jackd and resolves once it accepts clients; rejects with a JackdStartError. */
export async function startJackd(options: JackdOptions): Promise<StartedJackd> {
  const { name, timeoutMs = 10000 } = options;
  // A second jackd of a running server's name exits ("server already
  // active"), but only after jack_wait below has seen the first one ready.
  if ((await jackWait(['-s', name, '-c'])).stdout.trim() === 'running')
    throw new JackdStartError('running', `a JACK server named '${name}' is already running`, '');
  // jackd's messages go to a file, never a pipe: our JS thread blocks in
  // synchronous libjack calls (jack_connect waits for the server), so it
  // cannot drain a pipe then, and a jackd blocked writing to a full pipe
  // never answers that call. A server printing one error per cycle fills a
  // pipe in seconds.
  const logFile = join(tmpdir(), `jackd-${name}-${randomBytes(4).toString('hex')}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn('jackd', [...options.serverArgs, '-n', name, ...options.driverArgs], {
    stdio: ['ignore', 'ignore', log],
  });
  closeSync(log);
  let lastWords = '';
  const output = () => {
    if (child.exitCode !== null || child.signalCode !== null) return lastWords;
    try {
      return readFileSync(logFile, 'utf8').slice(-4000).trim();
    } catch {
      return lastWords;
    }
  };
  let spawnError: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      try {
        lastWords = readFileSync(logFile, 'utf8').slice(-4000).trim();
      } catch {
        // Kept from before, if anything.
      }
      rmSync(logFile, { force: true });
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      rmSync(logFile, { force: true });
      resolve();
    });
  });
  // Whatever happens to this process, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || spawnError) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      void exited.then(() => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });

  // Ready when jack_wait (part of jackd2) says so. It runs in its own process
  // on purpose: libjack cannot hold clients of two servers in one process, and
  // this one may already have a client elsewhere.
  const waiter = spawn('jack_wait', ['-s', name, '-w', '-t', String(Math.ceil(timeoutMs / 1000))], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const waited = new Promise<'ready' | 'timeout' | 'missing'>((resolve) => {
    waiter.once('error', () => resolve('missing'));
    waiter.once('exit', (code) => resolve(code === 0 ? 'ready' : 'timeout'));
  });
  const outcome = await Promise.race([waited, exited.then(() => 'exited' as const)]);
  if (outcome === 'ready' && child.exitCode === null && child.signalCode === null)
    return { name, process: child, stop, exited, output };
  waiter.kill('SIGKILL');
  await stop();
  if (spawnError) {
    const code = (spawnError as NodeJS.ErrnoException).code;
    throw new JackdStartError(
      code === 'ENOENT' ? 'missing' : 'exited',
      code === 'ENOENT'
        ? 'jackd was not found: install JACK2 (`apt-get install jackd2`)'
        : `could not start jackd: ${(spawnError as Error).message}`,
      '',
    );
  }
  const said = output();
  if (outcome === 'missing')
    throw new JackdStartError(
      'missing',
      'jack_wait was not found: install JACK2 (`apt-get install jackd2`)',
      said,
    );
  if (outcome === 'timeout')
    throw new JackdStartError(
      'timeout',
      `jackd '${name}' did not start within ${timeoutMs} ms${said ? `: ${said}` : ''}`,
      said,
    );
  throw new JackdStartError(
    'exited',
    `jackd '${name}' exited at start${said ? `: ${said}` : ''}`,
    said,
  );
}

/** Runs jack_wait (of jackd2) in its own process; `missing` when it is not installed. */
function jackWait(args: string[]): Promise<{ stdout: string; missing: boolean }> {
  return new Promise((resolve) => {
    const waiter = spawn('jack_wait', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    waiter.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    waiter.once('error', () => resolve({ stdout, missing: true }));
    waiter.once('close', () => resolve({ stdout, missing: false }));
  });
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

/** A private server for the demo: `jackd --no-realtime -d dummy` under a unique name. */
export function startPrivateServer(options: PrivateServerOptions = {}): Promise<PrivateServer> {
  const name = options.name ?? `jackbay-demo-${process.pid}-${randomBytes(3).toString('hex')}`;
  const { rate = 48000, period = 256, timeoutMs = 10000, clientTimeoutMs = 2000 } = options;
  return startJackd({
    name,
    serverArgs: ['--no-realtime', '-t', String(clientTimeoutMs)],
    driverArgs: ['-d', 'dummy', '-r', String(rate), '-p', String(period)],
    timeoutMs,
  });
}
