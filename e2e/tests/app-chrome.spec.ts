// The app around the graph: the patching list, the cards shown when the
// service or the token is missing, a small window, and the help overlay.
import { expect, jackServer, portHandle, test } from '../support/fixtures.ts';
import { startOwnWebHost, startPeer, stopPeers } from './helpers/graph.ts';

const WEB_ONLY = 'about the web host: pages opened in a browser';

function hostUrl(): string {
  const url = process.env.JACKBAY_URL;
  if (!url) throw new Error('global setup did not start the web host');
  return url;
}

test('the connect list keeps a usable filter field with a hundred entries', async ({ app }) => {
  const peers = await Promise.all([
    startPeer({ name: 'many Sink', audioIn: Array.from({ length: 100 }, (_, i) => `in_${i + 1}`) }),
    startPeer({ name: 'many Source', audioOut: ['solo'] }),
  ]);
  const handle = portHandle(app, 'many Source:solo');
  await expect(handle).toBeVisible();
  await handle.focus();
  await app.keyboard.press('Enter');
  const dialog = app.getByRole('dialog', { name: 'Connect many Source:solo' });
  await expect(dialog.getByRole('option')).toHaveCount(await dialog.getByRole('option').count());
  expect(await dialog.getByRole('option').count()).toBeGreaterThanOrEqual(100);
  const filter = dialog.getByRole('combobox', { name: 'Destination' });
  const box = await filter.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(24);
  await app.keyboard.press('Escape');
  await stopPeers(peers);
});

test('the "lost the service" card reads as sentences, code inline', async ({ page }, testInfo) => {
  testInfo.skip(testInfo.project.name !== 'web', WEB_ONLY);
  const own = await startOwnWebHost(jackServer().name);
  await page.goto(own.url);
  await expect(page.getByTestId('server-state')).toHaveAttribute('data-state', 'up');
  await own.stop();
  const card = page.getByTestId('link-lost');
  await expect(card).toBeVisible();
  const displays = await card
    .locator('p code')
    .evaluateAll((els) => els.map((el) => getComputedStyle(el).display));
  expect(displays.length).toBeGreaterThan(0);
  expect(displays.every((d) => d === 'inline')).toBe(true);
  await page.screenshot({ path: '/tmp/uigraph-shots/link-lost.png' });
});

for (const [what, fragment] of [
  ['without its token', ''],
  ['with a wrong token', '#token=not-the-token'],
] as const)
  test(`a page opened ${what} says so, and stops trying`, async ({ page }, testInfo) => {
    testInfo.skip(testInfo.project.name !== 'web', WEB_ONLY);
    let sockets = 0;
    page.on('websocket', () => {
      sockets++;
    });
    await page.goto(hostUrl().replace(/#.*$/, '') + fragment);
    const card = page.getByTestId('bad-token');
    await expect(card).toBeVisible();
    await expect(card).toContainText('#token=');
    await expect(page.getByTestId('link-lost')).toHaveCount(0);
    const seen = sockets;
    // Longer than the longest reconnect delay: a retrying page would open another socket.
    await page.waitForTimeout(6000);
    expect(sockets).toBe(seen);
    await page.screenshot({ path: `/tmp/uigraph-shots/bad-token${fragment ? '-wrong' : ''}.png` });
  });

test('the no-server card of the web host suggests only what works there', async ({
  page,
}, testInfo) => {
  testInfo.skip(testInfo.project.name !== 'web', WEB_ONLY);
  const own = await startOwnWebHost('e2e_no_such_server');
  await page.goto(own.url);
  const card = page.getByTestId('no-server');
  await expect(card).toBeVisible({ timeout: 10_000 });
  await expect(card).toContainText('pnpm serve --demo');
  await expect(card).toContainText('jackd -d');
  await expect(card).not.toContainText('pnpm start');
  await expect(card).not.toContainText('jackbay serve');
  await page.screenshot({ path: '/tmp/uigraph-shots/no-server-web.png' });
  await own.stop();
});

test('in an 800×600 window nothing runs off screen, and every toolbar control can be used', async ({
  app,
}) => {
  // A trial click per control: over 30 s on the shared machine when it is loaded.
  test.setTimeout(60_000);
  await app.setViewportSize({ width: 800, height: 600 });
  const widths = await app.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
  const controls = app.locator('.jb-toolbar button, .jb-toolbar input');
  const count = await controls.count();
  expect(count).toBeGreaterThan(4);
  for (let i = 0; i < count; i++) {
    const control = controls.nth(i);
    const box = await control.boundingBox();
    if (!box) throw new Error(`toolbar control ${i} not drawn`);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(800);
    expect(box.y + box.height).toBeLessThanOrEqual(600);
    // Actionable at its centre: nothing covers it.
    if (await control.isEnabled()) await control.click({ trial: true, timeout: 2000 });
  }
  await app.screenshot({ path: '/tmp/uigraph-shots/app-800x600.png' });
});

test('help lists the gestures and keys; ?, F1 and the toolbar open it, Escape closes it', async ({
  app,
}) => {
  const help = app.getByRole('dialog', { name: /help/i });
  await app.locator('body').press('?');
  await expect(help).toBeVisible();
  for (const text of ['Delete', 'Enter', 'Escape', 'drag', 'Arrange', 'Fit'])
    await expect(help).toContainText(text);
  await app.screenshot({ path: '/tmp/uigraph-shots/help-1400.png' });
  await app.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await app.keyboard.press('F1');
  await expect(help).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await app.getByRole('button', { name: /help/i }).click();
  await expect(help).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});
