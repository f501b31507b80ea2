// Lifecycle never crashes the process: each scenario runs in a child Node
// process (test/fixtures/lifecycle-child.ts), so a crash shows up as its exit
// signal instead of killing the test runner.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  lockMetadata,
  type StartedJackServer,
  startJackServer,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lspNames } from './fixtures/graph.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(PACKAGE, 'test', 'fixtures', 'lifecycle-child.ts');

interface Child {
  /** The next JSON line the child prints. */
  next<T = Record<string, unknown>>(): Promise<T>;
  /** Lets the child go on to its next step. */
  proceed(): void;
  /** Exit code and signal, once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  readonly process: ChildProcess;
}

const children: ChildProcess[] = [];

function runChild(
  server: JackServer,
  scenario: string,
  nodeArgs: string[] = [],
  args: string[] = [],
): Child {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', FIXTURE, scenario, ...args],
    {
      cwd: PACKAGE,
      env: server.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  const pending: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (let index = stdout.indexOf('\n'); index >= 0; index = stdout.indexOf('\n')) {
      const line = stdout.slice(0, index);
      stdout = stdout.slice(index + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else pending.push(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
  }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    exited,
    proceed: () => {
      child.stdin.write('go\n');
    },
    next: <T>() =>
      new Promise<T>((resolve, reject) => {
        const parse = (line: string) => resolve(JSON.parse(line) as T);
        const line = pending.shift();
        if (line !== undefined) return parse(line);
        const timer = setTimeout(
          () => reject(new Error(`child '${scenario}' printed nothing; stderr: ${stderr}`)),
          15000,
        );
        waiters.push((next) => {
          clearTimeout(timer);
          parse(next);
        });
        void exited.then(({ code, signal }) => {
          if (waiters.length > 0)
            reject(new Error(`child '${scenario}' exited (${code}, ${signal}): ${stderr}`));
        });
      }),
  };
}

/** No sign of a native crash or of an unhandled N-API exception. */
function expectCleanStderr(stderr: string): void {
  expect(stderr).not.toMatch(
    /Segmentation fault|Aborted|Assertion|terminate called|FATAL ERROR|napi|N-API/i,
  );
}

let server: JackServer;

beforeAll(async () => {
  server = await startJackServer();
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await server.stop();
});

describe('closing', () => {
  it('close twice (and dispose after close) is harmless', async () => {
    const child = runChild(server, 'close-twice');
    expect(await child.next()).toEqual({ closed: true });
    const { code, signal, stderr } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expectCleanStderr(stderr);
    expect(lspNames(server).filter((name) => name.startsWith('lc-twice'))).toEqual([]);
  });

  it('use after close throws JackError kind "closed"', async () => {
    const child = runChild(server, 'use-after-close');
    const kinds = await child.next<Record<string, string>>();
    expect(Object.keys(kinds).length).toBeGreaterThan(5);
    for (const [what, kind] of Object.entries(kinds)) expect(kind, what).toBe('closed');
    const { code, signal, stderr } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expectCleanStderr(stderr);
  });
});

describe('garbage collection', () => {
  for (const [scenario, portName] of [
    ['gc', 'lc-gc:out'],
    ['gc-active', 'lc-gc-active:out'],
  ] as const) {
    it(`an unreferenced ${scenario === 'gc' ? 'inactive' : 'active'} client is closed when collected`, async () => {
      const child = runChild(server, scenario, ['--expose-gc']);
      expect(await child.next()).toEqual({ open: true });
      expect(lspNames(server)).toContain(portName);
      child.proceed();
      expect(await child.next()).toEqual({ collected: true });
      // The finalizer closed the client: the server dropped its port while
      // the process lives on.
      await waitFor(() => !lspNames(server).includes(portName), 5000, 'the port to go');
      expect(child.process.exitCode).toBeNull();
      child.proceed();
      const { code, signal, stderr } = await child.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expectCleanStderr(stderr);
    });
  }
});

describe('process exit with open clients', () => {
  for (const [how, expectedCode] of [
    ['exit', 0],
    ['return', 0],
    ['throw', 1],
  ] as const) {
    it(`${how === 'exit' ? 'process.exit()' : how === 'return' ? 'the event loop running dry' : 'an uncaught exception'} ends cleanly`, async () => {
      const child = runChild(server, how);
      expect(await child.next()).toEqual({ open: true });
      expect(lspNames(server)).toContain('lc-exit-active:out');
      child.proceed();
      const { code, signal, stderr } = await child.exited;
      expect({ code, signal }).toEqual({ code: expectedCode, signal: null });
      if (how === 'throw') expect(stderr).toContain('deliberate uncaught error');
      expectCleanStderr(stderr.replace(/.*deliberate uncaught error[\s\S]*/, ''));
      // The clients are gone from the server with the process.
      await waitFor(
        () => !lspNames(server).some((name) => name.startsWith('lc-exit')),
        5000,
        'the clients to go',
      );
    });
  }
});

describe('starting a server', () => {
  it('noStartServer refuses to start one; without it JACK starts one (and a clean exit follows)', async () => {
    // A .jackdrc of our own, and a server name nobody uses.
    const home = mkdtempSync(join(tmpdir(), 'jackbay-home-'));
    writeFileSync(
      join(home, '.jackdrc'),
      '/usr/bin/jackd --no-realtime -d dummy -r 48000 -p 256\n',
    );
    const name = `jbauto-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env: NodeJS.ProcessEnv = { ...server.env, HOME: home, JACK_DEFAULT_SERVER: name };
    delete env.JACK_NO_START_SERVER;
    const started = () => spawnSync('pgrep', ['-f', `jackd.*${name}`], { encoding: 'utf8' }).stdout;
    // The started server deletes the metadata store all servers share when it
    // quits: not while another file's metadata test runs.
    const unlock = await lockMetadata();
    try {
      const child = runChild({ ...server, name, env }, 'autostart');
      expect(await child.next()).toEqual({
        refusedServerFailed: true,
        serverStarted: true,
        systemPorts: 4,
      });
      const { code, signal, stderr } = await child.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expectCleanStderr(stderr);
      // A temporary server: it went away with its only client.
      await waitFor(() => started().trim() === '', 10000, 'the started server to quit');
    } finally {
      for (const pid of started().split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      unlock();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000); // waiting for the lock
});

describe('a new client after the server died', () => {
  // JACK2 1.9.21 deletes a shut-down client inside the next jack_client_open
  // ("Cleanup client ref"); closing or collecting it afterwards used to be a
  // SIGSEGV. Each case kills and restarts a server of its own.
  for (const how of ['close', 'gc'] as const) {
    it(`the old client ${how === 'close' ? 'closed' : 'collected'} after the new open: no crash`, async () => {
      let own = await startJackServer();
      const child = runChild(own, `reopen-${how}`, ['--expose-gc']);
      try {
        expect(await child.next()).toEqual({ open: true });
        (own as StartedJackServer).process.kill('SIGKILL');
        expect(await child.next()).toEqual({ shutdown: 1 });
        own = await startJackServer({ name: own.name });
        child.proceed();
        const result = await child.next();
        const { code, signal, stderr } = await child.exited;
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        expectCleanStderr(stderr);
        expect(result.oldUse).toBe('shutdown');
        expect(result.freshPorts).toEqual(['lc-re-new:out']);
        expect(result.freshPortsAfter).toEqual(['lc-re-new:out']);
        expect(result.thirdName).toBe('lc-re-third');
        if (how === 'close')
          expect(result).toMatchObject({ oldClose: 'no error', oldClosed: true });
        else expect(result.collected).toBe(true);
      } finally {
        await own.stop();
      }
    }, 40_000);
  }
});

describe('one server per process', () => {
  // libjack's one global context per process: a client of a second server
  // would read the first one's graph, and crash the process when either dies.
  it('a client of a second server is refused with kind "unsupported", in a worker too', async () => {
    const other = await startJackServer();
    try {
      const child = runChild(server, 'two-servers', [], [other.name]);
      const result = await child.next();
      const { code, signal, stderr } = await child.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expectCleanStderr(stderr);
      expect(result.refused).toBe('unsupported');
      expect(result.message).toContain(server.name);
      expect(result.message).toContain(other.name);
      expect(result.fromWorker).toBe('unsupported');
      expect(result.secondName).toBe('lc-two-b');
    } finally {
      await other.stop();
    }
  });
});

describe('the server stopping', () => {
  // Last in this file: it stops the file's server (JACK2 allows only a few
  // servers per machine, so the test does not start one of its own).
  it('fires the shutdown callbacks; later calls throw kind "shutdown"; close() works', async () => {
    const child = runChild(server, 'server-stops');
    expect(await child.next()).toEqual({ open: true });
    await server.stop();
    const result = await child.next();
    const { code, signal, stderr } = await child.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expectCleanStderr(stderr);
    // Each way of listening heard it exactly once, with a reason.
    for (const key of ['setter', 'on']) {
      const calls = result[key] as Array<[number, string]>;
      expect(calls, key).toHaveLength(1);
      expect(typeof calls[0]?.[0], key).toBe('number');
      expect(calls[0]?.[1], key).toMatch(/\S/);
    }
    for (const key of [
      'uuid',
      'samplerate',
      'getPorts',
      'connect',
      'register',
      'activate',
      'portName',
      'portConnect',
    ])
      expect(result[key], key).toBe('shutdown');
    // Cleanup still works, and after it the client is simply closed.
    expect(result.deactivate).toBe('no error');
    expect(result.close).toBe('no error');
    expect(result.closeAgain).toBe('no error');
    expect(result.afterClose).toBe('closed');
  });
});
