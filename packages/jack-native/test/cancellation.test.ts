// JACK2 ends a client's threads with an asynchronous pthread_cancel:
// jack_deactivate its realtime thread, jack_client_close its notification
// thread too, wherever each is. A cancel that lands inside the addon's
// callback, in a frame that may not unwind (a destructor, a noexcept call),
// used to end the whole process ("terminate called without an active
// exception", seen once in CI as a test process closed its clients). The
// callbacks now hold the cancel off until they return.
//
// fixtures/cancel-shim.c makes that window wide: it holds the notification
// thread inside the callback, in the unlock of the event queue's lock guard,
// until JACK cancels that thread.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  skipUnderSanitizer,
  startJackServer,
  underSanitizer,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreloadShim } from './fixtures/preload-shim.js';
import { type PyExec, startPyExec } from './fixtures/py-exec.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, '..');

let server: JackServer;
let peer: PyExec;
let work: string;
let shim: string;
let attempts = 0;

// The shim interposes dlsym, which ASan's runtime calls as it starts, before
// the shim can answer (the child dies of SIGSEGV at once).
const SHIM_NEEDS_DLSYM = 'the shim interposes dlsym, which the ASan runtime calls as it starts';

beforeAll(async () => {
  if (underSanitizer) return;
  work = mkdtempSync(join(tmpdir(), 'jackbay-cancel-'));
  shim = buildPreloadShim('cancel-shim', work);
  server = await startJackServer({ rate: 48000, period: 256, startTimeoutMs: PATIENT_START_MS });
  peer = await startPyExec(server, 'registrar');
}, PATIENT_TIMEOUT);

afterAll(async () => {
  await peer?.stop();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a thread JACK cancels inside a callback', () => {
  // JACK2's way of closing: the native-pipewire suite does not run this file.
  it('ends at the end of the callback, and the process lives on', async (context) => {
    skipUnderSanitizer(context, SHIM_NEEDS_DLSYM);
    // Fresh names on each try (vitest retries once): the shim's file and the peer's port.
    const attempt = ++attempts;
    const state = join(work, `state-${attempt}`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(HERE, 'fixtures', 'cancel-child.ts'), state],
      {
        cwd: PACKAGE,
        env: { ...server.env, LD_PRELOAD: shim, CANCEL_SHIM_STATE: state },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | string>((resolve) =>
      // 'close', not 'exit': only then has all of its output arrived.
      child.once('close', (status, signal) => resolve(status ?? signal ?? 'unknown')),
    );
    await expect.poll(() => stdout, { timeout: 20000 }).toContain('ready');
    // A port of another client: a registration callback, which the shim holds.
    await peer.run(`c.outports.register('wake_${attempt}')`);
    const status = await exited;

    // The process closed its client and went on, instead of aborting…
    expect({ status, stdout, stderr }).toMatchObject({ status: 0, stdout: 'ready\nclosed\n' });
    // …and the close really cancelled the thread while the callback was held.
    expect(readFileSync(state, 'utf8')).toBe('holding\ncancelled while held\n');
  }, 60000);
});
