// The meter bridge, used the way a person uses it and checked against known
// signals: a Python peer plays EBU Tech 3341's first case (a stereo 1 kHz
// sine at −23 dBFS on both channels), the pair goes on the bridge from its
// context menu, and the integrated loudness the page states reads −23.0 ±
// 0.1 LUFS; a −20 dBFS sine added from the keyboard reads −3.0 on the K-20
// scale. Then a screenshot of the bridge beside the graph for the README.
// Ports also go on the bridge when dragged there from the graph, without
// connecting anything.
import { join } from 'node:path';
import { jackTool, type LongPeer, pythonPeer } from '@jackbay/test-support';
import type { Page } from '@playwright/test';
import { expect, jackServer, keepScreenshot, portHandle, test } from '../support/fixtures.ts';
import { arrangeAndSettle, dotCentre, dragPoints } from './helpers/graph.ts';

const CLIENT = 'tech3341';

// 1 kHz is 48 samples at 48 kHz: a table of 48 · 256 samples loops without a
// seam for any period up to its length. out_l/out_r: −23 dBFS; k20: −20 dBFS.
const PEER = `
import math, array
client = jack.Client(${JSON.stringify(CLIENT)})
N = 48 * 256
def table(db):
    g = 10 ** (db / 20)
    return array.array('f', [g * math.sin(2 * math.pi * k / 48) for k in range(N)] * 2)
levels = {'out_l': table(-23), 'out_r': table(-23), 'k20': table(-20)}
at = [0]
def process(frames):
    i = at[0]
    for port in client.outports:
        memoryview(port.get_buffer()).cast('f')[:] = levels[port.shortname][i:i + frames]
    at[0] = (i + frames) % N
client.set_process_callback(process)
for name in ('out_l', 'out_r', 'k20'):
    client.outports.register(name)
client.activate()
print('ready', flush=True)
for line in sys.stdin:
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

const LEFT = `${CLIENT}:out_l`;
const RIGHT = `${CLIENT}:out_r`;
const PAIR_LABEL = `${LEFT} + out_r`;

/** Jackbay's probe ports that are connected: the bridge's analysers (and the graph's meters). */
function connectedProbes(): string[] {
  const lines = jackTool(jackServer(), 'jack_lsp', ['-c']).split('\n');
  return lines.filter(
    (line, at) => line.startsWith('jackbay:') && (lines[at + 1] ?? '').startsWith(' '),
  );
}

async function readingOf(app: Page, name: string): Promise<number> {
  const text = await app.getByRole('meter', { name, exact: true }).getAttribute('aria-valuenow');
  return Number(text);
}

test('Tech 3341 case 1 from a peer reads −23.0 LUFS on the bridge; K-20 reads −3.0', async ({
  app,
}) => {
  // Seconds of audio are measured on purpose: more than the default 30 s may pass on a busy machine.
  test.setTimeout(90_000);
  await arrangeAndSettle(app);
  // The pair, from its context menu.
  const pair = app.locator(`[data-pair-left="${LEFT}"][data-pair-right="${RIGHT}"]`);
  await pair.click({ button: 'right' });
  const menu = app.getByRole('menu', { name: `Actions for ${LEFT} + ${RIGHT}` });
  await menu.getByRole('menuitem', { name: 'Meter (add to bridge)' }).click();
  const bridge = app.getByRole('region', { name: 'Meter bridge' });
  const strip = bridge.getByRole('region', { name: `Bridge meter ${PAIR_LABEL}` });
  await expect(strip).toBeVisible();
  await expect(strip.getByRole('meter', { name: `Bridge level of ${LEFT}` })).toHaveAttribute(
    'aria-valuetext',
    /^peak −23\.0 dBFS, RMS −26\.\d dBFS, true peak −23\.0 dBTP$/,
    { timeout: 10_000 },
  );
  // Start the measurement afresh once the signal is there, then let it integrate.
  await strip.getByRole('button', { name: `Reset loudness of ${PAIR_LABEL}` }).click();
  const integrated = `Integrated loudness of ${PAIR_LABEL}`;
  await expect(app.getByRole('meter', { name: integrated })).toHaveAttribute(
    'aria-valuetext',
    /LUFS$/,
    { timeout: 10_000 },
  );
  await app.waitForTimeout(3000);
  const lufs = await readingOf(app, integrated);
  console.log(`bridge: integrated ${lufs} LUFS`);
  expect(lufs).toBeGreaterThanOrEqual(-23.1);
  expect(lufs).toBeLessThanOrEqual(-22.9);
  await expect(app.getByRole('meter', { name: integrated })).toHaveText(/^−2[23]\.\d$/);
  for (const name of ['Momentary loudness', 'Short-term loudness'])
    await expect
      .poll(() => readingOf(app, `${name} of ${PAIR_LABEL}`), { timeout: 5000 })
      .toBeCloseTo(-23, 0);
  expect(await readingOf(app, `Loudness range of ${PAIR_LABEL}`)).toBeLessThan(1);

  // A mono port from the keyboard: Shift+F10 on the focused port, then the item.
  await portHandle(app, `${CLIENT}:k20`).focus();
  await app.keyboard.press('Shift+F10');
  await expect(app.getByRole('menuitem', { name: 'Thru to…' })).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(app.getByRole('menuitem', { name: 'Meter (add to bridge)' })).toBeFocused();
  await app.keyboard.press('Enter');
  const k20 = bridge.getByRole('region', { name: `Bridge meter ${CLIENT}:k20` });
  await expect(k20).toBeVisible();
  await bridge.getByRole('button', { name: 'K-20', exact: true }).click();
  await expect(bridge.getByRole('button', { name: 'K-20', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  // A −20 dBFS sine has an RMS of −23.01 dBFS: −3.0 on K-20.
  await expect(k20.getByRole('meter', { name: `Bridge level of ${CLIENT}:k20` })).toHaveAttribute(
    'aria-valuetext',
    /K-20 −3\.0,/,
    { timeout: 5000 },
  );
  await expect(k20.locator('[data-value="rms"]')).toHaveText('−3.0');

  // The screenshot for the README, at the default 1400×860 with the graph beside the bridge.
  await bridge.getByRole('button', { name: 'dBFS', exact: true }).click();
  await app.waitForTimeout(600);
  await app.screenshot({ path: join(import.meta.dirname, '..', '..', 'docs', 'meter-bridge.png') });
  await keepScreenshot(app, 'meter-bridge');

  // 800×600: the bridge still fits, every control inside the window.
  await app.setViewportSize({ width: 800, height: 600 });
  for (const control of [
    bridge.getByRole('button', { name: 'Close the meter bridge' }),
    bridge.getByRole('button', { name: `Reset loudness of ${PAIR_LABEL}` }),
    bridge.getByRole('button', { name: `Remove ${CLIENT}:k20 from the bridge` }),
    app.getByRole('meter', { name: integrated }),
  ]) {
    const box = await control.boundingBox();
    expect(box).not.toBeNull();
    if (!box) continue;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(800);
    expect(box.y + box.height).toBeLessThanOrEqual(600);
  }
  await keepScreenshot(app, 'meter-bridge-800x600');
  await app.setViewportSize({ width: 1400, height: 860 });

  // Removing them frees their analysers: the probes go idle, disconnected.
  const before = connectedProbes().length;
  await bridge.getByRole('button', { name: `Remove ${CLIENT}:k20 from the bridge` }).click();
  await bridge.getByRole('button', { name: `Remove ${PAIR_LABEL} from the bridge` }).click();
  await expect(bridge.getByRole('region', { name: /^Bridge meter / })).toHaveCount(0);
  await expect.poll(() => connectedProbes().length, { timeout: 5000 }).toBe(before - 3);
  await bridge.getByRole('button', { name: 'Close the meter bridge' }).click();
  await expect(bridge).toHaveCount(0);
});

/** Every connection of `port`, as jack_lsp lists them. */
function connectionsOf(port: string): string[] {
  const lines = jackTool(jackServer(), 'jack_lsp', ['-c']).split('\n');
  const at = lines.indexOf(port);
  const out: string[] = [];
  for (let i = at + 1; at >= 0 && (lines[i] ?? '').startsWith(' '); i++)
    out.push((lines[i] as string).trim());
  return out;
}

test('a port or a pair dragged from the graph onto the open bridge goes on it, connecting nothing', async ({
  app,
}) => {
  test.setTimeout(90_000);
  await arrangeAndSettle(app);
  await app.getByRole('button', { name: 'Bridge', exact: true }).click();
  const bridge = app.getByRole('region', { name: 'Meter bridge' });
  await expect(bridge).toBeVisible();
  const target = await bridge.boundingBox();
  if (!target) throw new Error('no bridge');
  const drop = { x: target.x + target.width / 2, y: target.y + target.height / 2 };
  const k20 = `${CLIENT}:k20`;
  const before = connectionsOf(k20);

  // The mono port, pressed at the exact centre of its dot.
  const dot = await dotCentre(app, k20);
  expect(dot.x).toBeLessThan(target.x);
  await dragPoints(app, dot, drop);
  await expect(bridge.getByRole('region', { name: `Bridge meter ${k20}` })).toBeVisible();
  await expect(bridge.getByRole('meter', { name: `Bridge level of ${k20}` })).toHaveAttribute(
    'aria-valuetext',
    /^peak −20\.0 dBFS/,
    { timeout: 10_000 },
  );

  // The pair, by its own handle: one stereo meter.
  const pair = app.locator(`[data-pair-left="${LEFT}"][data-pair-right="${RIGHT}"]`);
  const grip = await pair.locator('.jb-pair-glyph').boundingBox();
  if (!grip) throw new Error('no pair handle');
  await dragPoints(app, { x: grip.x + grip.width / 2, y: grip.y + grip.height / 2 }, drop);
  await expect(bridge.getByRole('region', { name: `Bridge meter ${PAIR_LABEL}` })).toBeVisible();
  await expect(bridge.getByRole('region', { name: /^Bridge meter / })).toHaveCount(2);

  // Dragged again: already there, nothing added; and no port was connected by any of it.
  await dragPoints(app, await dotCentre(app, k20), drop);
  await expect(bridge.getByRole('region', { name: /^Bridge meter / })).toHaveCount(2);
  const peers = (port: string) => connectionsOf(port).filter((p) => !p.startsWith('jackbay:'));
  expect(peers(k20)).toEqual(before.filter((p) => !p.startsWith('jackbay:')));
  expect(peers(LEFT)).toEqual([]);
  expect(peers(RIGHT)).toEqual([]);
  await keepScreenshot(app, 'meter-bridge-drag');
});
