import { jackTool } from '@jackbay/test-support';
import {
  expect,
  expectJackConnection,
  jackConnect,
  jackServer,
  keepScreenshot,
  portHandle,
  test,
} from '../support/fixtures.ts';
import { startPeer, stopPeers } from './helpers/graph.ts';

// Presets as a person uses them: save the patch, change the graph, open the
// preset to see what loading it would add and remove, load it "Exact", and
// JACK (jack_lsp) has the saved patch again.
test('save a preset, change the graph, preview the difference, load exact', async ({ app }) => {
  // Two peers, jack_lsp polls and three screenshots: generous on a shared, loaded machine.
  test.setTimeout(120_000);
  const src = await startPeer({ name: 'e2e_pr_src', audioOut: ['out_1', 'out_2'] });
  const sink = await startPeer({ name: 'e2e_pr_sink', audioIn: ['in_1', 'in_2'] });
  await expect(portHandle(app, 'e2e_pr_sink:in_2')).toBeVisible();
  jackConnect('e2e_pr_src:out_1', 'e2e_pr_sink:in_1');
  jackConnect('e2e_pr_src:out_2', 'e2e_pr_sink:in_2');
  await expect(app.getByLabel('e2e_pr_src:out_2 → e2e_pr_sink:in_2', { exact: true })).toHaveCount(
    1,
  );

  await app.getByRole('button', { name: 'Presets' }).click();
  const panel = app.getByRole('region', { name: 'Presets' });
  await panel.getByLabel('Save the current connections as').fill('e2e set');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByTestId('preset-row').filter({ hasText: 'e2e set' })).toHaveCount(1);

  // The graph changes behind the preset's back.
  jackTool(jackServer(), 'jack_disconnect', ['e2e_pr_src:out_2', 'e2e_pr_sink:in_2']);
  jackConnect('e2e_pr_src:out_1', 'e2e_pr_sink:in_2');
  await expect(app.getByLabel('e2e_pr_src:out_1 → e2e_pr_sink:in_2', { exact: true })).toHaveCount(
    1,
  );
  await expect(app.getByLabel('e2e_pr_src:out_2 → e2e_pr_sink:in_2', { exact: true })).toHaveCount(
    0,
  );

  await panel.getByRole('button', { name: 'Load e2e set…' }).click();
  const preview = panel.getByRole('region', { name: 'Load e2e set' });
  await expect(preview.getByTestId('preset-diff')).toContainText('1 to add');
  await expect(preview.getByRole('list', { name: 'Connections to add' })).toHaveText(
    'e2e_pr_src:out_2 → e2e_pr_sink:in_2',
  );
  await expect(preview.getByRole('list', { name: 'Connections Exact removes' })).toContainText(
    'e2e_pr_src:out_1 → e2e_pr_sink:in_2',
  );
  // Seeing the difference changed nothing.
  await expectJackConnection('e2e_pr_src:out_2', 'e2e_pr_sink:in_2', false);
  await keepScreenshot(app, 'presets-preview');
  await app.setViewportSize({ width: 800, height: 600 });
  await keepScreenshot(app, 'presets-preview-800x600');

  await preview.getByRole('button', { name: 'Exact' }).click();
  await expectJackConnection('e2e_pr_src:out_2', 'e2e_pr_sink:in_2', true);
  await expectJackConnection('e2e_pr_src:out_1', 'e2e_pr_sink:in_2', false);
  await expectJackConnection('e2e_pr_src:out_1', 'e2e_pr_sink:in_1', true);
  await expect(app.getByText(/Loaded e2e set: 1 connection made, \d+ removed/)).toBeVisible();
  await expect(preview).toHaveCount(0);
  await keepScreenshot(app, 'presets-loaded');

  await stopPeers([src, sink]);
});
