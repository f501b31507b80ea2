import type { Connection, PortInfo } from '@jackbay/core/contract';
import { applyPatch, type Graph, graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { type Box, buildBoxes } from '../src/graph/boxes';
import { FIT_MAX_ZOOM } from '../src/graph/geometry';
import {
  arrange,
  assignLayers,
  intersects,
  place,
  TYPICAL_VIEW,
  type XY,
} from '../src/graph/layout';
import { inp, out, patch, snapshot, studio } from './fixtures';

// Deterministic randomness, so a failure can be replayed from its seed.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGraph(seed: number): Graph {
  const r = rng(seed);
  const ports: PortInfo[] = [];
  const clients = 3 + Math.floor(r() * 25);
  for (let c = 0; c < clients; c++) {
    const name = `client${c}${r() < 0.2 ? ' with a rather long name' : ''}`;
    const hw = r() < 0.1;
    const ins = Math.floor(r() * 9) * (r() < 0.3 ? 0 : 1);
    const outs = Math.floor(r() * 9) * (r() < 0.3 && ins > 0 ? 0 : 1);
    for (let i = 1; i <= ins; i++)
      ports.push(
        inp(
          `${name}:in_${i}${r() < 0.1 ? '_with_a_long_suffix' : ''}`,
          r() < 0.2 ? 'midi' : 'audio',
          { isPhysical: hw },
        ),
      );
    for (let i = 1; i <= outs; i++)
      ports.push(out(`${name}:out_${i}`, r() < 0.2 ? 'midi' : 'audio', { isPhysical: hw }));
  }
  const outsAll = ports.filter((p) => p.direction === 'output');
  const insAll = ports.filter((p) => p.direction === 'input');
  const connections: Connection[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < ports.length; k++) {
    const o = outsAll[Math.floor(r() * outsAll.length)];
    const i = insAll[Math.floor(r() * insAll.length)];
    if (!o || !i || o.type !== i.type || seen.has(o.name + i.name)) continue;
    seen.add(o.name + i.name);
    connections.push({ source: o.name, destination: i.name });
  }
  return graphFromSnapshot(snapshot(ports, connections));
}

function overlapping(
  boxes: readonly Box[],
  at: ReadonlyMap<string, XY>,
  exempt = new Set<string>(),
) {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i] as Box;
      const b = boxes[j] as Box;
      if (exempt.has(a.id) && exempt.has(b.id)) continue;
      const pa = at.get(a.id);
      const pb = at.get(b.id);
      if (!pa || !pb) throw new Error(`no position for ${pa ? b.id : a.id}`);
      if (
        intersects(
          { ...pa, width: a.width, height: a.height },
          { ...pb, width: b.width, height: b.height },
          0,
        )
      )
        found.push(`${a.id} × ${b.id}`);
    }
  return found;
}

