// The level of detail on a graph of many clients, as a person zooms: far out,
// every box shows its summary (name, ports, connections) in readable type,
// its connections drawn to its header, and the page holds no port rows;
// zoomed in again, the port handles are back and a drag connects.
import type { Page } from '@playwright/test';
import {
  expect as baseExpect,
  expectJackConnection,
  jackConnect,
  keepScreenshot,
  test,
} from '../support/fixtures.ts';
import {
  arrangeAndSettle,
  dotCentre,
  dragPoints,
  expectEdge,
  settle,
  startPeer,
  stopPeers,
  zoomOf,
} from './helpers/graph.ts';

// Many peers and many zoom steps on a loaded machine: generous.
const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 180_000 });

const CLIENTS = 12;
const name = (i: number) => `lod Chan ${String(i).padStart(2, '0')}`;
/** The zoom below which boxes are summaries (graph/detail.ts: 6 px rows of 12 px text). */
const SUMMARY_ZOOM = 0.5;

const lodBoxes = (app: Page) => app.locator('.jb-box[data-client^="lod "]');
const box = (app: Page, client: string) => app.locator(`.jb-box[data-client="${client}"]`);
const lodPorts = (app: Page) => app.locator('[data-port-name^="lod "]');

/** Presses one of the view's zoom buttons until the zoom passes `target`. */
async function zoomPast(app: Page, button: 'Zoom In' | 'Zoom Out', target: number) {
  const past = (z: number) => (button === 'Zoom Out' ? z < target : z > target);
  for (let i = 0; i < 20 && !past(await zoomOf(app)); i++) {
    await app.getByRole('button', { name: button }).click();
    await settle(app);
  }
  expect(past(await zoomOf(app))).toBe(true);
}

/** The lod ports whose handles lie inside the pane, clear of the controls and the overview map. */
async function portsInView(app: Page) {
  const pane = await app.locator('.react-flow').boundingBox();
  if (!pane) throw new Error('no pane');
  const handles = await lodPorts(app).evaluateAll((els) =>
    els.map((el) => ({
      port: el.getAttribute('data-port-name') ?? '',
      direction: el.getAttribute('data-direction') ?? '',
      rect: el.getBoundingClientRect().toJSON() as DOMRect,
    })),
  );
  return handles.filter(
    (h) =>
      h.rect.left > pane.x + 70 &&
      h.rect.right < pane.x + pane.width - 20 &&
      h.rect.top > pane.y + 20 &&
      h.rect.bottom < pane.y + pane.height - 170,
  );
}

const clientOf = (port: string) => port.slice(0, port.indexOf(':'));

test('zoomed out, boxes show summaries; zoomed in, port handles are back and a drag connects', async ({
  app,
}) => {
  // One after the other: many Python peers starting at once time out on a loaded machine.
  const peers = [];
  for (let i = 0; i < CLIENTS; i++)
    peers.push(
      await startPeer({ name: name(i), audioIn: ['in_a', 'in_b'], audioOut: ['out_a', 'out_b'] }),
    );
  // A chain: each client's out_a into the next one's in_a.
  for (let i = 0; i + 1 < CLIENTS; i++) jackConnect(`${name(i)}:out_a`, `${name(i + 1)}:in_a`);
  await expectEdge(app, `${name(CLIENTS - 2)}:out_a`, `${name(CLIENTS - 1)}:in_a`, 1);
  await arrangeAndSettle(app);
  await expect(lodBoxes(app)).toHaveCount(CLIENTS);

  await zoomPast(app, 'Zoom Out', SUMMARY_ZOOM);
  await expect(app.locator('.jb-box[data-client^="lod "][data-summary]')).toHaveCount(CLIENTS);
  await expect(lodPorts(app)).toHaveCount(0);
  // The connections are still drawn, to the headers.
  await expect(app.locator('[data-source^="lod "][data-destination^="lod "]')).toHaveCount(
    CLIENTS - 1,
  );
  const summary = box(app, name(1)).locator('.jb-box-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toContainText('2 in · 2 out');
  await expect(summary).toContainText('2 connections');
  // Drawn at a readable size for this zoom.
  const zoom = await zoomOf(app);
  const font = await summary.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
  expect(font * zoom).toBeGreaterThanOrEqual(10.9);
  await keepScreenshot(app, 'level-of-detail-zoomed-out');
  await app.setViewportSize({ width: 800, height: 600 });
  await settle(app);
  await keepScreenshot(app, 'level-of-detail-zoomed-out-800x600');
  await app.setViewportSize({ width: 1400, height: 860 });

  // Zoomed in around a box, its rows and handles come back.
  const middle = await box(app, name(CLIENTS / 2)).boundingBox();
  if (!middle) throw new Error('no box in the middle');
  await app.mouse.move(middle.x + middle.width / 2, middle.y + middle.height / 2);
  for (let i = 0; i < 30 && (await zoomOf(app)) < 0.9; i++) {
    await app.mouse.wheel(0, -100);
    await app.waitForTimeout(60);
  }
  await settle(app);
  await expect(app.locator('.jb-box[data-summary]')).toHaveCount(0);
  await expect(lodPorts(app)).toHaveCount(4 * CLIENTS);
  await keepScreenshot(app, 'level-of-detail-zoomed-in');

  // A drag from an output to an input of another client in view connects them.
  const inView = await portsInView(app);
  const from = inView.find((h) => h.direction === 'output');
  if (!from) throw new Error('no output in view');
  // in_b: no connection of the chain's yet.
  const inputs = inView.filter((h) => h.direction === 'input' && h.port.endsWith(':in_b'));
  const to = inputs.find((h) => clientOf(h.port) !== clientOf(from.port)) ?? inputs[0];
  if (!to) throw new Error('no input in view');
  await dragPoints(app, await dotCentre(app, from.port), await dotCentre(app, to.port));
  await expectJackConnection(from.port, to.port, true);
  await expectEdge(app, from.port, to.port, 1);
  await stopPeers(peers);
});
