// A private JACK server per test file: jackd with the dummy driver under a
// unique name, so test files can run side by side and never touch a user's server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockMetadata } from './metadata-lock.js';

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

const REGISTRY = '/dev/shm/jack-shm-registry';
const SERVER_ENTRY = /jack-\d+:([^:\0]+):\0/g;

// JACK2 keeps at most 8 servers in its shared registry and reclaims an entry
// of a dead server only when a server of the SAME name starts. Tests use
// unique names, so a killed server's entry would stay forever and, after a
// few, no server could start ("Too many servers already active"). Clear the
// entries whose process is gone, as JACK itself does for reused names.
function reclaimDeadServerEntries(): void {
  let fd: number;
  try {
    fd = openSync(REGISTRY, 'r+');
  } catch {
    return; // no registry yet
  }
  try {
    const data = Buffer.alloc(64 * 1024);
    const length = readSync(fd, data, 0, data.length, 0);
    const text = data.subarray(0, length).toString('latin1');
    for (const match of text.matchAll(SERVER_ENTRY)) {
      const offset = match.index;
      const pid = data.readInt32LE(offset - 4);
      if (pid <= 0 || processAlive(pid)) continue;
      writeSync(fd, Buffer.alloc(4 + 256), 0, 4 + 256, offset - 4);
    }
  } finally {
    closeSync(fd);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a private server, trying again for a while: on a busy machine JACK2's
 * eight server slots can all be taken for a moment, or jack_wait can give up
 * before a slow jackd is ready.
 */
export async function startJackServer(options: JackServerOptions = {}): Promise<JackServer> {
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      return startOnce(options);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000));
    }
  }
}

function startOnce(options: JackServerOptions): JackServer {
  reclaimDeadServerEntries();
  const name = `jbtest-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const { rate = 48000, period = 256 } = options;
  // jackd's stderr goes to a file, not a pipe: a test blocked in a synchronous
  // call (jack_client_close, spawnSync) cannot drain a pipe, and a jackd
  // blocked writing its error messages to a full pipe stalls every client.
  const logFile = join(tmpdir(), `${name}.log`);
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    'jackd',
    ['--no-realtime', '-n', name, '-d', 'dummy', '-r', String(rate), '-p', String(period)],
    { stdio: ['ignore', 'ignore', log] },
  );
  closeSync(log);
  child.once('exit', () => rmSync(logFile, { force: true }));
  // If the test process dies without stopping the server (a worker killed on
  // a timeout), a watchdog stops it, so no orphaned jackd holds one of JACK's
  // few server slots.
  spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} && kill -0 ${child.pid}; do sleep 0.5; done 2>/dev/null; ` +
        `kill ${child.pid} 2>/dev/null; sleep 2; kill -9 ${child.pid} 2>/dev/null`,
    ],
    { detached: true, stdio: 'ignore' },
  ).unref();
  const waited = spawnSync('jack_wait', ['-s', name, '-w', '-t', '5'], { encoding: 'utf8' });
  if (waited.status !== 0 || child.exitCode !== null) {
    child.kill('SIGKILL');
    const stderr = readFileSync(logFile, 'utf8');
    throw new Error(`jackd '${name}' did not start: ${stderr}${waited.stdout}${waited.stderr}`);
  }
  const env = { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' };
  return {
    name,
    env,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // A stopping JACK2 server deletes the metadata store that all servers
      // of the user share: never while a test that checks metadata runs.
      const unlock = await lockMetadata();
      try {
        await new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        });
      } finally {
        unlock();
      }
    },
  };
}
