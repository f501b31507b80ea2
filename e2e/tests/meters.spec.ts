// Meters on the graph, read the way assistive technology reads them: a peer
// plays known levels and each port's meter reports them in dBFS; a peer that
// clips lights a clip button that stays lit until clicked; Jackbay's own
// client, whose probes carry the meters, never shows in the graph.
import {
  jackTool,
  type LongPeer,
  onPipeWire,
  pythonPeer,
  startJackServer,
} from '@jackbay/test-support';
import { expect, jackServer, keepScreenshot, test } from '../support/fixtures.ts';
import { arrangeAndSettle, startOwnWebHost, startPeer } from './helpers/graph.ts';

const CLIENT = 'levels';

// One period of a sine per cycle, repeated: whatever the period, the largest
// sample of a cycle is the level itself (k = frames/4).
const PEER = `
import math, array
client = jack.Client(${JSON.stringify(CLIENT)})
def table(db, frames):
    g = 10 ** (db / 20)
    return array.array('f', [g * math.sin(2 * math.pi * k / frames) for k in range(frames)])
levels = {'six': -6, 'twenty': -20, 'hot': 3}
tables = {}
def process(frames):
    for port in client.outports:
        buf = memoryview(port.get_buffer()).cast('f')
        db = levels.get(port.shortname)
        if db is None:
            buf[:] = array.array('f', bytes(4 * frames))
            continue
        key = (db, frames)
        if key not in tables:
            tables[key] = table(db, frames)
        buf[:] = tables[key]
client.set_process_callback(process)
for name in ('six', 'twenty', 'silent', 'hot'):
    client.outports.register(name)
client.activate()
print('ready', flush=True)
for line in sys.stdin:
    if line.strip() == 'quiet':
        levels.pop('hot', None)
    print('ok', flush=True)
client.deactivate()
client.close()
`;

let peer: LongPeer;

test.beforeAll(async () => {
  peer = pythonPeer(jackServer(), PEER);
  expect(await peer.line()).toBe('ready');
});

test.afterAll(async () => {
  await peer?.stop();
});

const port = (name: string) => `${CLIENT}:${name}`;

async function reading(app: import('@playwright/test').Page, name: string): Promise<number> {
  const value = await app
    .getByRole('meter', { name: `Level of ${port(name)}`, exact: true })
    .getAttribute('aria-valuenow');
  return Number(value);
}

test('meters read the levels a peer plays, in dBFS', async ({ app }) => {
  // Three readings of up to 10 s each, after a page start that can take 20 s on a loaded machine.
  test.setTimeout(60_000);
  await arrangeAndSettle(app);
  const within = (name: string, db: number) =>
    expect
      .poll(async () => Math.abs((await reading(app, name)) - db), { timeout: 10_000 })
      .toBeLessThanOrEqual(0.2);
  await within('six', -6);
  await within('twenty', -20);
  await within('silent', -120);
  const six = app.getByRole('meter', { name: `Level of ${port('six')}`, exact: true });
  await expect(six).toHaveAttribute('aria-valuemin', '-120');
  // A sine's RMS is 3.01 dB under its peak. A cycle the peer misses reaches
  // the meter as silence and only lowers the RMS: on PipeWire in CI the peer
  // missed cycles for 10 s on end (RMS −10.3 and −11.1 dBFS, peak −6.0), so
  // there the RMS must only lie under the peak by at least that much.
  const readout = onPipeWire()
    ? /^peak -6\.\d dBFS, RMS -(9|1[0-2])\.\d dBFS$/
    : /^peak -6\.\d dBFS, RMS -9\.\d dBFS$/;
  await expect(six).toHaveAttribute('aria-valuetext', readout, { timeout: 10_000 });
});

test('a clipping port lights a clip button that stays lit until clicked', async ({ app }) => {
  const clip = app.getByRole('button', { name: `Reset clip of ${port('hot')}`, exact: true });
  await expect(clip).toBeVisible({ timeout: 10_000 });
  // The clipping stops; the indicator does not go out by itself.
  peer.send('quiet');
  expect(await peer.line()).toBe('ok');
  await expect.poll(() => reading(app, 'hot'), { timeout: 10_000 }).toBeLessThan(-100);
  await expect(clip).toBeVisible();
  await clip.click();
  await expect(clip).toHaveCount(0);
  await app.waitForTimeout(500);
  await expect(clip).toHaveCount(0);
  // The other ports never clipped.
  await expect(app.getByRole('button', { name: /^Reset clip of/ })).toHaveCount(0);
});

