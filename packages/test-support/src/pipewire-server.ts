// A private PipeWire for the tests, reached through PipeWire's libjack: the
// "JACK server" the suites see when JACKBAY_TEST_SERVER=pipewire.
//
// Each server is `pipewire` plus `wireplumber` under a D-Bus session of its
// own (`dbus-run-session`), listening on a socket with a unique name in a
// 0700 runtime directory that belongs to this test process. Clients pick
// the server by that socket name, as they pick a JACK2 server by its name:
// the addon's serverName and PIPEWIRE_REMOTE for peers, because PipeWire's
// libjack ignores JACK_DEFAULT_SERVER. A null sink gives device-like ports
// (`nullsink:playback_FL/FR`, `nullsink:monitor_FL/FR`).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JackServerOptions, StartedJackServer } from './jack-server.js';

/** Where Debian's pipewire-jack puts its libjack (what `pw-jack` puts on LD_LIBRARY_PATH). */
export const PIPEWIRE_LIBJACK_DIR = '/usr/lib/x86_64-linux-gnu/pipewire-0.3/jack';
export const PIPEWIRE_LIBJACK = join(PIPEWIRE_LIBJACK_DIR, 'libjack.so.0');

/** The device-like client every private PipeWire has, and its ports. */
export const PIPEWIRE_SINK = 'nullsink';

const NULL_SINK =
  `{ factory.name=support.null-audio-sink node.name=${PIPEWIRE_SINK} ` +
  'media.class=Audio/Sink object.linger=true audio.position=[FL FR] }';

/** Names the runtime directory for the processes this one starts (e.g. a global setup's workers). */
const RUNTIME_DIR_ENV = 'JACKBAY_PIPEWIRE_RUNTIME_DIR';

let runtimeDir: string | undefined;

/**
 * This process's runtime directory (XDG_RUNTIME_DIR, 0700): the one a parent
 * made (a test worker of a global setup), or one made on first use and
 * removed at exit. The addon's libjack reads XDG_RUNTIME_DIR from this
 * process's environment, so it is set here too.
 */
function privateRuntimeDir(): string {
  if (runtimeDir === undefined) {
    const inherited = process.env[RUNTIME_DIR_ENV];
    const dir = inherited ?? mkdtempSync(join(tmpdir(), 'jbtest-pw-'));
    if (inherited === undefined)
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    runtimeDir = dir;
    process.env[RUNTIME_DIR_ENV] = dir;
    process.env.XDG_RUNTIME_DIR = dir;
  }
  return runtimeDir;
}

/** Environment for a client of the private PipeWire called `name`. */
export function pipewireClientEnv(name: string): NodeJS.ProcessEnv {
  const libraryPath = [PIPEWIRE_LIBJACK_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean);
  return {
    ...process.env,
    XDG_RUNTIME_DIR: privateRuntimeDir(),
    PIPEWIRE_REMOTE: name,
    JACK_DEFAULT_SERVER: name,
    JACK_NO_START_SERVER: '1',
    JACKBAY_LIBJACK: PIPEWIRE_LIBJACK,
    LD_LIBRARY_PATH: libraryPath.join(':'),
  };
}

let counter = 0;

