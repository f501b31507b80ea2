// Server control as a person with no JACK server meets it: the web host runs
// with no server, the no-server page offers "Start JACK server…", the dialog
// starts a dummy server, the graph shows its system ports, the status bar
// changes the buffer size, and the dialog stops the server again.
import { randomBytes } from 'node:crypto';
import { jackServerNamed, jackTool } from '@jackbay/test-support';
import { expect, jackServer, keepScreenshot, portHandle, test } from '../support/fixtures.ts';
import { startOwnWebHost } from './helpers/graph.ts';

test('start a JACK server from the app, change its buffer size, stop it', async ({
  page,
}, testInfo) => {
  testInfo.skip(testInfo.project.name !== 'web', 'the web host is started here with no server');
  test.setTimeout(90_000);
  const name = `e2e_ctl_${process.pid}_${randomBytes(3).toString('hex')}`;
  const server = jackServerNamed(name);
  const own = await startOwnWebHost(name);
  try {
    await page.goto(own.url);
    const card = page.getByTestId('no-server');
    await expect(card).toBeVisible({ timeout: 10_000 });
    await card.getByRole('button', { name: 'Start JACK server…' }).click();

    const dialog = page.getByRole('dialog', { name: 'JACK server' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('combobox', { name: 'Driver' })).toHaveValue('dummy');
    await expect(dialog.getByRole('combobox', { name: 'Device' })).toBeDisabled();
    // A realtime server on a shared test machine could starve the others.
    await dialog.getByRole('checkbox', { name: 'Realtime scheduling' }).uncheck();
    await dialog.getByRole('combobox', { name: 'Frames per period' }).selectOption('512');
    await expect(dialog.getByRole('combobox', { name: 'Frames per period' })).toHaveValue('512');
    await keepScreenshot(page, 'server-dialog');
    await page.setViewportSize({ width: 800, height: 600 });
    await keepScreenshot(page, 'server-dialog-800x600');
    const box = await dialog.boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 600 && box.x + box.width <= 800).toBe(true);
    await page.setViewportSize({ width: 1400, height: 860 });

    await dialog.getByRole('button', { name: 'Start' }).click();
    await expect(dialog.getByTestId('server-dialog-state')).toContainText('started by Jackbay', {
      timeout: 20_000,
    });
    await expect(page.getByTestId('server-state')).toHaveAttribute('data-state', 'up', {
      timeout: 10_000,
    });
    await dialog.getByRole('button', { name: 'Close the server dialog' }).click();
    await expect(dialog).toHaveCount(0);

    // The dummy driver's ports, as JACK has them.
    await expect(portHandle(page, 'system:capture_1')).toBeVisible({ timeout: 10_000 });
    await expect(portHandle(page, 'system:playback_2')).toBeVisible();
    const bufsize = page.getByRole('combobox', { name: 'Buffer size' });
    await expect(bufsize).toHaveValue('512');

    await bufsize.selectOption('1024');
    await expect(bufsize).toHaveValue('1024');
    await expect(page.getByTestId('latency')).toHaveText('21.33 ms');
    await expect.poll(() => jackTool(server, 'jack_bufsize').trim()).toMatch(/1024/);
    await keepScreenshot(page, 'server-started');
    // The status bar's server controls stay reachable in a small window.
    await page.setViewportSize({ width: 800, height: 600 });
    await expect(
      page.getByRole('button', { name: 'JACK server settings, start and stop' }),
    ).toBeInViewport({ ratio: 1 });
    await keepScreenshot(page, 'server-started-800x600');
    await page.setViewportSize({ width: 1400, height: 860 });

    await page.getByRole('button', { name: 'JACK server settings, start and stop' }).click();
    await expect(dialog).toBeVisible();
    // Jackbay started it: Stop needs no confirm step.
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await expect(dialog.getByTestId('server-confirm')).toHaveCount(0);
    await expect(page.getByTestId('server-state')).toHaveAttribute('data-state', 'down', {
      timeout: 10_000,
    });
    await expect(dialog.getByTestId('server-dialog-state')).toContainText('No JACK server');
    await expect
      .poll(() => jackTool(server, 'jack_wait', ['-s', name, '-c']).trim())
      .toBe('not running');
  } finally {
    await own.stop();
  }
});

test('a server Jackbay found is stopped only after the confirm step', async ({ app }, testInfo) => {
  testInfo.skip(testInfo.project.name !== 'web', 'the shared web host found its server');
  test.setTimeout(90_000);
  await app.getByRole('button', { name: 'JACK server settings, start and stop' }).click();
  const dialog = app.getByRole('dialog', { name: 'JACK server' });
  await expect(dialog.getByTestId('server-dialog-state')).toContainText('started outside Jackbay');
  await dialog.getByRole('button', { name: 'Stop' }).click();
  const confirm = dialog.getByRole('group', { name: 'Stop a server Jackbay did not start?' });
  await expect(confirm).toBeVisible();
  await keepScreenshot(app, 'server-dialog-confirm');
  await confirm.getByRole('button', { name: 'Keep it running' }).click();
  await expect(confirm).toHaveCount(0);
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Nothing was stopped.
  await expect(app.getByTestId('server-state')).toHaveAttribute('data-state', 'up');
  expect(jackTool(jackServer(), 'jack_wait', ['-c']).trim()).toBe('running');
});
