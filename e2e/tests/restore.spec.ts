import { jackTool, pythonPeer } from '@jackbay/test-support';
import {
  expect,
  expectJackConnection,
  jackServer,
  keepScreenshot,
  portHandle,
  test,
} from '../support/fixtures.ts';

// Never lose a patch, as a person sees it: a client that quits stays on the
// graph, dimmed, with its connections dashed; when it comes back they are
// made again and the status bar says so, with Undo.
const PEER = `
client = jack.Client(NAME)
for i in (1, 2):
    client.inports.register(f'in_{i}')
    client.outports.register(f'out_{i}')
client.activate()
print('ready', flush=True)
sys.stdin.read()
client.deactivate()
client.close()
`;

function peerNamed(name: string) {
  return pythonPeer(jackServer(), PEER.replace('NAME', JSON.stringify(name)));
}

test('a client that quits stays as a ghost and gets its connections back when it returns', async ({
  app,
}) => {
  const src = peerNamed('e2e_rs_src');
  let fx = peerNamed('e2e_rs_fx');
  await src.line();
  await fx.line();
  await expect(portHandle(app, 'e2e_rs_fx:in_1')).toBeVisible();
  jackTool(jackServer(), 'jack_connect', ['e2e_rs_src:out_1', 'e2e_rs_fx:in_1']);
  jackTool(jackServer(), 'jack_connect', ['e2e_rs_src:out_2', 'e2e_rs_fx:in_2']);
  const edge = app.getByLabel('e2e_rs_src:out_1 → e2e_rs_fx:in_1', { exact: true });
  await expect(edge).toHaveCount(1);

  await fx.stop();
  const ghost = app.locator('[data-client="e2e_rs_fx"][data-ghost]');
  await expect(ghost).toHaveCount(1);
  await expect(
    app.getByLabel('Remembered e2e_rs_src:out_1 → e2e_rs_fx:in_1', { exact: true }),
  ).toHaveCount(1);
  await keepScreenshot(app, 'restore-ghost');

  fx = peerNamed('e2e_rs_fx');
  await fx.line();
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
  const src = peerNamed('e2e_rs_src2');
  let fx = peerNamed('e2e_rs_fx2');
  await src.line();
  await fx.line();
  await expect(portHandle(app, 'e2e_rs_fx2:in_1')).toBeVisible();
  jackTool(jackServer(), 'jack_connect', ['e2e_rs_src2:out_1', 'e2e_rs_fx2:in_1']);
  await expect(
    app.getByLabel('e2e_rs_src2:out_1 → e2e_rs_fx2:in_1', { exact: true }),
  ).toHaveCount(1);
  await fx.stop();
  await app.getByRole('button', { name: 'Forget e2e_rs_fx2' }).click();
  await expect(app.locator('[data-client="e2e_rs_fx2"]')).toHaveCount(0);
  fx = peerNamed('e2e_rs_fx2');
  await fx.line();
  await expect(portHandle(app, 'e2e_rs_fx2:in_1')).toBeVisible();
  // Give a re-making the time it would take, then check none came.
  await app.waitForTimeout(1000);
  await expectJackConnection('e2e_rs_src2:out_1', 'e2e_rs_fx2:in_1', false);
  await fx.stop();
  await src.stop();
});