describe('layout', () => {
  it('puts sources left, processors in the middle, sinks right', () => {
    const g = graphFromSnapshot(studio());
    const boxes = buildBoxes(g);
    const layers = assignLayers(boxes, g);
    const x = arrange(boxes, g);
    expect(layers.get('system%out')).toBe(0);
    expect(layers.get('keys')).toBe(0);
    const synth = layers.get('synth') ?? -1;
    const fx = layers.get('fx') ?? -1;
    const sink = layers.get('system%in') ?? -1;
    expect(synth).toBeGreaterThan(0);
    expect(fx).toBeGreaterThanOrEqual(synth);
    expect(sink).toBeGreaterThan(fx);
    expect(x.get('system%out')?.x).toBeLessThan(x.get('synth')?.x ?? 0);
    expect(x.get('synth')?.x).toBeLessThan(x.get('system%in')?.x ?? 0);
  });

  it('shapes a full arrangement like the screen, for a chain and for many loose clients', () => {
    // Either the whole graph fits the view at the largest zoom Fit uses, or
    // its shape is close to the view's (so Fit fills it).
    const usesTheView = (g: Graph) => {
      const boxes = buildBoxes(g);
      const at = arrange(boxes, g);
      expect(overlapping(boxes, at)).toEqual([]);
      const rects = boxes.map((b) => ({ ...(at.get(b.id) as XY), w: b.width, h: b.height }));
      const width = Math.max(...rects.map((r) => r.x + r.w)) - Math.min(...rects.map((r) => r.x));
      const height = Math.max(...rects.map((r) => r.y + r.h)) - Math.min(...rects.map((r) => r.y));
      const { width: vw, height: vh } = TYPICAL_VIEW;
      if (width * FIT_MAX_ZOOM <= vw && height * FIT_MAX_ZOOM <= vh) return true;
      const ratio = width / height / (vw / vh);
      return ratio > 0.5 && ratio < 2 ? true : `${width}×${height}`;
    };
    // A chain: keys → synth → mixer → reverb → hardware, and drums into the mixer.
    const chain = graphFromSnapshot(
      snapshot(
        [
          out('keys:midi', 'midi'),
          out('drums:kick'),
          out('drums:snare'),
          inp('synth:midi', 'midi'),
          out('synth:out'),
          ...[1, 2, 3, 4].map((i) => inp(`mixer:ch_${i}`)),
          out('mixer:master'),
          inp('reverb:in'),
          out('reverb:out'),
          inp('rec:in'),
          inp('system:playback_1', 'audio', { isPhysical: true, isTerminal: true }),
        ],
        [
          { source: 'keys:midi', destination: 'synth:midi' },
          { source: 'synth:out', destination: 'mixer:ch_1' },
          { source: 'drums:kick', destination: 'mixer:ch_2' },
          { source: 'mixer:master', destination: 'reverb:in' },
          { source: 'reverb:out', destination: 'system:playback_1' },
          { source: 'mixer:master', destination: 'rec:in' },
        ],
      ),
    );
    // Sixteen clients nobody has patched yet.
    const loose = graphFromSnapshot(
      snapshot(
        Array.from({ length: 16 }, (_, i) => [
          inp(`app${i}:in_1`),
          inp(`app${i}:in_2`),
          out(`app${i}:out_1`),
          out(`app${i}:out_2`),
        ]).flat(),
      ),
    );
    expect(usesTheView(chain)).toBe(true);
    expect(usesTheView(loose)).toBe(true);
  });

  it('survives a feedback loop', () => {
    const g = graphFromSnapshot(
      snapshot(
        [inp('a:i'), out('a:o'), inp('b:i'), out('b:o')],
        [
          { source: 'a:o', destination: 'b:i' },
          { source: 'b:o', destination: 'a:i' },
        ],
      ),
    );
    const boxes = buildBoxes(g);
    expect(overlapping(boxes, arrange(boxes, g))).toEqual([]);
  });

  it('never overlaps two boxes in a full arrangement (200 random graphs)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const g = randomGraph(seed);
      const boxes = buildBoxes(g);
      const at = arrange(boxes, g);
      expect(overlapping(boxes, at), `seed ${seed}`).toEqual([]);
    }
  });

  it('never places a new box over another, whatever a person did before (200 random graphs)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed * 7919);
      const g = randomGraph(seed);
      const boxes = buildBoxes(g);
      // Some boxes were moved by hand (anywhere, even over each other), some
      // were placed earlier, the rest are new.
      const pinned = new Map<string, XY>();
      const current = new Map<string, XY>();
      for (const b of boxes) {
        const roll = r();
        const at = { x: Math.round(r() * 1500), y: Math.round(r() * 900) };
        if (roll < 0.25) pinned.set(b.id, at);
        else if (roll < 0.6) current.set(b.id, at);
      }
      const at = place(boxes, g, current, pinned);
      expect(overlapping(boxes, at, new Set(pinned.keys())), `seed ${seed}`).toEqual([]);
      for (const [id, p] of pinned)
        expect(at.get(id), `seed ${seed} moved a pinned box`).toEqual(p);
    }
  });

  it('leaves boxes alone when a new client appears, and puts it somewhere free', () => {
    let g = graphFromSnapshot(studio());
    const before = arrange(buildBoxes(g), g);
    g = applyPatch(g, patch({ portsUpserted: [out('late:out_1'), out('late:out_2')] }));
    const boxes = buildBoxes(g);
    const after = place(boxes, g, before, new Map());
    for (const [id, p] of before) expect(after.get(id)).toEqual(p);
    expect(after.get('late')).toBeDefined();
    expect(overlapping(boxes, after)).toEqual([]);
  });

  it('moves a box down, out of the way, when one it sat next to grows over it', () => {
    const g0 = graphFromSnapshot(snapshot([out('a:o_1'), out('b:o_1')]));
    const b0 = buildBoxes(g0);
    const at0 = arrange(b0, g0);
    expect(at0.get('a')?.x).toBe(at0.get('b')?.x);
    // 'a' gains ten ports: it now reaches where 'b' was.
    const more = Array.from({ length: 10 }, (_, i) => out(`a:extra_${i}`));
    const g1 = applyPatch(g0, patch({ portsUpserted: more }));
    const b1 = buildBoxes(g1);
    const at1 = place(b1, g1, at0, new Map());
    expect(overlapping(b1, at1)).toEqual([]);
  });

  it('restores a position a person chose for a client that comes back', () => {
    const g = graphFromSnapshot(studio());
    const boxes = buildBoxes(g);
    const chosen = { x: 1234, y: 567 };
    const at = place(boxes, g, new Map(), new Map([['synth', chosen]]));
    expect(at.get('synth')).toEqual(chosen);
    expect(overlapping(boxes, at)).toEqual([]);
  });
});
