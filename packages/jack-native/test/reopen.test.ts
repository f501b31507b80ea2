// The library never crashes its process (issue 9, section 4), in child
// processes: a new client opened while one the server shut down is still
// open, and a client of a second server. A file of its own: these start and
// kill servers, which lifecycle.test.ts's server started by libjack does
// not mix with (seen: a jackd started after it hung at start-up on a futex
// with JACK2's metadata store, Berkeley DB in /dev/shm/jack_db-<uid>, mapped).
import {
  type JackServer,
  SANITIZER_SLOWDOWN,
  startJackServer,
  unlessPipeWire,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, killChildren, runChild } from './fixtures/lifecycle-runner.js';

let server: JackServer;

beforeAll(async () => {
  server = await startJackServer();
});
afterAll(async () => {
  killChildren();
  await server.stop();
});

describe('a new client after the server died', () => {
  // JACK2 1.9.21 deletes a shut-down client inside the next jack_client_open
  // ("Cleanup client ref"); closing or collecting it afterwards used to be a
  // SIGSEGV. Each case kills and restarts a server of its own.
  for (const how of ['close', 'gc'] as const) {
    unlessPipeWire(it, 'noShutdownNotice')(
      `the old client ${how === 'close' ? 'closed' : 'collected'} after the new open: no crash`,
      async () => {
        let own = await startJackServer();
        const child = runChild(own, `reopen-${how}`, ['--expose-gc']);
        try {
          expect(await child.next()).toEqual({ open: true });
          own.kill();
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
      },
      40_000 * SANITIZER_SLOWDOWN,
    );
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
