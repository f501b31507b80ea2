// Server control against real jackd (dummy driver, unique names): start from
// the service, the session picks the server up, buffer size and xrun reset,
// stop; a found server is stopped only when confirmed; closing the service
// stops a server it started and leaves one it found alone.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import type { ServerControlState, ServerSettings } from '../src/contract.js';
import { JackdStartError, startJackd } from '../src/jackd.js';
import { findJackdProcess } from '../src/jackd-process.js';
import { JackbayService } from '../src/service.js';
import {
  GraphMirror,
  isServerLimit,
  lockMetadata,
  SERVER_WAIT_MS,
  type StartedJackServer,
  startServer,
  waitFor,
} from './helpers.js';

/** Room for waiting on one of JACK2's 8 server slots, and for a busy machine. */
const PATIENT_TIMEOUT_MS = SERVER_WAIT_MS + 60000;

const SETTINGS: ServerSettings = {
  driver: 'dummy',
  device: null,
  rate: 48000,
  period: 256,
  periods: 2,
  realtime: false,
};

const unique = (what: string) => `jbctl-${what}-${process.pid}-${randomBytes(3).toString('hex')}`;
const env = (name: string) => ({
  ...process.env,
  JACK_DEFAULT_SERVER: name,
  JACK_NO_START_SERVER: '1',
});

