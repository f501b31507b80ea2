// Tools on a port, used the way a person uses them — the context menu by
// right-clicking a port's dot and from the keyboard — and checked from
// outside by a Python peer that measures what arrives at its inputs: the
// test tone's level and frequency, a thru route's signal, and silence after.
// The signal trace must mark exactly the ports the tone reaches.
import { jackTool, type LongPeer, MEASURE_SETUP, pythonPeer } from '@jackbay/test-support';
import type { Page } from '@playwright/test';
import { expect, jackServer, keepScreenshot, portHandle, test } from '../support/fixtures.ts';
import { arrangeAndSettle, dotCentre } from './helpers/graph.ts';

// Measures its inputs (in_1, in_2, midi_in) on request: 'reset', 'elapsed', 'report'.
const MEASURE = `c = jack.Client('measure')
${MEASURE_SETUP}
c.activate()
print('ready', flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == 'reset':
        reset()
        print('ok', flush=True)
    elif command == 'elapsed':
        print(json.dumps(elapsed()), flush=True)
    else:
        print(json.dumps(report()), flush=True)
c.deactivate()
c.close()
`;

// 'source:out' plays a −6 dBFS sine (one period per cycle) between 'play'
// and 'quiet'; 'chain' copies its input to its output and feeds
// 'measure:in_1', a stage for the trace.
const SOURCES = `import array, math
c = jack.Client('source')
tables = {}
playing = [False]
def process(frames):
    if frames not in tables:
        tables[frames] = array.array('f', [0.5 * math.sin(2 * math.pi * k / frames) for k in range(frames)])
        tables[-frames] = array.array('f', bytes(4 * frames))
    memoryview(c.outports[0].get_buffer()).cast('f')[:] = tables[frames if playing[0] else -frames]
    memoryview(c.outports[1].get_buffer()).cast('f')[:] = memoryview(c.inports[0].get_buffer()).cast('f')
c.set_process_callback(process)
c.outports.register('out')
c.outports.register('chain_out')
c.inports.register('chain_in')
c.activate()
# Jackbay may have re-made it already (it remembers connections of a returning client).
if 'measure:in_1' not in [p.name for p in c.get_all_connections('source:chain_out')]:
    c.connect('source:chain_out', 'measure:in_1')
print('ready', flush=True)
for line in sys.stdin:
    playing[0] = line.strip() == 'play'
    print('ok', flush=True)
c.deactivate()
c.close()
`;

interface Measured {
  peakDb: number | null;
  frequency: number | null;
}

let measure: LongPeer;
let sources: LongPeer;

test.beforeAll(async () => {
  measure = pythonPeer(jackServer(), MEASURE);
  expect(await measure.line()).toBe('ready');
  sources = pythonPeer(jackServer(), SOURCES);
  expect(await sources.line()).toBe('ready');
});

test.afterAll(async () => {
  await sources?.stop();
  await measure?.stop();
});

async function ask(command: string): Promise<string> {
  measure.send(command);
  return measure.line();
}

/** What reached the measuring peer's inputs over at least `seconds` from now. */
async function heard(seconds: number): Promise<Record<string, Measured>> {
  expect(await ask('reset')).toBe('ok');
  await expect
    .poll(async () => Number(await ask('elapsed')), { timeout: 10_000, intervals: [100] })
    .toBeGreaterThanOrEqual(seconds);
  return JSON.parse(await ask('report')) as Record<string, Measured>;
}

/** Jackbay's tool ports at work: connected (idle ones wait, disconnected, for the next tool). */
function ownPorts(): string[] {
  const lines = jackTool(jackServer(), 'jack_lsp', ['-c']).split('\n');
  return lines.filter(
    (line, at) => line.startsWith('jackbay:tool_') && (lines[at + 1] ?? '').startsWith(' '),
  );
}

const menu = (app: Page) => app.getByRole('menu');

async function rightClickDot(app: Page, port: string): Promise<void> {
  const dot = await dotCentre(app, port);
  await app.mouse.click(dot.x, dot.y, { button: 'right' });
  await expect(menu(app)).toBeVisible();
}

/** The ports the trace marks as carrying the signal, as the page shows them. */
function tracedPorts(app: Page, mark: 'signal' | 'silent'): Promise<string[]> {
  return app
    .locator(`.jb-row[data-trace="${mark}"] [data-port-name]`)
    .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.portName ?? '').sort());
}

test('a test tone from the menu plays −12 dBFS at 1000 Hz into a peer, and stops', async ({
  app,
}) => {
  await arrangeAndSettle(app);
  await rightClickDot(app, 'measure:in_2');
  await expect(menu(app)).toHaveAccessibleName('Actions for measure:in_2');
  const items = menu(app).getByRole('menuitem');
  await expect(items).toHaveText(['Test tone…', 'Meter (add to bridge)', 'Rename…', 'Details']);
  await keepScreenshot(app, 'port-tools-menu');
  await items.filter({ hasText: 'Test tone…' }).click();
  await expect(menu(app)).toHaveCount(0);

  const panel = app.getByRole('dialog', { name: 'Test tone into measure:in_2' });
  await panel.getByLabel('Frequency').fill('1000');
  await panel.getByLabel('Frequency').press('Enter');
  await panel.getByLabel('Level').fill('-12');
  await panel.getByLabel('Level').press('Enter');
  await panel.getByRole('button', { name: 'Play tone' }).click();
  await expect(panel.getByRole('status')).toHaveText('Tone playing: 1000 Hz at -12 dBFS');
  await expect(app.getByRole('img', { name: 'Test tone playing into measure:in_2' })).toBeVisible();
  await keepScreenshot(app, 'port-tools-tone-panel');

  const playing = await heard(1.2);
  console.log(`tone measured by the peer: ${JSON.stringify(playing.in_2)}`);
  expect(Math.abs((playing.in_2?.peakDb ?? 0) + 12)).toBeLessThanOrEqual(0.1);
  expect(Math.abs((playing.in_2?.frequency ?? 0) - 1000)).toBeLessThanOrEqual(0.5);

  await panel.getByRole('button', { name: 'Stop tone' }).click();
  await expect(panel.getByRole('status')).toHaveText('Silent');
  await expect(app.getByRole('img', { name: /^Test tone playing into/ })).toHaveCount(0);
  expect((await heard(0.3)).in_2?.peakDb).toBeNull();
  await panel.getByRole('button', { name: 'Close the test tone (stops it)' }).click();
  await expect(panel).toHaveCount(0);
});

