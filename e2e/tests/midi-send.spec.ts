// Send MIDI, used the way a person uses it — the context menu on a peer's
// MIDI input (by right-click and from the keyboard), the on-screen keys, a
// controller and a program change, the computer keyboard — and checked from
// outside by a Python peer that records every byte arriving at its input.
// Closing the panel must leave no note held and Jackbay's port disconnected.
import { mkdirSync } from 'node:fs';
import { jackTool, type LongPeer, pythonPeer } from '@jackbay/test-support';
import type { Page } from '@playwright/test';
import { expect, jackServer, keepScreenshot, portHandle, test } from '../support/fixtures.ts';
import { arrangeAndSettle, dotCentre } from './helpers/graph.ts';

const SHOTS = '/tmp/uigraph-shots';

// 'keys:midi_in' records what arrives; 'heard' answers with it (and forgets it).
const KEYS = `import collections
c = jack.Client('keys')
port = c.midi_inports.register('midi_in')
heard = collections.deque()
def process(frames):
    for offset, data in port.incoming_midi_events():
        heard.append(bytes(data).hex())
c.set_process_callback(process)
c.activate()
print('ready', flush=True)
for line in sys.stdin:
    print(json.dumps([heard.popleft() for _ in range(len(heard))]), flush=True)
c.deactivate()
c.close()
`;

let keys: LongPeer;

test.beforeAll(async () => {
  keys = pythonPeer(jackServer(), KEYS);
  expect(await keys.line()).toBe('ready');
});

test.afterAll(async () => {
  await keys?.stop();
});

/** Everything the peer heard since the last call, as hex, in order. */
async function heard(): Promise<string[]> {
  keys.send('heard');
  return JSON.parse(await keys.line()) as string[];
}

/** The server's xrun count, as the status bar shows it. */
async function xruns(app: Page): Promise<number> {
  return Number(await app.getByTestId('xrun-count').locator('.jb-stat-value').textContent());
}

/**
 * What the peer hears from now on must be `expected`, in order. On a loaded
 * machine JACK can drop a late client's cycle (an xrun) and with it what was
 * played in it: if the server counted an xrun since `mark`, the peer must have
 * heard some of `expected`, in order, and nothing else.
 */
async function expectHeard(app: Page, mark: number, expected: string[]): Promise<void> {
  const all: string[] = [];
  const deadline = Date.now() + 10_000;
  while (all.length < expected.length && Date.now() < deadline) {
    all.push(...(await heard()));
    if (all.length < expected.length) await app.waitForTimeout(100);
  }
  if ((await xruns(app)) === mark || all.length === expected.length) {
    expect(all).toEqual(expected);
    return;
  }
  console.log(`xruns meanwhile: heard ${all.length} of ${expected.length} messages`);
  let at = 0;
  for (const message of all) {
    at = expected.indexOf(message, at) + 1;
    expect(at, `${message} unexpected in ${JSON.stringify(all)}`).toBeGreaterThan(0);
  }
}

/** Jackbay's tool ports at work: connected (idle ones wait, disconnected, for the next tool). */
function toolPortsAtWork(): string[] {
  const lines = jackTool(jackServer(), 'jack_lsp', ['-c']).split('\n');
  return lines.filter(
    (line, at) => line.startsWith('jackbay:tool_') && (lines[at + 1] ?? '').startsWith(' '),
  );
}

const menu = (app: Page) => app.getByRole('menu');
const dialog = (app: Page) => app.getByRole('dialog', { name: 'Send MIDI to keys:midi_in' });

