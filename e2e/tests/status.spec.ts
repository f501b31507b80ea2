import { spawnSync } from 'node:child_process';
import {
  devicePorts,
  jackTool,
  onPipeWire,
  PIPEWIRE_DIFFERENCES,
  python,
  pythonJson,
  pythonPeer,
} from '@jackbay/test-support';
import { expect, jackServer, keepScreenshot, test } from '../support/fixtures.ts';

/** What serves the JACK API of this run, as its own daemon reports its version. */
function expectedServerLabel(): string {
  if (onPipeWire()) {
    const version = /Linked with libpipewire (\S+)/.exec(
      spawnSync('pipewire', ['--version'], { encoding: 'utf8' }).stdout,
    )?.[1];
    return `PipeWire ${version} (JACK API)`;
  }
  const version = /version (\S+)/.exec(
    spawnSync('jackd', ['--version'], { encoding: 'utf8' }).stdout,
  )?.[1];
  return `JACK2 ${version}`;
}

test('the status bar names the server: JACK2 or PipeWire, with its version', async ({ app }) => {
  await expect(app.getByTestId('server-state')).toContainText(
    `${expectedServerLabel()} running · ${jackServer().name}`,
  );
});

// The transport peers stand where a transport-aware application stands: an
// active client listening to a device. On PipeWire the transport belongs to
// the driver a client is scheduled by (pipewire-jack sends start and stop to
// its own driver's activation): a client linked to nothing runs under the
// Dummy-Driver and sees a transport of its own, stopped at frame 0. Jackbay's
// client joins the device's driver through its meter probes, so the peers
// join it the same way. JACK2 has one transport; there the link changes
// nothing.
const DEVICE_OUTPUT = devicePorts().capture[0];

function transportPeer(action: string): string {
  return python(
    jackServer(),
    `
client = jack.Client('e2e_transport_peer')
listener = client.inports.register('device_in')
client.activate()
client.connect('${DEVICE_OUTPUT}', listener)
time.sleep(0.2)
${action}
client.close()`,
  ).trim();
}

const peerTransportState = () =>
  transportPeer(
    "print({jack.STOPPED: 'stopped', jack.ROLLING: 'rolling', jack.STARTING: 'starting'}" +
      '.get(client.transport_state, str(client.transport_state)))',
  );

test("play and stop reach the peer; the peer's transport changes show", async ({ app }) => {
  // Jackbay's client is where the peers are once its probes meter the device.
  await expect
    .poll(() => jackTool(jackServer(), 'jack_lsp', ['-c', DEVICE_OUTPUT]), { timeout: 5000 })
    .toMatch(/^\s+jackbay:/m);
  await app.getByTestId('transport-play').click();
  await expect.poll(peerTransportState, { timeout: 3000 }).toBe('rolling');
  await expect(app.getByTestId('transport-state')).toContainText(/rolling/i);
  await app.getByTestId('transport-stop').click();
  await expect.poll(peerTransportState, { timeout: 3000 }).toBe('stopped');
  transportPeer('client.transport_start()\ntime.sleep(0.3)');
  await expect(app.getByTestId('transport-state')).toContainText(/rolling/i, { timeout: 2000 });
  await keepScreenshot(app, 'transport-rolling');
  transportPeer('client.transport_stop()');
  await expect(app.getByTestId('transport-state')).toContainText(/stopped/i, { timeout: 2000 });
});

function peerPosition(): {
  frame: number;
  bpm?: number;
  bar?: number;
  beat?: number;
  sig?: number[];
} {
  return pythonJson(
    jackServer(),
    `
client = jack.Client('e2e_position_reader')
state, pos = client.transport_query()
print(json.dumps({'frame': pos['frame'], 'bpm': pos.get('beats_per_minute'), 'bar': pos.get('bar'),
  'beat': pos.get('beat'), 'sig': [pos.get('beats_per_bar'), pos.get('beat_type')]}))
client.close()`,
  );
}