test('the keyboard opens the same menu, and closing the panel stops its tone', async ({ app }) => {
  await arrangeAndSettle(app);
  const port = portHandle(app, 'measure:in_2');
  await port.focus();
  await app.keyboard.press('Shift+F10');
  await expect(menu(app)).toBeVisible();
  const first = menu(app).getByRole('menuitem', { name: 'Test tone…' });
  await expect(first).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(menu(app).getByRole('menuitem', { name: 'Meter (add to bridge)' })).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(menu(app).getByRole('menuitem', { name: 'Rename…' })).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(menu(app).getByRole('menuitem', { name: 'Details' })).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(first).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(menu(app)).toHaveCount(0);
  await expect(port).toBeFocused();

  await app.keyboard.press('ContextMenu');
  await expect(first).toBeFocused();
  await app.keyboard.press('Enter');
  const panel = app.getByRole('dialog', { name: 'Test tone into measure:in_2' });
  const play = panel.getByRole('button', { name: 'Play tone' });
  await expect(play).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(panel.getByRole('status')).toHaveText(/^Tone playing/);
  await expect
    .poll(() => ownPorts().some((p) => p.startsWith('jackbay:tool_audio_out_')), { timeout: 5000 })
    .toBe(true);
  await app.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(port).toBeFocused();
  await expect.poll(ownPorts, { timeout: 5000 }).toEqual([]);
  expect((await heard(0.3)).in_2?.peakDb).toBeNull();
});

test('a thru made from the menu carries the signal, and is removed', async ({ app }) => {
  sources.send('play');
  expect(await sources.line()).toBe('ok');
  await arrangeAndSettle(app);
  await rightClickDot(app, 'source:out');
  await menu(app).getByRole('menuitem', { name: 'Thru to…' }).click();
  const picker = app.getByRole('dialog', { name: 'Thru from source:out' });
  await picker.getByRole('combobox', { name: 'Thru destination' }).fill('measure in_2');
  await expect(picker.getByRole('option')).toHaveCount(1);
  await app.keyboard.press('Enter');
  const remove = app.getByRole('button', { name: 'Remove thru source:out → measure:in_2' });
  await expect(remove).toBeVisible();
  // Drawn as a route of its own, not as a JACK connection.
  await expect(
    app.getByLabel('Jackbay thru source:out → measure:in_2', { exact: true }),
  ).toHaveCount(1);
  await keepScreenshot(app, 'port-tools-thru');

  const through = await heard(0.5);
  console.log(`thru measured by the peer: ${JSON.stringify(through.in_2)}`);
  expect(Math.abs((through.in_2?.peakDb ?? 0) + 6.02)).toBeLessThanOrEqual(0.1);
  // Through Jackbay's own ports, not a direct connection.
  expect(jackTool(jackServer(), 'jack_lsp', ['-c', 'measure:in_2'])).not.toContain('source:out');
  await expect(app.locator('[data-port-name^="jackbay:"]')).toHaveCount(0);

  await remove.click();
  await expect(remove).toHaveCount(0);
  await expect(app.getByLabel('Jackbay thru source:out → measure:in_2')).toHaveCount(0);
  await expect.poll(ownPorts, { timeout: 5000 }).toEqual([]);
  expect((await heard(0.3)).in_2?.peakDb).toBeNull();
  sources.send('quiet');
  expect(await sources.line()).toBe('ok');
});

test('the signal trace marks exactly the ports the tone reaches', async ({ app }) => {
  await arrangeAndSettle(app);
  await rightClickDot(app, 'source:chain_in');
  await menu(app).getByRole('menuitem', { name: 'Test tone…' }).click();
  const panel = app.getByRole('dialog', { name: 'Test tone into source:chain_in' });
  await panel.getByRole('button', { name: 'Play tone' }).click();
  const carrying = ['measure:in_1', 'source:chain_in', 'source:chain_out'];
  await expect.poll(() => tracedPorts(app, 'signal'), { timeout: 10_000 }).toEqual(carrying);
  const silent = await tracedPorts(app, 'silent');
  expect(silent).toContain('measure:in_2');
  expect(silent).toContain('system:capture_1');
  expect(silent.filter((p) => carrying.includes(p))).toEqual([]);
  // The connection between two carrying ports is drawn as the path.
  await expect(app.locator('.react-flow__edge-path.jb-trace-signal')).toHaveCount(1);
  await keepScreenshot(app, 'port-tools-trace');
  await app.setViewportSize({ width: 800, height: 600 });
  await arrangeAndSettle(app);
  await keepScreenshot(app, 'port-tools-trace-800x600');

  await panel.getByRole('button', { name: 'Close the test tone (stops it)' }).click();
  await expect(app.locator('.jb-row[data-trace]')).toHaveCount(0);
});
