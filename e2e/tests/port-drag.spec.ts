// Wherever a person presses on a port — its dot, its label — and drops on a
// port, the connection is made and no box moves; a selected box's edges never
// cover other boxes' ports.
import {
  expect,
  expectJackConnection,
  jackConnect,
  portHandle,
  test,
} from '../support/fixtures.ts';
import {
  arrangeAndSettle,
  boxTransform,
  dotCentre,
  dragPoints,
  expectEdge,
  labelCentre,
  type Point,
  settle,
  startJackOracle,
  startPeer,
  stopPeers,
} from './helpers/graph.ts';

interface PortAttrs {
  name: string;
  direction: string;
  type: string;
  box: string;
}

// A demo-like studio: a sequencer, a synth, an effect, a looper, and the dummy hardware.
const STUDIO = [
  { name: 'hit Sequencer', midiOut: ['midi_out'] },
  { name: 'hit Synth', midiIn: ['midi_in'], audioOut: ['out_L', 'out_R'] },
  { name: 'hit Reverb', audioIn: ['in_L', 'in_R'], audioOut: ['out_L', 'out_R'] },
  // Long rows: the label's centre lies far from the dot.
  { name: 'hit Looper', audioIn: ['loop_record_input_left'], midiOut: ['clock_and_transport_out'] },
];

async function portsOnPage(page: import('@playwright/test').Page): Promise<PortAttrs[]> {
  return page.locator('.jb-port[data-port-name]').evaluateAll((els) =>
    els.map((el) => ({
      name: el.getAttribute('data-port-name') ?? '',
      direction: el.getAttribute('data-direction') ?? '',
      type: el.getAttribute('data-port-type') ?? '',
      box: el.closest('.react-flow__node')?.getAttribute('data-id') ?? '',
    })),
  );
}

function clientOf(port: string): string {
  return port.slice(0, port.indexOf(':'));
}

/** A port that can take a connection from `p`: other direction, same type, another client if any. */
function targetFor(p: PortAttrs, all: readonly PortAttrs[]): PortAttrs {
  const fits = all.filter((q) => q.direction !== p.direction && q.type === p.type);
  const found = fits.find((q) => clientOf(q.name) !== clientOf(p.name)) ?? fits[0];
  if (!found) throw new Error(`nothing can connect to ${p.name}`);
  return found;
}

// One test per grip, so each has the whole timeout for its ~16 drags.
for (const grip of ['dot', 'label'] as const)
  test(`pressing a port on its ${grip} and dropping on a port connects, and moves no box`, async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const peers = await Promise.all(STUDIO.map((s) => startPeer(s)));
    const oracle = await startJackOracle();
    try {
      await expect(portHandle(app, 'hit Reverb:out_R')).toBeVisible();
      await arrangeAndSettle(app);
      const ports = (await portsOnPage(app)).filter(
        (p) => p.name.startsWith('hit ') || p.name.startsWith('system:'),
      );
      expect(ports.length).toBeGreaterThanOrEqual(12);
      const failures: string[] = [];
      for (const p of ports) {
        const q = targetFor(p, ports);
        const [source, destination] =
          p.direction === 'output' ? [p.name, q.name] : [q.name, p.name];
        await settle(app);
        const before = await boxTransform(app, p.box);
        const from: Point =
          grip === 'dot' ? await dotCentre(app, p.name) : await labelCentre(app, p.name);
        const to: Point =
          grip === 'dot' ? await labelCentre(app, q.name) : await dotCentre(app, q.name);
        await dragPoints(app, from, to);
        const moved = (await boxTransform(app, p.box)) !== before;
        let connected = true;
        try {
          await expect
            .poll(() => oracle.connected(source, destination), { timeout: 2500, intervals: [50] })
            .toBe(true);
        } catch {
          connected = false;
        }
        if (!connected || moved)
          failures.push(
            `${grip} of ${p.name} → ${q.name}: ${connected ? '' : 'not connected'}${moved ? ' box moved' : ''}`,
          );
        if (connected) {
          await oracle.disconnect(source, destination);
          await expectEdge(app, source, destination, 0);
        }
        if (moved) await arrangeAndSettle(app);
      }
      expect(failures).toEqual([]);
    } finally {
      // A failed grip leaves no client behind for the specs after it.
      await oracle.stop();
      await stopPeers(peers);
    }
  });

test("a selected box's edges do not cover other boxes' ports", async ({ app }) => {
  const peers = await Promise.all([
    startPeer({ name: 'sel A', audioOut: ['out_1'] }),
    startPeer({ name: 'sel C', audioIn: ['in_1', 'in_2'] }),
    startPeer({ name: 'sel B', audioOut: ['thru'], audioIn: ['feed'] }),
  ]);
  jackConnect('sel A:out_1', 'sel C:in_1');
  await expectEdge(app, 'sel A:out_1', 'sel C:in_1', 1);
  await arrangeAndSettle(app);
  // Put B's output dot on the middle of the A → C edge (a Bézier between two
  // side ports is point-symmetric, so the centre of its box lies on it).
  const edge = app.getByLabel('sel A:out_1 → sel C:in_1', { exact: true });
  const path = await edge.locator('path.react-flow__edge-path').boundingBox();
  if (!path) throw new Error('edge not drawn');
  const middle = { x: path.x + path.width / 2, y: path.y + path.height / 2 };
  const dot = await dotCentre(app, 'sel B:thru');
  const header = await app
    .locator('.react-flow__node[data-id="sel B"] .jb-box-header')
    .boundingBox();
  if (!header) throw new Error('no header');
  const grab = { x: header.x + 10, y: header.y + header.height / 2 };
  await dragPoints(app, grab, { x: grab.x + middle.x - dot.x, y: grab.y + middle.y - dot.y });
  await settle(app);
  // Select A by its header.
  const aHeader = await app
    .locator('.react-flow__node[data-id="sel A"] .jb-box-header')
    .boundingBox();
  if (!aHeader) throw new Error('no header');
  await app.mouse.click(aHeader.x + 10, aHeader.y + aHeader.height / 2);
  await expect(app.locator('.react-flow__node[data-id="sel A"]')).toHaveClass(/selected/);
  const before = await boxTransform(app, 'sel B');
  await dragPoints(app, await dotCentre(app, 'sel B:thru'), await labelCentre(app, 'sel C:in_2'));
  await expectJackConnection('sel B:thru', 'sel C:in_2', true);
  expect(await boxTransform(app, 'sel B')).toBe(before);
  await stopPeers(peers);
});