function serverRuns(name: string): boolean {
  const result = spawnSync('jack_wait', ['-s', name, '-c'], { encoding: 'utf8' });
  return result.stdout.trim() === 'running';
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function service(name: string): {
  service: JackbayService;
  mirror: GraphMirror;
  settingsPath: string;
} {
  const settingsPath = join(mkdtempSync(join(tmpdir(), 'jackbay-ctl-')), 'server.json');
  writeFileSync(settingsPath, JSON.stringify(SETTINGS));
  const made = new JackbayService({
    serverName: name,
    retryIntervalMs: 200,
    serverSettingsPath: settingsPath,
  });
  const mirror = new GraphMirror(made);
  cleanups.push(async () => {
    mirror.close();
    const unlock = await lockMetadata();
    try {
      await made.close();
    } finally {
      unlock();
    }
  });
  made.start();
  return { service: made, mirror, settingsPath };
}

// JACK2 runs at most 8 servers per machine: on a crowded one, try again.
async function startViaControl(made: JackbayService): Promise<ServerControlState> {
  const deadline = Date.now() + SERVER_WAIT_MS;
  for (;;) {
    const answered = await answer(made, 'startServer', {});
    if ('result' in answered) return answered.result as ServerControlState;
    if (!isServerLimit(answered.error.message) || Date.now() > deadline)
      throw new Error(`startServer: ${answered.error.code}: ${answered.error.message}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('server control', () => {
  it('starts a server the session picks up, changes its buffer size, resets xruns, stops it', {
    timeout: PATIENT_TIMEOUT_MS,
  }, async () => {
    const name = unique('start');
    const { service: made, mirror } = service(name);
    await waitFor(() => mirror.statuses.at(-1)?.server === 'down', 5000, 'down first');
    const before = await answer(made, 'getServerControl', {});
    expect(before).toMatchObject({
      result: {
        settings: SETTINGS,
        startedByJackbay: false,
        running: false,
        busy: false,
        lastError: null,
      },
    });

    const seen: ServerControlState[] = [];
    cleanups.push(made.subscribe('serverControl', (state) => seen.push(state)));
    const started = await startViaControl(made);
    expect(started).toMatchObject({ startedByJackbay: true, running: true, busy: false });
    expect(seen.some((state) => state.busy)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ startedByJackbay: true, busy: false });
    expect(serverRuns(name)).toBe(true);

    // The session connects by itself (it retries while no server runs).
    await waitFor(() => mirror.statuses.at(-1)?.server === 'up', 10000, 'the session up');
    await waitFor(() => mirror.port('system:playback_2'), 5000, 'the dummy driver ports');
    expect(await answer(made, 'startServer', {})).toMatchObject({
      error: { code: 'server-running' },
    });

    // Buffer size: JACK's own tool sees the change, and so does the status.
    expect(await answer(made, 'setBufferSize', { frames: 1024 })).toEqual({ result: null });
    await waitFor(() => mirror.statuses.at(-1)?.bufferSize === 1024, 5000, 'status 1024');
    expect(spawnSync('jack_bufsize', [], { env: env(name), encoding: 'utf8' }).stdout).toMatch(
      /1024/,
    );
    expect(mirror.statuses.at(-1)?.latencyMs).toBeCloseTo((1024 / 48000) * 1000, 5);

    expect(await answer(made, 'resetXruns', {})).toEqual({ result: null });
    expect(made.status()).toMatchObject({ xrunCount: 0, lastXrunDelayUs: null });

    const unlock = await lockMetadata();
    let stopped: Awaited<ReturnType<typeof answer>>;
    try {
      stopped = await answer(made, 'stopServer', {});
    } finally {
      unlock();
    }
    expect(stopped).toMatchObject({ result: { startedByJackbay: false } });
    expect(serverRuns(name)).toBe(false);
    await waitFor(() => mirror.statuses.at(-1)?.server === 'down', 5000, 'the session down');
    await waitFor(() => mirror.snapshot.ports.length === 0, 5000, 'the graph empty');
    expect(await answer(made, 'stopServer', {})).toMatchObject({ error: { code: 'server-down' } });
  });

  it('never stops a server it found without confirm', { timeout: PATIENT_TIMEOUT_MS }, async () => {
    const name = unique('found');
    let server: StartedJackServer | null = await startServer({ name });
    cleanups.push(() => server?.stop());
    const { service: made, mirror } = service(name);
    await waitFor(() => mirror.statuses.at(-1)?.server === 'up', 10000, 'connected');
    expect(await answer(made, 'getServerControl', {})).toMatchObject({
      result: { startedByJackbay: false, running: true },
    });
    expect(findJackdProcess(name)).toBe(server.process.pid);

    expect(await answer(made, 'stopServer', {})).toEqual({
      error: { code: 'confirm-needed', message: expect.stringMatching(/did not start/) },
    });
    expect(await answer(made, 'stopServer', { confirm: false })).toMatchObject({
      error: { code: 'confirm-needed' },
    });
    expect(serverRuns(name)).toBe(true);
    expect(made.isUp).toBe(true);
    // Starting over a running server is refused, and starts nothing.
    expect(await answer(made, 'startServer', {})).toMatchObject({
      error: { code: 'server-running' },
    });

    const unlock = await lockMetadata();
    try {
      expect(await answer(made, 'stopServer', { confirm: true })).toMatchObject({
        result: { startedByJackbay: false, lastError: null },
      });
    } finally {
      unlock();
    }
    await waitFor(
      () => server?.process.exitCode !== null || server?.process.signalCode !== null,
      5000,
      'jackd exited',
    );
    server = null;
    await waitFor(() => mirror.statuses.at(-1)?.server === 'down', 5000, 'the session down');
  });

  it('closing the service stops a server it started', { timeout: PATIENT_TIMEOUT_MS }, async () => {
    const name = unique('close');
    const { service: made, mirror } = service(name);
    await startViaControl(made);
    await waitFor(() => mirror.statuses.at(-1)?.server === 'up', 10000, 'connected');
    const pid = findJackdProcess(name);
    expect(pid).not.toBeNull();
    const cleanup = cleanups.pop();
    await cleanup?.();
    expect(serverRuns(name)).toBe(false);
    expect(findJackdProcess(name)).toBeNull();
  });

  it('closing the service leaves a server it found alone', {
    timeout: PATIENT_TIMEOUT_MS,
  }, async () => {
    const name = unique('keep');
    const server = await startServer({ name });
    cleanups.push(() => server.stop());
    const { mirror } = service(name);
    await waitFor(() => mirror.statuses.at(-1)?.server === 'up', 10000, 'connected');
    const cleanup = cleanups.pop();
    await cleanup?.();
    expect(serverRuns(name)).toBe(true);
    expect(server.process.exitCode).toBeNull();
  });

  it("a jackd that fails to start reports jackd's own message", async () => {
    const error = await startJackd({
      name: unique('bad'),
      serverArgs: ['--no-realtime'],
      driverArgs: ['-d', 'no-such-driver'],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JackdStartError);
    expect(error).toMatchObject({ failure: 'exited' });
    expect((error as JackdStartError).message).toMatch(/Unknown driver "no-such-driver"/);
    expect((error as JackdStartError).output).toMatch(/Unknown driver/);
  });

  it('remembers the settings, and refuses ALSA without a device', async () => {
    const name = unique('settings');
    const { service: made, settingsPath } = service(name);
    const alsa = { ...SETTINGS, driver: 'alsa', device: null } as const;
    expect(await answer(made, 'setServerSettings', alsa)).toMatchObject({
      result: { settings: alsa },
    });
    expect(await answer(made, 'startServer', {})).toMatchObject({
      error: { code: 'bad-request', message: expect.stringMatching(/needs a device/) },
    });
    expect(await answer(made, 'setServerSettings', { ...SETTINGS, period: 100 })).toMatchObject({
      error: { code: 'bad-request' },
    });
    const again = new JackbayService({ serverName: name, serverSettingsPath: settingsPath });
    expect(await answer(again, 'getServerControl', {})).toMatchObject({
      result: { settings: alsa, settingsProblem: null },
    });
    await again.close();
  });
});