test('Send MIDI from the menu: keys, a controller and a program change reach the peer exactly', async ({
  app,
}) => {
  test.setTimeout(90_000); // a loaded machine makes every step slow
  await arrangeAndSettle(app);
  await heard();
  let mark = await xruns(app);
  const dot = await dotCentre(app, 'keys:midi_in');
  await app.mouse.click(dot.x, dot.y, { button: 'right' });
  await expect(menu(app)).toHaveAccessibleName('Actions for keys:midi_in');
  await menu(app).getByRole('menuitem', { name: 'Send MIDI…' }).click();
  const panel = dialog(app);
  await expect(panel.getByTestId('midi-send-state')).toHaveText('Sent 0');
  await expect
    .poll(toolPortsAtWork, { timeout: 5000 })
    .toEqual([expect.stringMatching(/^jackbay:tool_midi_out_/)]);

  // Two clicks on the keyboard: C3, then E3 at a lower velocity on channel 10.
  await panel.getByRole('button', { name: 'C3', exact: true }).click();
  await panel.getByLabel('Channel').selectOption('10');
  await panel.getByLabel('Velocity').focus();
  await app.keyboard.press('Home'); // velocity 1
  await panel.getByRole('button', { name: 'E3', exact: true }).click();
  // A controller by its name, moved from the keyboard: 127, then 126.
  await panel.getByLabel('Controller', { exact: true }).selectOption({ label: '7 Volume' });
  await panel.getByLabel('Controller value').focus();
  await app.keyboard.press('End');
  await app.keyboard.press('ArrowLeft');
  await panel.getByLabel('Program').fill('42');
  await panel.getByRole('button', { name: 'Send program change' }).click();
  await expectHeard(app, mark, [
    '903064',
    '803000',
    '993401',
    '893400',
    'b9077f',
    'b9077e',
    'c92a',
  ]);
  await expect(panel.getByTestId('midi-send-state')).toHaveText('Sent 7');

  mark = await xruns(app);
  await app.setViewportSize({ width: 800, height: 600 });
  await panel.getByRole('button', { name: 'C4', exact: true }).hover();
  await app.mouse.down(); // held while the screenshot is taken
  mkdirSync(SHOTS, { recursive: true });
  await app.screenshot({ path: `${SHOTS}/midi-send-800x600.png` });
  await keepScreenshot(app, 'midi-send-800x600');
  await app.mouse.up();
  await expectHeard(app, mark, ['993c01', '893c00']);

  // Closing the panel with a note held on the computer keyboard (A: C3): the
  // service turns it off, then disconnects its port.
  mark = await xruns(app);
  await app.keyboard.down('a');
  await expect(panel.getByTestId('midi-send-state')).toHaveText('Sent 10');
  await panel.getByRole('button', { name: 'Close MIDI send (turns its notes off)' }).click();
  await app.keyboard.up('a');
  await expect(panel).toHaveCount(0);
  await expectHeard(app, mark, ['993001', '893040']);
  await expect.poll(toolPortsAtWork, { timeout: 5000 }).toEqual([]);
  expect(await heard()).toEqual([]);
});

test('the keyboard opens Send MIDI and plays notes; Escape closes it and ends held notes', async ({
  app,
}) => {
  test.setTimeout(90_000); // a loaded machine makes every step slow
  await arrangeAndSettle(app);
  await heard();
  const mark = await xruns(app);
  const port = portHandle(app, 'keys:midi_in');
  await port.focus();
  await app.keyboard.press('Shift+F10');
  const item = menu(app).getByRole('menuitem', { name: 'Send MIDI…' });
  await expect(item).toBeFocused();
  await app.keyboard.press('Enter');
  const panel = dialog(app);
  await expect(panel).toBeFocused();
  await expect(panel.getByTestId('midi-send-state')).toHaveText('Sent 0');
  // A, then W held down while X shifts an octave up (W is let go first), then J held.
  await app.keyboard.press('a');
  await app.keyboard.down('w');
  await app.keyboard.press('x');
  await app.keyboard.up('w');
  await expect(panel.getByTestId('midi-send-range')).toHaveText('C4–B5');
  await app.keyboard.down('j');
  await expect(panel.getByTestId('midi-send-state')).toHaveText('Sent 5');
  await app.keyboard.press('Escape');
  await app.keyboard.up('j');
  await expect(panel).toHaveCount(0);
  await expect(port).toBeFocused();
  await expectHeard(app, mark, ['903064', '803000', '903164', '803100', '904764', '804740']);
  await expect.poll(toolPortsAtWork, { timeout: 5000 }).toEqual([]);
  expect(await heard()).toEqual([]);
});