test('typing a time or a bar|beat|tick into the clock locates the transport; a typo is explained', async ({
  app,
}) => {
  test.skip(onPipeWire(), PIPEWIRE_DIFFERENCES.inactiveTransportZero);
  const clock = app.getByRole('button', { name: 'Locate' });
  await clock.click();
  const field = app.getByRole('textbox', { name: 'Locate' });
  await expect(field).toBeFocused();
  await field.fill('1:02.5');
  await field.press('Enter');
  await expect.poll(() => peerPosition().frame, { timeout: 3000 }).toBe(62.5 * 48000);
  await expect(app.getByTestId('transport-frame')).toHaveText(String(62.5 * 48000));
  await expect(clock).toBeFocused();

  // A typo: the field stays with the reason, and nothing moves.
  await clock.click();
  await field.fill('1:2x');
  await field.press('Enter');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(app.getByRole('alert')).toContainText('neither a time');
  await keepScreenshot(app, 'locate-typo');
  await field.press('Escape');
  await expect(clock).toBeFocused();
  expect(peerPosition().frame).toBe(62.5 * 48000);

  // Bars need a timebase master: Jackbay becomes one, and 5|3|0 in 3/4 at 90 BPM is found.
  const master = app.getByRole('button', { name: 'Timebase master' });
  await master.click();
  await expect(master).toHaveAttribute('aria-pressed', 'true');
  await app.getByRole('button', { name: 'Tempo' }).click();
  await app.getByRole('textbox', { name: 'Tempo' }).fill('90');
  await app.getByRole('textbox', { name: 'Tempo' }).press('Enter');
  await app.getByRole('button', { name: 'Time signature' }).click();
  await app.getByRole('textbox', { name: 'Time signature' }).fill('3/4');
  await app.getByRole('textbox', { name: 'Time signature' }).press('Enter');
  await expect.poll(() => peerPosition().sig, { timeout: 3000 }).toEqual([3, 4]);
  expect(peerPosition().bpm).toBe(90);
  await clock.click();
  await field.fill('5|3|0');
  await field.press('Enter');
  const frame = Math.ceil((4 * 3 + 2) * (60 / 90) * 48000 - 1e-6);
  await expect.poll(() => peerPosition().frame, { timeout: 3000 }).toBe(frame);
  expect(peerPosition()).toMatchObject({ bar: 5, beat: 3 });
  await expect(app.getByTestId('transport-bbt')).toHaveText('005|3|0000');
  await keepScreenshot(app, 'transport-master');

  // A bad tempo is explained and changes nothing.
  await app.getByRole('button', { name: 'Tempo' }).click();
  await app.getByRole('textbox', { name: 'Tempo' }).fill('fast');
  await app.getByRole('textbox', { name: 'Tempo' }).press('Enter');
  await expect(app.getByRole('alert')).toContainText('not a tempo');
  await app.getByRole('textbox', { name: 'Tempo' }).press('Escape');
  expect(peerPosition().bpm).toBe(90);

  await master.click();
  await expect(master).toHaveAttribute('aria-pressed', 'false');
  await expect(app.getByRole('button', { name: 'Tempo' })).toHaveCount(0);
  await clock.click();
  await field.fill('0');
  await field.press('Enter');
  await expect.poll(() => peerPosition().frame, { timeout: 3000 }).toBe(0);
});

test('a peer that oversleeps its period causes xruns, and the count goes up', async ({ app }) => {
  test.skip(onPipeWire(), PIPEWIRE_DIFFERENCES.xrunsNotReported);
  const count = async () =>
    Number(((await app.getByTestId('xrun-count').textContent()) ?? '').replace(/\D/g, '') || '0');
  const before = await count();
  const peer = pythonPeer(
    jackServer(),
    `
client = jack.Client('e2e_sleeper')
@client.set_process_callback
def process(frames):
    time.sleep(0.03)
client.activate()
print('ready', flush=True)
sys.stdin.read()
client.close()`,
  );
  await peer.line();
  await expect.poll(count, { timeout: 5000 }).toBeGreaterThan(before);
  await keepScreenshot(app, 'xruns');
  await peer.stop();
});
