// What the benchmark runs against: a private jackd large enough for the
// graph, the web host on it, and the peer that builds the graph.
//
// JACK2 keeps one shared-memory registry for every server of a user (at most
// 256 segments, /dev/shm/jack-shm-registry). 200 clients need most of it, so
// on a machine where other servers run (tests, other benchmarks) the peer
// would run out of segments after a handful of clients, and would starve
// those servers too. jackd therefore runs in its own mount namespace with a
// private tmpfs on /dev/shm; the peer and the web host join that namespace
// with nsenter. Where namespaces are not allowed, everything runs in the
// shared /dev/shm and the peer stops at whatever JACK allows.
//
// That is why this is not the tests' startJackServer (@jackbay/test-support):
// jackd here needs a raised port limit (-p) and a namespace of its own that
// later processes join by its pid.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const PYTHON = '/usr/bin/python3';

export interface JackStack {
  readonly serverName: string;
  /** jackd runs in a private mount namespace (its own /dev/shm). */
  readonly isolated: boolean;
  /** Environment for JACK clients of this server. */
  readonly env: NodeJS.ProcessEnv;
  /** Spawns a program that talks to this server (inside its namespace), with more environment. */
  spawn(
    command: string,
    args: string[],
    stdio?: 'pipe' | 'ignore',
    extraEnv?: NodeJS.ProcessEnv,
  ): ChildProcess;
  /** Runs a program against this server to completion; returns stdout. */
  run(command: string, args: string[]): string;
  stop(): Promise<void>;
}

/** Stops `pid` if this process dies first (a benchmark killed mid-run leaves nothing behind). */
function guard(pid: number | undefined): void {
  if (pid === undefined) return;
  spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} && kill -0 ${pid}; do sleep 0.5; done 2>/dev/null; ` +
        `kill ${pid} 2>/dev/null; sleep 2; kill -9 ${pid} 2>/dev/null`,
    ],
    { detached: true, stdio: 'ignore' },
  ).unref();
}

function namespacesAllowed(): boolean {
  const probe = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /dev/shm'],
    { encoding: 'utf8' },
  );
  return probe.status === 0;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/**
 * Starts jackd with room for `portMax` ports (dummy driver, 48 kHz, 256
 * frames); `driverArgs` are more options for the dummy driver.
 */
export function startJack(portMax: number, driverArgs: string[] = []): JackStack {
  const serverName = `jbbench-${process.pid}`;
  const isolated = namespacesAllowed();
  const jackd = [
    'jackd',
    '--no-realtime',
    '-n',
    serverName,
    '-p',
    String(portMax),
    '-d',
    'dummy',
    '-r',
    '48000',
    '-p',
    '256',
    ...driverArgs,
  ];
  // jackd's messages go to a file: a pipe nobody drains would stall it.
  const logFile = join(tmpdir(), `${serverName}.log`);
  const log = openSync(logFile, 'w');
  // `unshare` and `sh` exec into jackd, so the child's pid is jackd's and
  // nsenter can join its namespace by that pid.
  const child = isolated
    ? spawn(
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec "$@"',
          'sh',
          ...jackd,
        ],
        { stdio: ['ignore', 'ignore', log] },
      )
    : spawn(jackd[0] as string, jackd.slice(1), { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  guard(child.pid);
  const env = { ...process.env, JACK_DEFAULT_SERVER: serverName, JACK_NO_START_SERVER: '1' };
  const inside = (command: string, args: string[]): [string, string[]] =>
    isolated
      ? ['nsenter', ['-t', String(child.pid), '-m', '--', command, ...args]]
      : [command, args];

  const stack: JackStack = {
    serverName,
    isolated,
    env,
    spawn(command, args, stdio = 'pipe', extraEnv = {}) {
      const [cmd, argv] = inside(command, args);
      const spawned = spawn(cmd, argv, {
        env: { ...env, ...extraEnv },
        stdio: stdio === 'pipe' ? 'pipe' : 'ignore',
      });
      guard(spawned.pid);
      return spawned;
    },
    run(command, args) {
      const [cmd, argv] = inside(command, args);
      const result = spawnSync(cmd, argv, { env, encoding: 'utf8', timeout: 15_000 });
      if (result.status !== 0)
        throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    },
    async stop() {
      await stopChild(child);
      rmSync(logFile, { force: true });
    },
  };
  try {
    stack.run('jack_wait', ['-s', serverName, '-w', '-t', '10']);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`jackd did not start: ${readFileSync(logFile, 'utf8')}\n${error}`);
  }
  return stack;
}

export interface WebHost {
  readonly url: string;
  /** The host's process (nsenter execs into node, so this is node's pid). */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface WebHostOptions {
  /** Another build of the renderer to serve. */
  staticDir?: string;
  /** Flags for node itself (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** More environment (e.g. LD_PRELOAD). */
  env?: NodeJS.ProcessEnv;
}

/** `jackbay serve` on the stack's server. */
export function startWebHost(stack: JackStack, options: WebHostOptions = {}): Promise<WebHost> {
  const { staticDir, nodeFlags = [], env = {} } = options;
  const args = [...nodeFlags, join(ROOT, 'packages/core/dist/cli.js'), 'serve', '--port', '0'];
  args.push('--server', stack.serverName);
  if (staticDir) args.push('--static', staticDir);
  // A config directory of its own: nothing remembered from an earlier run.
  const config = mkdtempSync(join(tmpdir(), 'jackbay-bench-config-'));
  const child = stack.spawn(process.execPath, args, 'pipe', { JACKBAY_CONFIG_DIR: config, ...env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${stderr}`)), 20_000);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^Jackbay: (http:\/\/\S+)$/m.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({ url: match[1], pid: child.pid as number, stop: () => stopChild(child) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${stderr}`));
    });
  });
}

export interface PeerReply {
  event: string;
  [field: string]: unknown;
}

export interface Peer {
  /** Sends one command and resolves with the peer's reply. */
  ask(command: string, timeoutMs?: number): Promise<PeerReply>;
  /** Resolves with the peer's next line (a command that replies twice). */
  next(timeoutMs?: number): Promise<PeerReply>;
  stop(): Promise<void>;
}

/**
 * Starts a peer script of this folder: bench/peer.py by default (its control
 * client `bb-control` is up when this resolves); any such script answers each
 * line of stdin with one line of JSON, and says it started with the first.
 */
export async function startPeer(stack: JackStack, script = 'peer.py'): Promise<Peer> {
  const child = stack.spawn(PYTHON, ['-u', join(import.meta.dirname, script)]);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const waiting: Array<(reply: PeerReply) => void> = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiting.shift()?.(JSON.parse(line) as PeerReply);
    }
  });
  const next = (timeoutMs: number) =>
    new Promise<PeerReply>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`peer did not answer: ${stderr}`)),
        timeoutMs,
      );
      waiting.push((reply) => {
        clearTimeout(timer);
        if (reply.event === 'error') reject(new Error(`peer: ${reply.message}`));
        else resolve(reply);
      });
    });
  await next(15_000);
  return {
    ask(command, timeoutMs = 10_000) {
      const reply = next(timeoutMs);
      child.stdin?.write(`${command}\n`);
      return reply;
    },
    next: (timeoutMs = 10_000) => next(timeoutMs),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin?.end();
      }),
  };
}
