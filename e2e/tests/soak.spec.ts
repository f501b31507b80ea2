// The soak's short form, run with every suite (`pnpm soak` runs the long
// one: SOAK_MINUTES, default 10, after a minute's warm-up). Churn, MIDI,
// meters and one page: the host stays up, the monitor loses nothing, and
// neither the host nor the page keeps what the churn leaves behind.

import { startJackServer } from '@jackbay/test-support';
import { describeSoak, runSoak } from '../soak/soak.ts';
import { expect, test } from '../support/fixtures.ts';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 0);
const LONG = MINUTES > 0;
const WARMUP_S = LONG ? 60 : 15;
const MEASURE_S = LONG ? MINUTES * 60 : 45;
const AIM_GROWTH_BYTES = 5e6;

test('soak: clients churn every 100 ms with MIDI, meters and a page open; nothing is lost or kept', async ({
  page,
}, testInfo) => {
  testInfo.skip(testInfo.project.name === 'electron', 'the soak measures the web host process');
  test.setTimeout((WARMUP_S + MEASURE_S + 120) * 1000);
  // A server of its own: the run's shared host would otherwise keep the
  // churned clients as ghosts for the specs after this one.
  const server = await startJackServer();
  const report = await runSoak({
    server,
    page,
    warmupSeconds: WARMUP_S,
    measureSeconds: MEASURE_S,
    log: (text) => console.log(text),
  }).finally(() => server.stop());
  console.log(describeSoak(report, AIM_GROWTH_BYTES).join('\n'));

  expect(report.hostAlive).toBe(true);
  expect(report.churned).toBeGreaterThan(MEASURE_S);
  expect(report.lost).toBe(0);
  expect(report.received).toBeLessThanOrEqual(report.sent);
  // Only a cycle JACK skipped for Jackbay's client hides messages from it.
  if (report.xruns === 0) expect(report.received).toBe(report.sent);
  const { baseline, final } = report;
  // A leak per churned client would show as hundreds; the slack is for what
  // starts lazily (libuv's pool threads, a page's reconnect).
  expect(final.threads).toBeLessThanOrEqual(baseline.threads + 4);
  expect(final.fds).toBeLessThanOrEqual(baseline.fds + 4);
  expect(final.hostHeapBytes - baseline.hostHeapBytes).toBeLessThan(AIM_GROWTH_BYTES);
});
