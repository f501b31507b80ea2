import { python, pythonPeer } from '@jackbay/test-support';
import { expect, jackServer, keepScreenshot, test } from '../support/fixtures.ts';

function peerTransportState(): string {
  return python(
    jackServer(),
    `
client = jack.Client('e2e_transport_reader')
state = client.transport_state
print({jack.STOPPED: 'stopped', jack.ROLLING: 'rolling', jack.STARTING: 'starting'}.get(state, str(state)))
client.close()`,
  ).trim();
}

test("play and stop reach the peer; the peer's transport changes show", async ({ app }) => {
  await app.getByTestId('transport-play').click();
  await expect.poll(peerTransportState, { timeout: 3000 }).toBe('rolling');
  await expect(app.getByTestId('transport-state')).toContainText(/rolling/i);
  await app.getByTestId('transport-stop').click();
  await expect.poll(peerTransportState, { timeout: 3000 }).toBe('stopped');
  python(
    jackServer(),
    `
client = jack.Client('e2e_transport_writer')
client.transport_start()
time.sleep(0.3)
client.close()`,
  );
  await expect(app.getByTestId('transport-state')).toContainText(/rolling/i, { timeout: 2000 });
  await keepScreenshot(app, 'transport-rolling');
  python(
    jackServer(),
    `
client = jack.Client('e2e_transport_writer')
client.transport_stop()
client.close()`,
  );
  await expect(app.getByTestId('transport-state')).toContainText(/stopped/i, { timeout: 2000 });
});

test('a peer that oversleeps its period causes xruns, and the count goes up', async ({ app }) => {
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