test('Jackbay’s own client carries the probes and is not in the graph', async ({ app }) => {
  await expect(app.locator('[data-client^="jackbay"]')).toHaveCount(0);
  await expect
    .poll(() => jackTool(jackServer(), 'jack_lsp').includes('jackbay:meter_'), { timeout: 5000 })
    .toBe(true);
  await expect(app.locator('[data-port-name^="jackbay:"]')).toHaveCount(0);
  // Shown on request, hidden again.
  const probes = app.getByRole('button', { name: 'Probes', exact: true });
  await probes.click();
  await expect(app.locator('[data-port-name^="jackbay:meter_"]').first()).toBeAttached();
  await probes.click();
  await expect(app.locator('[data-port-name^="jackbay:"]')).toHaveCount(0);
});

test('meters switch off per client and globally, and the taps go with them', async ({ app }) => {
  // Probes at work are connected; idle ones wait, disconnected, for the next
  // tap (JACK2 cannot unregister ports safely while the graph changes).
  const probes = () => {
    const lines = jackTool(jackServer(), 'jack_lsp', ['-c']).split('\n');
    return lines.filter(
      (line, at) => line.startsWith('jackbay:meter_') && (lines[at + 1] ?? '').startsWith(' '),
    ).length;
  };
  await expect.poll(probes, { timeout: 5000 }).toBeGreaterThan(0);
  await app.getByRole('button', { name: `Meters of ${CLIENT}`, exact: true }).click();
  await expect(app.getByRole('meter', { name: `Level of ${port('six')}` })).toHaveCount(0);
  await app.getByRole('button', { name: 'Meters', exact: true }).click();
  await expect(app.getByRole('meter')).toHaveCount(0);
  await expect.poll(probes, { timeout: 5000 }).toBe(0);
  await app.getByRole('button', { name: 'Meters', exact: true }).click();
  await expect.poll(probes, { timeout: 5000 }).toBeGreaterThan(0);
  await app.getByRole('button', { name: `Meters of ${CLIENT}`, exact: true }).click();
  await expect(app.getByRole('meter', { name: `Level of ${port('six')}` })).toHaveCount(1);
});

test('screenshots of meters on the graph', async ({ app }) => {
  for (const [width, height] of [
    [1400, 900],
    [800, 600],
  ] as const) {
    await app.setViewportSize({ width, height });
    await arrangeAndSettle(app);
    await expect.poll(() => reading(app, 'six'), { timeout: 10_000 }).toBeGreaterThan(-6.2);
    await keepScreenshot(app, `meters-${width}x${height}`);
  }
});

// PipeWire lets a client own 768 ports by default (0.3.71 on); jackd's
// --port-max stands in for that limit here. The page says how many ports
// have no meter and hatches each of them; none reads as silence.
test('ports the server refuses probes for are counted and hatched, not shown as silence', async ({
  page,
}, testInfo) => {
  testInfo.skip(testInfo.project.name !== 'web', 'needs a JACK server and a web host of its own');
  // A server, a web host and a peer of its own to start and stop.
  test.setTimeout(90_000);
  const PORT_MAX = 24;
  const server = await startJackServer({ portMax: PORT_MAX });
  const host = await startOwnWebHost(server.name);
  const wide = await startPeer(
    { name: 'wide', audioOut: Array.from({ length: 12 }, (_, i) => `out_${i}`) },
    server,
  );
  try {
    // jackd never hands out port index 0; every port listed holds one slot.
    const listed = jackTool(server, 'jack_lsp').split('\n').filter(Boolean);
    const free = PORT_MAX - 1 - listed.length;
    expect(free).toBeGreaterThan(0);
    await page.goto(host.url);
    const metered = page.getByRole('meter');
    const hatched = page.getByRole('img', { name: /: not metered$/ });
    await expect(page.locator('[data-port-name="wide:out_11"]')).toBeVisible();
    // Every audio port on the page is metered or hatched, and exactly the free slots are metered.
    await expect.poll(() => metered.count()).toBe(free);
    const refused = listed.length - free;
    await expect(hatched).toHaveCount(refused);
    await expect(page.getByTestId('not-metered')).toHaveText(`Not metered${refused} ports`);
    await expect(page.getByTestId('not-metered')).toHaveAttribute('title', /refused .* probe port/);
    await keepScreenshot(page, 'meters-not-metered');
    // Meters off: no meter, no hatch, and the count goes with them.
    await page.getByRole('button', { name: 'Meters', exact: true }).click();
    await expect(hatched).toHaveCount(0);
    await expect(page.getByTestId('not-metered')).toHaveCount(0);
  } finally {
    await wide.stop();
    await host.stop();
    await server.stop();
  }
});
