// What the graph looks like: text large enough to read wherever it is drawn,
// a fit that uses the screen, labels cut only when they do not fit, and
// connections from a client to itself drawn where they can be seen.
import { expect, jackConnect, portHandle, test } from '../support/fixtures.ts';
import { arrangeAndSettle, expectEdge, startPeer, stopPeers, zoomOf } from './helpers/graph.ts';

for (const [width, height] of [
  [1400, 900],
  [800, 600],
] as const)
  test(`with seven clients at ${width}×${height}, Fit uses the screen and no text is drawn below 11 px`, async ({
    app,
  }) => {
    await app.setViewportSize({ width, height });
    const peers = await Promise.all([
      startPeer({ name: 'leg Keys', midiOut: ['keys_out'] }),
      startPeer({ name: 'leg Drums', audioOut: ['kick', 'snare', 'hats_L', 'hats_R'] }),
      startPeer({ name: 'leg Synth', midiIn: ['midi_in'], audioOut: ['out_L', 'out_R'] }),
      startPeer({
        name: 'leg Mixer',
        audioIn: ['ch_1', 'ch_2', 'ch_3', 'ch_4', 'ch_5', 'ch_6'],
        audioOut: ['master_L', 'master_R'],
      }),
      startPeer({ name: 'leg Reverb', audioIn: ['in_L', 'in_R'], audioOut: ['out_L', 'out_R'] }),
      startPeer({ name: 'leg Recorder', audioIn: ['rec_1', 'rec_2', 'rec_3', 'rec_4'] }),
    ]);
    for (const [s, d] of [
      ['leg Keys:keys_out', 'leg Synth:midi_in'],
      ['leg Synth:out_L', 'leg Mixer:ch_1'],
      ['leg Synth:out_R', 'leg Mixer:ch_2'],
      ['leg Drums:kick', 'leg Mixer:ch_3'],
      ['leg Drums:snare', 'leg Mixer:ch_4'],
      ['leg Mixer:master_L', 'leg Reverb:in_L'],
      ['leg Mixer:master_R', 'leg Reverb:in_R'],
      ['leg Reverb:out_L', 'system:playback_1'],
      ['leg Reverb:out_R', 'system:playback_2'],
      ['leg Mixer:master_L', 'leg Recorder:rec_1'],
    ] as const)
      jackConnect(s, d);
    await expectEdge(app, 'leg Mixer:master_L', 'leg Recorder:rec_1', 1);
    await arrangeAndSettle(app);
    const zoom = await zoomOf(app);
    await app.screenshot({ path: `/tmp/uigraph-shots/fit-${width}x${height}-seven-clients.png` });

    // Every piece of text that is drawn, and the size it is drawn at.
    const texts = await app.locator('.react-flow__node').evaluateAll((nodes) =>
      nodes.flatMap((node) =>
        Array.from(node.querySelectorAll('*')).flatMap((el) => {
          const own = Array.from(el.childNodes).some(
            (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '',
          );
          const style = getComputedStyle(el);
          const rect = el.getBoundingClientRect();
          if (!own || style.visibility !== 'visible' || rect.width === 0 || rect.height === 0)
            return [];
          return [{ text: el.textContent ?? '', size: Number.parseFloat(style.fontSize) }];
        }),
      ),
    );
    const small = texts.filter((t) => t.size * zoom < 11).map((t) => `${t.text} ${t.size * zoom}`);
    expect(small).toEqual([]);
    // And the port labels are drawn at all: Fit shows a readable graph.
    await expect(portHandle(app, 'leg Mixer:ch_3').locator('.jb-port-label')).toBeVisible();

    // The graph covers most of the pane in at least one dimension, unless Fit
    // stopped at its largest zoom (1.25: a small graph is not blown up).
    const pane = await app.locator('.react-flow').boundingBox();
    const boxes = await app
      .locator('.react-flow__node')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    if (!pane) throw new Error('no pane');
    const left = Math.min(...boxes.map((b) => b.left));
    const right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top));
    const bottom = Math.max(...boxes.map((b) => b.bottom));
    const cover = Math.max((right - left) / pane.width, (bottom - top) / pane.height);
    if (zoom < 1.249) expect(cover).toBeGreaterThan(0.8);
    else expect(cover).toBeGreaterThan(0.6);
    await stopPeers(peers);
  });

test('short port names are not cut in a wide box', async ({ app }) => {
  const peer = await startPeer({
    name: 'trunc Sampler',
    midiIn: ['midi in'],
    audioIn: ['left'],
    audioOut: ['a_rather_long_output_port_name_for_a_wide_box'],
  });
  await arrangeAndSettle(app);
  for (const name of ['trunc Sampler:midi in', 'trunc Sampler:left']) {
    const label = portHandle(app, name).locator('.jb-port-label');
    await expect(label).toBeVisible();
    const cut = await label.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(cut, `${name} is cut`).toBe(false);
  }
  await stopPeers([peer]);
});

test('a connection from a client to itself is drawn around the box, not behind it', async ({
  app,
}) => {
  const peer = await startPeer({
    name: 'loop Mixer',
    audioOut: ['track_1', 'track_2'],
    audioIn: ['master_in'],
    connect: [['loop Mixer:track_1', 'loop Mixer:master_in']],
  });
  await expectEdge(app, 'loop Mixer:track_1', 'loop Mixer:master_in', 1);
  await arrangeAndSettle(app);
  const box = await app.locator('.react-flow__node[data-id="loop Mixer"]').boundingBox();
  if (!box) throw new Error('no box');
  // Points along the drawn path, in page coordinates.
  const points = await app
    .getByLabel('loop Mixer:track_1 → loop Mixer:master_in', { exact: true })
    .locator('path.react-flow__edge-path')
    .evaluate((el) => {
      const path = el as SVGPathElement;
      const m = path.getScreenCTM();
      if (!m) return [];
      const length = path.getTotalLength();
      return Array.from({ length: 101 }, (_, i) => {
        const p = path.getPointAtLength((length * i) / 100).matrixTransform(m);
        return { x: p.x, y: p.y };
      });
    });
  const inside = points.filter(
    (p) => p.x > box.x && p.x < box.x + box.width && p.y > box.y && p.y < box.y + box.height,
  );
  expect(inside.length / points.length).toBeLessThan(0.2);
  await stopPeers([peer]);
});
