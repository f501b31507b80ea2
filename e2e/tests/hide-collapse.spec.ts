import type { Page } from '@playwright/test';
import { expect as baseExpect, jackConnect, keepScreenshot, test } from '../support/fixtures.ts';
import { arrangeAndSettle, settle, startPeer, stopPeers } from './helpers/graph.ts';

// Hiding a client and collapsing a box as a person does it: the box's menu
// hides it, the toolbar says "1 hidden", a box connected to it shows a hint,
// a reload (the page's storage) keeps it hidden, and the list shows it again;
// a box's header collapses it to its title and connection count, its
// connection still drawn. At 1400 px the toolbar is one row; at 800×600 the
// indicator and its list stay on screen.
// Round trips through JACK and a reload: generous on a loaded machine.
const expect = baseExpect.configure({ timeout: 15_000 });
test.describe.configure({ timeout: 120_000 });

const SRC = 'e2e_hc_src';
const SINK = 'e2e_hc_sink';

const box = (app: Page, client: string) => app.locator(`.jb-box[data-client="${client}"]`);

const edge = (app: Page) =>
  app.locator(`[data-source="${SRC}:out"][data-destination="${SINK}:in"]`);

/** The two peers, connected. */
async function peers() {
  const running = [
    await startPeer({ name: SRC, audioOut: ['out'] }),
    await startPeer({ name: SINK, audioIn: ['in'] }),
  ];
  jackConnect(`${SRC}:out`, `${SINK}:in`);
  return running;
}

/** Waits for both boxes and their connection, then arranges the (crowded, shared) graph. */
async function ready(app: Page) {
  await expect(box(app, SINK)).toBeVisible();
  await expect(box(app, SRC)).toBeVisible();
  await expect(edge(app)).toHaveCount(1);
  await arrangeAndSettle(app);
}

async function hideFromMenu(app: Page, client: string) {
  await box(app, client).locator('.jb-box-title').click({ button: 'right' });
  await app.getByRole('menuitem', { name: 'Hide', exact: true }).click();
}

test('a hidden client leaves the graph, is counted and hinted at, stays hidden after a reload, and comes back from the list', async ({
  app,
}) => {
  await app.setViewportSize({ width: 1400, height: 900 });
  const running = await peers();
  await ready(app);
  await expect(app.getByRole('button', { name: /^\d+ hidden$/ })).toHaveCount(0);

  await hideFromMenu(app, SRC);
  await expect(box(app, SRC)).toHaveCount(0);
  await expect(app.locator(`[data-source="${SRC}:out"]`)).toHaveCount(0);
  const indicator = app.getByRole('button', { name: '1 hidden' });
  await expect(indicator).toBeVisible();
  await expect(
    box(app, SINK).getByRole('img', { name: `1 connection to hidden ${SRC}` }),
  ).toBeVisible();
  await keepScreenshot(app, 'hide-collapse-1400-hidden');

  await app.reload();
  await expect(app.getByTestId('server-state')).toHaveAttribute('data-state', 'up');
  await expect(box(app, SINK)).toBeVisible();
  await expect(box(app, SRC)).toHaveCount(0);
  await expect(app.getByRole('button', { name: '1 hidden' })).toBeVisible();

  await app.getByRole('button', { name: '1 hidden' }).click();
  const list = app.getByRole('dialog', { name: 'Hidden from the graph' });
  await expect(list).toBeVisible();
  await keepScreenshot(app, 'hide-collapse-1400-list');
  await list.getByRole('button', { name: `Show ${SRC}` }).click();
  await expect(box(app, SRC)).toBeVisible();
  await expect(app.getByRole('button', { name: /^\d+ hidden$/ })).toHaveCount(0);
  await expect(box(app, SINK).getByRole('img', { name: /to hidden/ })).toHaveCount(0);
  await stopPeers(running);
});

test('a collapsed box shows its title and connection count, its connection drawn to the header', async ({
  app,
}) => {
  await app.setViewportSize({ width: 1400, height: 900 });
  const running = await peers();
  await ready(app);

  await box(app, SINK)
    .getByRole('button', { name: `Collapse ${SINK}` })
    .click();
  await expect(box(app, SINK)).toHaveAttribute('data-collapsed', '');
  await expect(box(app, SINK).getByRole('img', { name: '1 connection' })).toHaveText('1');
  await expect(app.locator(`[data-port-name="${SINK}:in"]`)).toHaveCount(0);
  await expect(edge(app)).toHaveCount(1);
  // The edge ends at the collapsed header: within the box's height, on its left.
  const header = await box(app, SINK).boundingBox();
  const path = await edge(app).locator('path').first().boundingBox();
  if (!header || !path) throw new Error('collapsed box or its edge not drawn');
  expect(header.height).toBeLessThan(40);
  expect(Math.abs(path.x + path.width - header.x)).toBeLessThan(12);
  await settle(app);
  await keepScreenshot(app, 'hide-collapse-1400-collapsed');

  // Kept across a reload, and expanded again from the header.
  await app.reload();
  await expect(box(app, SINK)).toHaveAttribute('data-collapsed', '');
  await box(app, SINK)
    .getByRole('button', { name: `Expand ${SINK}` })
    .click();
  await expect(app.locator(`[data-port-name="${SINK}:in"]`)).toBeVisible();
  await stopPeers(running);
});

/** The toolbar is one row, the Graph|Matrix switch in it, with `room` px left over. */
async function oneRowWithRoom(app: Page, room: number) {
  const toolbar = await app.locator('.jb-toolbar').boundingBox();
  expect(toolbar?.height ?? 99).toBeLessThan(48);
  await expect(app.locator('.jb-toolbar .jb-view-switch')).toBeVisible();
  const spacer = await app.locator('.jb-toolbar > .jb-spacer').boundingBox();
  const search = await app.locator('.jb-search').boundingBox();
  // The filter field grows from 170 px into what the row leaves, like the spacer.
  const left = (spacer?.width ?? 0) + (search?.width ?? 0) - 170;
  console.log(`toolbar at ${app.viewportSize()?.width} px: ${Math.round(left)} px left in the row`);
  expect(left).toBeGreaterThanOrEqual(room);
}

test('at 1400 px the toolbar is one row, the view switch in it, also while something is hidden', async ({
  app,
}) => {
  await app.setViewportSize({ width: 1400, height: 900 });
  await oneRowWithRoom(app, 0);
  const running = await peers();
  await ready(app);
  await hideFromMenu(app, SRC);
  await expect(app.getByRole('button', { name: '1 hidden' })).toBeVisible();
  await oneRowWithRoom(app, 0);
  await keepScreenshot(app, 'toolbar-1400');
  await stopPeers(running);
});

test('at 800×600 the hidden indicator and its list stay on screen', async ({ app }) => {
  await app.setViewportSize({ width: 800, height: 600 });
  const running = await peers();
  await ready(app);
  await hideFromMenu(app, SRC);
  const indicator = app.getByRole('button', { name: '1 hidden' });
  await expect(indicator).toBeVisible();
  await indicator.click();
  const list = app.getByRole('dialog', { name: 'Hidden from the graph' });
  await expect(list).toBeVisible();
  for (const el of [indicator, list]) {
    const b = await el.boundingBox();
    if (!b) throw new Error('not drawn');
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(800);
    expect(b.y + b.height).toBeLessThanOrEqual(600);
  }
  await keepScreenshot(app, 'hide-collapse-800x600');
  await list.getByRole('button', { name: `Show ${SRC}` }).click();
  await expect(box(app, SRC)).toBeVisible();
  await stopPeers(running);
});
