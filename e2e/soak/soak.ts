// The soak (issue 9, section 6): a web host of its own on the run's JACK
// server, one page open with the graph's meters and the MIDI monitor, and a
// peer that churns clients and connections every 100 ms while it sends 1,000
// MIDI messages a second. After a warm-up it samples the host's RSS, JS heap
// (after a forced collection), threads and file descriptors, and the page's
// JS heap, until the measured span is over; then it stops the peer and
// compares the MIDI messages sent with those the page received.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JackServer, pythonPeer } from '@jackbay/test-support';
import { expect, type Page } from '@playwright/test';
import { startWebHost } from '../support/web-host.ts';
import { inspectorUrl, openInspector } from './inspector.ts';

const PEER = join(import.meta.dirname, 'churn-peer.py');
const SAMPLE_EVERY_MS = 10_000;

export interface SoakOptions {
  readonly server: JackServer;
  readonly page: Page;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly log: (text: string) => void;
}

export interface Sample {
  readonly atSeconds: number;
  readonly hostRssBytes: number;
  readonly hostHeapBytes: number;
  readonly threads: number;
  readonly fds: number;
  readonly pageHeapBytes: number;
}

export interface SoakReport {
  readonly baseline: Sample;
  readonly final: Sample;
  readonly samples: readonly Sample[];
  /** MIDI messages the peer wrote, and what the page's monitor counted. */
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  /** Server xruns during the run (events in a cycle JACK skipped are never seen). */
  readonly xruns: number;
  readonly churned: number;
  readonly toggles: number;
  /** The host was still running when the soak ended. */
  readonly hostAlive: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function procStatusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN);
}

async function pageHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = await cdp.send('Runtime.getHeapUsage');
    return usage.usedSize;
  } finally {
    await cdp.detach();
  }
}

async function counter(page: Page, testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).textContent())?.replace(/\D/g, '') || 0);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { server, page, log } = options;
  const host = await startWebHost(server.name, 'soak', ['--inspect=127.0.0.1:0']);
  const pid = host.child.pid;
  if (pid === undefined) throw new Error('the soak host has no pid');
  let url: string | null = null;
  for (let tries = 0; url === null && tries < 50; tries += 1) {
    url = inspectorUrl(host.stderr());
    if (url === null) await sleep(100);
  }
  if (url === null) throw new Error(`the soak host printed no inspector address: ${host.stderr()}`);
  const inspector = await openInspector(url);
  const peer = pythonPeer(
    server,
    `exec(compile(open(${JSON.stringify(PEER)}).read(), ${JSON.stringify(PEER)}, 'exec'))`,
  );
  const started = Date.now();
  const sample = async (): Promise<Sample> => ({
    atSeconds: Math.round((Date.now() - started) / 1000),
    hostRssBytes: procStatusKb(pid, 'VmRSS') * 1024,
    hostHeapBytes: await inspector.heapUsed(),
    threads: readdirSync(`/proc/${pid}/task`).length,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    pageHeapBytes: await pageHeap(page),
  });
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('server-state')).toHaveAttribute('data-state', 'up', {
      timeout: 15_000,
    });
    expect(await peer.line()).toBe('ready');
    await page.getByRole('button', { name: 'MIDI monitor', exact: true }).click();
    await expect(page.getByTestId('midi-monitor')).toBeVisible();
    const xrunsBefore = await counter(page, 'xrun-count');

    await sleep(options.warmupSeconds * 1000);
    const baseline = await sample();
    const samples = [baseline];
    log(`soak: warm-up over after ${baseline.atSeconds} s; measuring ${options.measureSeconds} s`);
    const end = Date.now() + options.measureSeconds * 1000;
    while (Date.now() < end) {
      await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, end - Date.now())));
      samples.push(await sample());
    }
    const final = samples[samples.length - 1] ?? baseline;

    peer.send('stop');
    const result = JSON.parse(await peer.line()) as {
      sent: number;
      churned: number;
      toggles: number;
    };
    // The page has every message once its count stops moving.
    let received = await counter(page, 'midi-received');
    for (let still = 0; still < 3; ) {
      await sleep(500);
      const now = await counter(page, 'midi-received');
      still = now === received ? still + 1 : 0;
      received = now;
    }
    return {
      baseline,
      final,
      samples,
      sent: result.sent,
      received,
      lost: await counter(page, 'midi-lost'),
      xruns: (await counter(page, 'xrun-count')) - xrunsBefore,
      churned: result.churned,
      toggles: result.toggles,
      hostAlive: host.child.exitCode === null && host.child.signalCode === null,
    };
  } finally {
    await peer.stop();
    inspector.close();
    await host.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;

/** The report as lines: every sample, then growth and MIDI against the aims. */
export function describeSoak(report: SoakReport, aimGrowthBytes: number): string[] {
  const { baseline: b, final: f } = report;
  const lines = ['  t(s)  host RSS   host heap  threads  fds  page heap'];
  for (const s of report.samples) {
    lines.push(
      `  ${String(s.atSeconds).padStart(4)}  ${mb(s.hostRssBytes).padStart(9)}  ${mb(s.hostHeapBytes).padStart(9)}  ${String(s.threads).padStart(7)}  ${String(s.fds).padStart(3)}  ${mb(s.pageHeapBytes).padStart(9)}`,
    );
  }
  const aim = (growth: number) => (growth < aimGrowthBytes ? 'aim met' : 'AIM MISSED');
  const rss = f.hostRssBytes - b.hostRssBytes;
  const heap = f.hostHeapBytes - b.hostHeapBytes;
  const page = f.pageHeapBytes - b.pageHeapBytes;
  lines.push(
    `growth after warm-up (aim < ${mb(aimGrowthBytes)}): host RSS ${signedMb(rss)} (${aim(rss)}), ` +
      `host heap ${signedMb(heap)} (${aim(heap)}), page heap ${signedMb(page)} (${aim(page)}), ` +
      `threads ${f.threads - b.threads >= 0 ? '+' : ''}${f.threads - b.threads}, fds ${f.fds - b.fds >= 0 ? '+' : ''}${f.fds - b.fds}`,
    `MIDI: sent ${report.sent}, received ${report.received}, lost (full ring) ${report.lost}, ` +
      `not seen ${report.sent - report.received} with ${report.xruns} server xruns; ` +
      `${report.churned} clients churned, ${report.toggles} connection toggles`,
  );
  return lines;
}
