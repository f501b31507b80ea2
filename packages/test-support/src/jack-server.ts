// The one server starter of the tests: a private server under a unique name,
// so test files can run side by side and never touch a user's server. It is
// jackd with the dummy driver, or a private PipeWire reached through its
// libjack when JACKBAY_TEST_SERVER=pipewire (see pipewire-server.ts).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockMetadata } from './metadata-lock.js';
import { pipewireClientEnv, startPipeWireServer } from './pipewire-server.js';

/** Which server the tests run against: JACK2's jackd or PipeWire's JACK API. */
export type TestServerKind = 'jack2' | 'pipewire';

/** The server kind JACKBAY_TEST_SERVER selects; JACK2 unless it says `pipewire`. */
export function testServerKind(): TestServerKind {
  return process.env.JACKBAY_TEST_SERVER === 'pipewire' ? 'pipewire' : 'jack2';
}

/** A JACK server the helpers can talk to. */
export interface JackServer {
  readonly name: string;
  /** Environment for peers (jack_lsp, python3 …) that should use this server. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A server started by startJackServer: its jackd process can be killed outright. */
export interface StartedJackServer extends JackServer {
  readonly process: ChildProcess;
  /** Ends the server with SIGKILL, as a crash would (PipeWire: its whole session). */
  kill(): void;
}

export interface JackServerOptions {
  /** A fixed name (to start "the same" server again); a unique one by default. */
  name?: string;
  rate?: number;
  period?: number;
  /** jackd's client timeout (-t) in ms; jackd's own default when not given. */
  clientTimeoutMs?: number;
  /** jackd's --port-max: how many ports the server takes, over all its clients. */
  portMax?: number;
  /**
   * How long to keep trying: on a busy machine JACK2's eight server slots can
   * all be taken for a while, or jack_wait can give up before a slow jackd is
   * ready. A beforeAll starting a server needs a hook timeout beyond this.
   */
  startTimeoutMs?: number;
  /** `jackd -v`: libjack in each client then reports through its info function. */
  verbose?: boolean;
  /**
   * Real-time scheduling (`jackd -R`) where this process may use it, as on a
   * musician's machine; `--no-realtime` elsewhere. Without it, a browser's
   * compositor threads (nice -8) starve the clients' process threads: the
   * graph misses every cycle, and every client that opens waits for it (a
   * jack_lsp took 1 s instead of 0.1 s with a page of the app open).
   */
  realtime?: boolean;
}

/** The default startTimeoutMs: fits the 20 s hook timeout of the vitest configs. */
export const START_TIMEOUT_MS = 15_000;
/** A start timeout for files that must run on a machine crowded with other servers. */
export const PATIENT_START_MS = 90_000;
/** beforeAll timeout that leaves room for PATIENT_START_MS. */
export const PATIENT_TIMEOUT = PATIENT_START_MS + 30_000;

/** The coordinates of a server someone else started (e.g. a global setup). */
export function jackServerNamed(name: string): JackServer {
  return {
    name,
    env:
      testServerKind() === 'pipewire'
        ? pipewireClientEnv(name)
        : { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_START_SERVER: '1' },
    stop: async () => {},
  };
}

let counter = 0;

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

let realtimeAllowed: boolean | undefined;
/** Whether this process may schedule a thread SCHED_FIFO (root, or an rtprio limit). */
function mayUseRealtime(): boolean {
  realtimeAllowed ??= spawnSync('chrt', ['-f', '1', 'true']).status === 0;
  return realtimeAllowed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts a private server, trying again until options.startTimeoutMs has passed. */
export async function startJackServer(options: JackServerOptions = {}): Promise<StartedJackServer> {
  if (testServerKind() === 'pipewire') return startPipeWireServer(options);
  const deadline = Date.now() + (options.startTimeoutMs ?? START_TIMEOUT_MS);
  for (;;) {
    try {
      return startOnce(options);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000));
    }
  }
}

function startOnce(options: JackServerOptions): StartedJackServer {
  reclaimDeadServerEntries();
  const unique = `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const name = options.name ?? `jbtest-${unique}`;
  const args = [options.realtime && mayUseRealtime() ? '--realtime' : '--no-realtime', '-n', name];
  if (options.verbose) args.unshift('-v');
  if (options.clientTimeoutMs !== undefined) args.push('-t', String(options.clientTimeoutMs));
  if (options.portMax !== undefined) args.push('--port-max', String(options.portMax));
  args.push(
    '-d',
    'dummy',
    '-r',
    String(options.rate ?? 48000),
    '-p',
    String(options.period ?? 256),
  );
  // jackd's stderr goes to a file, not a pipe: a test blocked in a synchronous
  // call (jack_client_close, spawnSync) cannot drain a pipe, and a jackd
  // blocked writing its error messages to a full pipe stalls every client.
  // The file is named per start, not per server: a server started again
  // under the same name must not lose its log to the old one's cleanup.
  const logFile = join(tmpdir(), `jackd-${name}-${unique}.log`);
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn('jackd', args, { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  child.once('exit', () => rmSync(logFile, { force: true }));
  // If the test process dies without stopping the server (a worker killed on
  // a timeout), a watchdog stops it, so no orphaned jackd holds one of JACK's
  // few server slots; a process that exits (a crash, a hook timeout) stops
  // it at once.
  spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} && kill -0 ${child.pid}; do sleep 0.5; done 2>/dev/null; ` +
        `kill ${child.pid} 2>/dev/null; sleep 2; kill -9 ${child.pid} 2>/dev/null`,
    ],
    { detached: true, stdio: 'ignore' },
  ).unref();
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);
  const waited = spawnSync('jack_wait', ['-s', name, '-w', '-t', '5'], { encoding: 'utf8' });
  if (waited.status !== 0 || child.exitCode !== null) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    const stderr = readFileSync(logFile, 'utf8');
    throw new Error(`jackd '${name}' did not start: ${stderr}${waited.stdout}${waited.stderr}`);
  }
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  child.once('exit', () => process.off('exit', killOnExit));
  return {
    name,
    env: jackServerNamed(name).env,
    process: child,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (gone()) return;
      // A stopping JACK2 server deletes the metadata store that all servers
      // of the user share: never while a test that checks metadata runs.
      const unlock = await lockMetadata();
      try {
        await new Promise<void>((resolve) => {
          if (gone()) return resolve();
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
