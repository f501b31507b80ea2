// Lifecycle never crashes the process: each scenario runs in a child Node
// process (test/fixtures/lifecycle-child.ts, run by lifecycle-runner.ts), so a
// crash shows up as its exit signal instead of killing the test runner.
// A server dying under an open client, then a new open: reopen.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type JackServer,
  lockMetadata,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lspNames } from './fixtures/graph.js';
import { expectCleanStderr, killChildren, runChild } from './fixtures/lifecycle-runner.js';

let server: JackServer;

beforeAll(async () => {
  server = await startJackServer();
});
afterAll(async () => {
  killChildren();
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
  unlessPipeWire(it, 'noServerStart')(
    'noStartServer refuses to start one; without it JACK starts one (and a clean exit follows)',
    async () => {
      // A .jackdrc of our own, and a server name nobody uses.
      const home = mkdtempSync(join(tmpdir(), 'jackbay-home-'));
      writeFileSync(
        join(home, '.jackdrc'),
        '/usr/bin/jackd --no-realtime -d dummy -r 48000 -p 256\n',
      );
      const name = `jbauto-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      const env: NodeJS.ProcessEnv = { ...server.env, HOME: home, JACK_DEFAULT_SERVER: name };
      delete env.JACK_NO_START_SERVER;
      const started = () =>
        spawnSync('pgrep', ['-f', `jackd.*${name}`], { encoding: 'utf8' }).stdout;
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
        for (const pid of started().split('\n').filter(Boolean))
          process.kill(Number(pid), 'SIGKILL');
        unlock();
        rmSync(home, { recursive: true, force: true });
      }
    },
    60_000,
  ); // waiting for the lock
});

describe('the server stopping', () => {
  // Last in this file: it stops the file's server (JACK2 allows only a few
  // servers per machine, so the test does not start one of its own).
  unlessPipeWire(it, 'noShutdownNotice')(
    'fires the shutdown callbacks; later calls throw kind "shutdown"; close() works',
    async () => {
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
    },
  );
});
