// Which ports a page meters: never more than the service takes for a page
// (it refuses a longer list whole, which once left a big graph with no meter
// at all), the boxes in view before those near it.
import { MAX_METERED_PORTS } from '@jackbay/core/meter-frame';
import { describe, expect, it } from 'vitest';
import { portsToMeter } from '../src/components/useMeterSubscription';
import { out, snapshot } from './fixtures';
import { attached, status } from './service';

describe('ports to meter', () => {
  it('meters at most what the service takes, those in view first', async () => {
    const ports = [];
    for (let c = 0; c < 60; c++)
      for (let p = 0; p < 20; p++) ports.push(out(`c${String(c).padStart(2, '0')}:out_${p}`));
    const { store, emit } = await attached(snapshot(ports));
    emit('status', status({ server: 'up' }));
    const s = store.getState();
    expect(s.nodes.length).toBe(60);
    const everything = { transform: [0, 0, 0.01], width: 1e4, height: 1e4, nodeLookup: new Map() };
    const all = portsToMeter(s, everything as never);
    expect(all.length).toBe(MAX_METERED_PORTS);
    expect(new Set(all).size).toBe(all.length);

    // A view on one box only: its ports come first.
    const [node] = s.nodes;
    if (!node) throw new Error('no node');
    const one = {
      transform: [-node.position.x + 1, -node.position.y + 1, 1],
      width: 20,
      height: 20,
      nodeLookup: new Map(),
    };
    const first = portsToMeter(s, one as never);
    const client = node.data.box.client.name;
    expect(first.slice(0, 20).every((p) => p.startsWith(`${client}:`))).toBe(true);
  });
});