/** Runs a PipeWire tool against the server `name`; throws with its output when it fails. */
function pipewireTool(name: string, tool: string, args: string[]): string {
  const result = spawnSync(tool, args, {
    env: pipewireClientEnv(name),
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.status !== 0)
    throw new Error(`${tool} ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

/**
 * Starts a private PipeWire with its session manager and a null sink, and
 * waits until PipeWire's libjack sees the sink's ports. The rate and the
 * period become the server's defaults (PipeWire's own are 48 kHz and 1024
 * frames).
 */
export async function startPipeWireServer(
  options: JackServerOptions = {},
): Promise<StartedJackServer> {
  const dir = privateRuntimeDir();
  const unique = `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const name = options.name ?? `jbtest-pw-${unique}`;
  const socket = join(dir, name);
  // A server started again under the same name: its old socket must go.
  rmSync(socket, { force: true });
  rmSync(`${socket}.lock`, { force: true });
  // The rate and the period are PipeWire's defaults for this server (a
  // drop-in of its configuration), not forced: a client's buffer-size request
  // (node.force-quantum) must still be able to change the quantum.
  const configHome = mkdtempSync(join(tmpdir(), 'jbtest-pw-config-'));
  mkdirSync(join(configHome, 'pipewire', 'pipewire.conf.d'), { recursive: true });
  const rate = options.rate ?? 48000;
  writeFileSync(
    join(configHome, 'pipewire', 'pipewire.conf.d', 'jackbay-test.conf'),
    `context.properties = {\n  default.clock.rate = ${rate}\n  default.clock.allowed-rates = [ ${rate} ]\n` +
      `  default.clock.quantum = ${options.period ?? 256}\n  default.clock.min-quantum = 16\n}\n`,
  );
  const logFile = join(tmpdir(), `pipewire-${name}-${unique}.log`);
  const log = openSync(logFile, 'w');
  // pipewire first; wireplumber once its socket exists. `exec wait` keeps
  // the session up as long as both run, and dbus-run-session ends its bus
  // when the shell ends.
  const script =
    'XDG_CONFIG_HOME="$3" PIPEWIRE_CORE="$1" pipewire & ' +
    'i=0; while [ ! -S "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ' +
    'PIPEWIRE_REMOTE="$1" wireplumber & wait';
  const child: ChildProcess = spawn(
    'dbus-run-session',
    ['--', 'sh', '-c', script, 'sh', name, socket, configHome],
    {
      env: { ...process.env, XDG_RUNTIME_DIR: dir },
      stdio: ['ignore', log, log],
      // A process group of its own: stopping kills dbus, pipewire and wireplumber together.
      detached: true,
    },
  );
  closeSync(log);
  const group = child.pid as number;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-group, signal);
    } catch {
      // already gone
    }
  };
  // As for jackd: a watchdog stops the server if this process dies without stopping it.
  spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} && kill -0 ${group}; do sleep 0.5; done 2>/dev/null; ` +
        `kill -- -${group} 2>/dev/null; sleep 2; kill -9 -- -${group} 2>/dev/null`,
    ],
    { detached: true, stdio: 'ignore' },
  ).unref();
  const killOnExit = () => killGroup('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    if (!gone()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        killGroup('SIGTERM');
      });
    }
    // dbus-run-session may end before its children: wait for the whole group.
    await until(() => !groupAlive(group), 3000);
    killGroup('SIGKILL');
    process.off('exit', killOnExit);
    rmSync(socket, { force: true });
    rmSync(`${socket}.lock`, { force: true });
    rmSync(logFile, { force: true });
    rmSync(configHome, { recursive: true, force: true });
  };

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  try {
    // The session manager must have taken the server before the sink is made.
    if (!(await until(() => gone() || sessionManagerRunning(name), timeoutMs)) || gone())
      throw new Error('wireplumber did not connect');
    pipewireTool(name, 'pw-cli', ['create-node', 'adapter', NULL_SINK]);
    const ready = await until(
      () => gone() || jackSees(name, `${PIPEWIRE_SINK}:monitor_FR`),
      timeoutMs,
    );
    if (!ready || gone()) throw new Error('its JACK API never showed the null sink');
  } catch (error) {
    const output = readFileSync(logFile, 'utf8');
    await stop();
    throw new Error(`PipeWire '${name}' did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    name,
    env: pipewireClientEnv(name),
    process: child,
    kill: () => killGroup('SIGKILL'),
    stop,
  };
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sessionManagerRunning(name: string): boolean {
  const result = spawnSync('pw-cli', ['ls', 'Client'], {
    env: pipewireClientEnv(name),
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 && result.stdout.includes('WirePlumber');
}

function jackSees(name: string, port: string): boolean {
  const result = spawnSync('jack_lsp', [port], {
    env: pipewireClientEnv(name),
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 && result.stdout.includes(port);
}
