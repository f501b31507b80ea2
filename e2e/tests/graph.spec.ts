import { jackTool, onPipeWire, PIPEWIRE_DIFFERENCES, pythonPeer } from '@jackbay/test-support';
import {
  dragBetween,
  expect,
  expectJackConnection,
  jackConnect,
  jackSeesConnection,
  jackServer,
  keepScreenshot,
  portHandle,
  test,
} from '../support/fixtures.ts';

// A Python client with stereo audio out, a stereo audio in and a MIDI out;
// it stays until its stdin closes.
const PEER = `
client = jack.Client(NAME)
for i in (1, 2):
    client.outports.register(f'out_{i}')
    client.inports.register(f'in_{i}')
client.midi_outports.register('midi_out')
client.activate()
print('ready', flush=True)
sys.stdin.read()
client.deactivate()
client.close()
`;

function peerNamed(name: string) {
  return pythonPeer(jackServer(), PEER.replace('NAME', JSON.stringify(name)));
}

test('a client made by a peer appears, and disappears when it leaves, within 1 s', async ({
  app,
}) => {
  test.skip(onPipeWire(), PIPEWIRE_DIFFERENCES.slowerRegistry);
  const peer = peerNamed('e2e_appear');
  await peer.line();
  const started = Date.now();
  await expect(portHandle(app, 'e2e_appear:out_1')).toBeVisible({ timeout: 1000 });
  expect(Date.now() - started).toBeLessThan(1000);
  await keepScreenshot(app, 'graph-with-peer');
  await peer.stop();
  await expect(portHandle(app, 'e2e_appear:out_1')).toHaveCount(0, { timeout: 1000 });
});

test('dragging an output onto an input connects; Delete disconnects', async ({ app }) => {
  const a = peerNamed('e2e_src');
  const b = peerNamed('e2e_dst');
  await a.line();
  await b.line();
  await expect(portHandle(app, 'e2e_src:out_1')).toBeVisible();
  await expect(portHandle(app, 'e2e_dst:in_1')).toBeVisible();
  await app.getByRole('button', { name: /arrange/i }).click();
  await dragBetween(app, 'e2e_src:out_1', 'e2e_dst:in_1');
  await expectJackConnection('e2e_src:out_1', 'e2e_dst:in_1', true);
  const edge = app.getByLabel('e2e_src:out_1 → e2e_dst:in_1', { exact: true });
  await expect(edge).toHaveCount(1);
  await keepScreenshot(app, 'graph-connected');
  // Focus rather than click: the middle of an edge's box may lie under a node.
  // Focus, Enter selects, Delete removes: the keyboard path a person would use.
  await edge.focus();
  await app.keyboard.press('Enter');
  await app.keyboard.press('Delete');
  await expectJackConnection('e2e_src:out_1', 'e2e_dst:in_1', false);
  await expect(edge).toHaveCount(0);
  await a.stop();
  await b.stop();
});

test('a connection made by jack_connect appears as an edge', async ({ app }) => {
  const a = peerNamed('e2e_cli_src');
  const b = peerNamed('e2e_cli_dst');
  await a.line();
  await b.line();
  await expect(portHandle(app, 'e2e_cli_dst:in_2')).toBeVisible();
  jackConnect('e2e_cli_src:out_2', 'e2e_cli_dst:in_2');
  await expect(app.getByLabel('e2e_cli_src:out_2 → e2e_cli_dst:in_2', { exact: true })).toHaveCount(
    1,
    {
      timeout: 1000,
    },
  );
  await a.stop();
  await b.stop();
});

test('audio to MIDI is refused before anything is sent, with a visible reason', async ({ app }) => {
  const a = peerNamed('e2e_mixed');
  await a.line();
  await expect(portHandle(app, 'e2e_mixed:midi_out')).toBeVisible();
  await app.getByRole('button', { name: /arrange/i }).click();
  await dragBetween(app, 'e2e_mixed:midi_out', 'e2e_mixed:in_1');
  await expect(
    app
      .getByRole('status')
      .or(app.getByRole('alert'))
      .filter({ hasText: /MIDI|type/i })
      .first(),
  ).toBeVisible();
  expect(jackSeesConnection('e2e_mixed:midi_out', 'e2e_mixed:in_1')).toBe(false);
  expect(jackTool(jackServer(), 'jack_lsp', ['-c', 'e2e_mixed:midi_out'])).not.toContain(
    'e2e_mixed:in_1',
  );
  await a.stop();
});
