// libjack's error hook is one process-wide function pointer, but each Node
// environment sets its own function: a worker's messages go to the worker, and
// a worker that goes away with its function still set hands libjack back to
// the main thread's function.
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unlessPipeWire, waitFor } from '@jackbay/test-support';
import { describe, expect, it } from 'vitest';
import { Client, JackOpenError, setErrorFunction } from '../lib/index.js';
import { nativeFile as addon } from '../lib/native.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'message-hooks-worker.mjs');
const WAIT = 10000;

describe('message hooks per environment', () => {
  unlessPipeWire(it, 'noMessages')(
    'a worker gets its own errors, and leaving gives libjack back to the main thread',
    async () => {
      const server = `hooks-no-such-server-${process.pid}`;
      const mainSeen: string[] = [];
      setErrorFunction((text) => mainSeen.push(text));
      try {
        for (const leave of ['end', 'exit', 'terminate', 'end', 'exit', 'terminate']) {
          const worker = new Worker(fixture, { workerData: { addon, server, leave } });
          const exited = once(worker, 'exit');
          const workerSeen: string[] = [];
          worker.on('message', (text: string) => workerSeen.push(text));
          await waitFor(() => workerSeen.length > 0, WAIT, `the worker's error (${leave})`);
          if (leave === 'terminate') await worker.terminate();
          await exited;
          expect(workerSeen.some((text) => /connect to server/i.test(text))).toBe(true);
          expect(mainSeen).toHaveLength(0);
        }

        expect(() => new Client('hooks-main', { serverName: server, noStartServer: true })).toThrow(
          JackOpenError,
        );
        await waitFor(
          () => mainSeen.some((text) => /connect to server/i.test(text)),
          WAIT,
          'error',
        );
      } finally {
        setErrorFunction(null);
      }
    },
  );
});
