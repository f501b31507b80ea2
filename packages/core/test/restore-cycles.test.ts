// Never lose a patch, many times over: the server is killed outright and
// started again, and a client quits and returns, again and again. Every time
// the connections come back; the service never stops, and its threads, file
// descriptors and memory do not grow with the cycles. The service runs in
// this process, so /proc/self is its /proc/<pid>.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { JackbayService } from '../src/service.js';
import {
  type ExecPeer,
  execPeer,
  lsp,
  SERVER_WAIT_MS,
  type StartedJackServer,
  startServer,
  waitFor,
} from './helpers.js';

const CYCLES = Number(process.env.JACKBAY_RESTORE_CYCLES ?? 50);
const WARM_UP = 5;
const name = `jbcycles-${process.pid}-${randomBytes(3).toString('hex')}`;
let server: StartedJackServer | null = null;
const service = new JackbayService({ serverName: name, retryIntervalMs: 200 });
const peers: ExecPeer[] = [];

afterAll(async () => {
  for (const peer of peers) await peer.stop().catch(() => undefined);
  await service.close();
  await server?.stop();
});

interface Usage {
  threads: number;
  fds: number;
  rssMb: number;
}

function usage(): Usage {
  const status = readFileSync('/proc/self/status', 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    threads: readdirSync('/proc/self/task').length,
    fds: readdirSync('/proc/self/fd').length,
    rssMb: rss / 1024,
  };
}

const PAIRS = [
  ['cyc_src:out_1', 'cyc_fx:in_1'],
  ['cyc_src:out_2', 'cyc_fx:in_2'],
] as const;

async function connected(): Promise<number> {
  if (!server) return 0;
  const out = await lsp(server, ['-c']).catch(() => '');
  let count = 0;
  for (const [source, destination] of PAIRS) {
    const at = out.indexOf(`${source}\n`);
    if (at >= 0 && out.slice(at).split('\n')[1]?.trim() === destination) count++;
  }
  return count;
}

async function startPeers(): Promise<void> {
  if (!server) throw new Error('no server');
  peers.push(
    await execPeer(server, 'cyc_src', `for n in ('out_1', 'out_2'): c.outports.register(n)`),
    await execPeer(server, 'cyc_fx', `for n in ('in_1', 'in_2'): c.inports.register(n)`),
  );
}

async function stopPeers(): Promise<void> {
  for (const peer of peers.splice(0)) await peer.stop().catch(() => undefined);
}

// One server and one service carry over from cycle to cycle and test to
// test: a retry could not start afresh, so a failure is reported as it is.
describe('connections come back', { retry: 0 }, () => {
  it(`after the server is killed and restarted, ${CYCLES} times`, {
    timeout: SERVER_WAIT_MS + CYCLES * 15000,
  }, async () => {
    server = await startServer({ name });
    service.start();
    await waitFor(() => service.isUp, 10000, 'service up');
    await startPeers();
    await waitFor(
      () => service.snapshot().clients.some((c) => c.name === 'cyc_fx'),
      5000,
      'peers seen',
    );
    for (const [source, destination] of PAIRS)
      expect(await answer(service, 'connect', { source, destination })).toEqual({ result: null });
    await waitFor(async () => (await connected()) === 2, 5000, 'connected');
    await waitFor(() => service.snapshot().connections.length === 2, 5000, 'service saw them');

    let warm: Usage | null = null;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      server.process.kill('SIGKILL');
      await waitFor(() => !service.isUp, 5000, `down (cycle ${cycle})`);
      await stopPeers();
      await server.stop();
      server = await startServer({ name });
      await waitFor(() => service.isUp, 10000, `up again (cycle ${cycle})`);
      await startPeers();
      await waitFor(async () => (await connected()) === 2, 5000, `re-made (cycle ${cycle})`);
      if (cycle === WARM_UP) warm = usage();
    }
    const end = usage();
    console.log(
      `after ${WARM_UP} cycles: ${JSON.stringify(warm)}; after ${CYCLES}: ${JSON.stringify(end)}`,
    );
    if (warm && CYCLES > WARM_UP) {
      // libuv's pool of four threads starts lazily, whenever something first
      // needs it; a leak per cycle would pass that many times over.
      expect(end.threads).toBeLessThanOrEqual(warm.threads + 4);
      expect(end.fds).toBeLessThanOrEqual(warm.fds + 2);
      expect(end.rssMb).toBeLessThan(warm.rssMb + 40);
    }
  });

  it(`after a client quits and returns, ${CYCLES} times`, {
    timeout: CYCLES * 10000,
  }, async () => {
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const fx = peers.pop();
      await fx?.stop();
      await waitFor(
        () => !service.snapshot().clients.some((c) => c.name === 'cyc_fx'),
        5000,
        `fx gone (cycle ${cycle})`,
      );
      if (!server) throw new Error('no server');
      peers.push(
        await execPeer(server, 'cyc_fx', `for n in ('in_1', 'in_2'): c.inports.register(n)`),
      );
      await waitFor(async () => (await connected()) === 2, 5000, `back (cycle ${cycle})`);
    }
  });
});
