import {
  expect,
  expectJackConnection,
  jackConnect,
  keepScreenshot,
  portHandle,
  test,
} from '../support/fixtures.ts';
import { startPeer } from './helpers/graph.ts';

// Never lose a patch, as a person sees it: a client that quits stays on the
// graph, dimmed, with its connections dashed; when it comes back they are
// made again and the status bar says so, with Undo.
const fxPorts = { audioIn: ['in_1', 'in_2'], audioOut: ['out_1', 'out_2'] };
const peerNamed = (name: string) => startPeer({ name, ...fxPorts });

test('a client that quits stays as a ghost and gets its connections back when it returns', async ({
  app,
}) => {
  // Its peers are Python processes started three times: on a loaded 2-core
  // machine they and the page's start alone can take 20 s.
  test.setTimeout(60_000);
  const src = await peerNamed('e2e_rs_src');
  let fx = await peerNamed('e2e_rs_fx');
  await expect(portHandle(app, 'e2e_rs_fx:in_1')).toBeVisible();
  jackConnect('e2e_rs_src:out_1', 'e2e_rs_fx:in_1');
  jackConnect('e2e_rs_src:out_2', 'e2e_rs_fx:in_2');
  const edge = app.getByLabel('e2e_rs_src:out_1 → e2e_rs_fx:in_1', { exact: true });
  await expect(edge).toHaveCount(1);
  // Both seen before the client quits: Jackbay remembers what it has seen.
  await expect(app.getByLabel('e2e_rs_src:out_2 → e2e_rs_fx:in_2', { exact: true })).toHaveCount(1);

  await fx.stop();
  const ghost = app.locator('[data-client="e2e_rs_fx"][data-ghost]');
  await expect(ghost).toHaveCount(1);
  await expect(
    app.getByLabel('Remembered e2e_rs_src:out_1 → e2e_rs_fx:in_1', { exact: true }),
  ).toHaveCount(1);
  await keepScreenshot(app, 'restore-ghost');

  fx = await peerNamed('e2e_rs_fx');
  await expectJackConnection('e2e_rs_src:out_1', 'e2e_rs_fx:in_1', true);
  await expectJackConnection('e2e_rs_src:out_2', 'e2e_rs_fx:in_2', true);
  await expect(ghost).toHaveCount(0);
  await expect(edge).toHaveCount(1);
  const note = app.getByTestId('restore-note');
  await expect(note).toContainText('Re-made 2 connections for e2e_rs_fx');

  // Undo takes them back, and they stay forgotten.
  await note.getByRole('button', { name: 'Undo' }).click();
  await expectJackConnection('e2e_rs_src:out_1', 'e2e_rs_fx:in_1', false);
  await expectJackConnection('e2e_rs_src:out_2', 'e2e_rs_fx:in_2', false);
  await expect(note).toHaveCount(0);
  await fx.stop();
  await src.stop();
  await expect(portHandle(app, 'e2e_rs_fx:in_1')).toHaveCount(0);
});

test('× on a ghost forgets it and its connections', async ({ app }) => {
  const src = await peerNamed('e2e_rs_src2');
  let fx = await peerNamed('e2e_rs_fx2');
  await expect(portHandle(app, 'e2e_rs_fx2:in_1')).toBeVisible();
  jackConnect('e2e_rs_src2:out_1', 'e2e_rs_fx2:in_1');
  await expect(app.getByLabel('e2e_rs_src2:out_1 → e2e_rs_fx2:in_1', { exact: true })).toHaveCount(
    1,
  );
  await fx.stop();
  await app.getByRole('button', { name: 'Forget e2e_rs_fx2' }).click();
  await expect(app.locator('[data-client="e2e_rs_fx2"]')).toHaveCount(0);
  fx = await peerNamed('e2e_rs_fx2');
  await expect(portHandle(app, 'e2e_rs_fx2:in_1')).toBeVisible();
  // Give a re-making the time it would take, then check none came.
  await app.waitForTimeout(1000);
  await expectJackConnection('e2e_rs_src2:out_1', 'e2e_rs_fx2:in_1', false);
  await fx.stop();
  await src.stop();
});
