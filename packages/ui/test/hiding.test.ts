// Hiding clients and port types, and collapsing boxes, through the store: what
// the view draws, what the toolbar counts, the hints on the boxes that lead
// to hidden ports, what is metered, and what persists across sessions.
import { graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { portsToMeter } from '../src/components/useMeterSubscription';
import { buildBoxes } from '../src/graph/boxes';
import { hiddenLinks, hiddenNow, withoutHidden } from '../src/graph/hidden';
import { collapsedHandleId, portHandleId } from '../src/graph/ids';
import { COLLAPSED_HEIGHT } from '../src/graph/view';
import { HIDING_KEY, loadHiding } from '../src/store/hiding';
import type { State } from '../src/store/store';
import { conn, out, patch, studio } from './fixtures';
import { attached, memoryStorage, status } from './service';

const ids = (s: State) => s.nodes.map((n) => n.id).sort();
const edgeKeys = (s: State) => s.edges.map((e) => e.id).sort();
const node = (s: State, id: string) => s.nodes.find((n) => n.id === id);
const everything = { transform: [0, 0, 0.01], width: 1e4, height: 1e4, nodeLookup: new Map() };

describe('hiding a client', () => {
  it('takes its box and its connections out of the view, and puts them back', async () => {
    const { store } = await attached();
    const before = store.getState();
    expect(ids(before)).toContain('keys');
    store.getState().setClientHidden('keys', true);
    const s = store.getState();
    expect(ids(s)).not.toContain('keys');
    expect(s.edges.some((e) => e.data?.connection.source === 'keys:midi_out')).toBe(false);
    expect(s.edges).toHaveLength(before.edges.length - 1);
    store.getState().setClientHidden('keys', false);
    expect(ids(store.getState())).toEqual(ids(before));
    expect(edgeKeys(store.getState())).toEqual(edgeKeys(before));
  });

  it('keeps the place of the hidden box, so it comes back where it was', async () => {
    const { store } = await attached();
    const at = store.getState().positions.get('synth');
    store.getState().setClientHidden('synth', true);
    store.getState().setClientHidden('synth', false);
    expect(node(store.getState(), 'synth')?.position).toEqual(at);
  });

  it('marks the side of a box whose connections lead to it, with the count and the client', async () => {
    const { store } = await attached();
    store.getState().setClientHidden('synth', true);
    const s = store.getState();
    // keys:midi_out → synth (hidden): keys' output side; synth → fx: fx's input side.
    expect(node(s, 'keys')?.data.hidden).toEqual({
      in: null,
      out: { count: 1, clients: ['synth'] },
    });
    expect(node(s, 'fx')?.data.hidden).toEqual({ in: { count: 2, clients: ['synth'] }, out: null });
    expect(node(s, 'system%in')?.data.hidden).toBeNull();
    store.getState().setClientHidden('synth', false);
    expect(node(store.getState(), 'fx')?.data.hidden).toBeNull();
  });

  it('follows patches: a hidden client that comes back later stays hidden', async () => {
    const { store, emit } = await attached();
    store.getState().setClientHidden('rec', true);
    emit('graphPatch', patch({ portsUpserted: [out('rec:out')] }));
    expect(ids(store.getState())).not.toContain('rec');
  });

  it('is not metered', async () => {
    const { store, emit } = await attached();
    emit('status', status({ server: 'up' }));
    expect(portsToMeter(store.getState(), everything as never)).toContain('synth:out_L');
    store.getState().setClientHidden('synth', true);
    const metered = portsToMeter(store.getState(), everything as never);
    expect(metered.some((p) => p.startsWith('synth:'))).toBe(false);
    expect(metered).toContain('fx:in_1');
  });
});

describe('hiding a port type', () => {
  it('takes every port of that type out, and the boxes left without a port', async () => {
    const { store } = await attached();
    store.getState().setTypeHidden('midi', true);
    const s = store.getState();
    // keys has only a MIDI port: gone; synth keeps its audio outputs.
    expect(ids(s)).not.toContain('keys');
    const synth = node(s, 'synth')?.data.box;
    expect(synth?.inputs).toEqual([]);
    expect(synth?.outputs.length).toBeGreaterThan(0);
    expect(s.edges.every((e) => e.data?.type === 'audio')).toBe(true);
    store.getState().setTypeHidden('midi', false);
    expect(ids(store.getState())).toContain('keys');
  });

  it('combines with the search', async () => {
    const { store } = await attached();
    store.getState().setSearch('synth');
    store.getState().setTypeHidden('audio', true);
    const s = store.getState();
    expect(ids(s)).toEqual(['synth']);
    expect(node(s, 'synth')?.data.box.outputs).toEqual([]);
  });
});

describe('what the indicator counts', () => {
  it('counts hidden clients the graph has, and hidden types it has ports of', () => {
    const graph = graphFromSnapshot(studio());
    const h = (clients: string[], types: ('audio' | 'midi' | 'other')[]) => ({
      clients: new Set(clients),
      types: new Set(types),
    });
    expect(hiddenNow(graph, h([], []))).toEqual({ clients: [], types: [] });
    expect(hiddenNow(graph, h(['keys', 'not running'], ['other', 'midi']))).toEqual({
      clients: ['keys'],
      types: ['midi'],
    });
  });

  it('leaves the search alone when nothing is hidden', () => {
    const graph = graphFromSnapshot(studio());
    const none = { clients: new Set<string>(), types: new Set<never>() };
    expect(withoutHidden(graph, null, none)).toBeNull();
    expect(hiddenLinks(graph, none, buildBoxes(graph)).size).toBe(0);
  });

  it('keeps a client without ports unless it is hidden itself', () => {
    const graph = graphFromSnapshot({
      ...studio(),
      clients: [...studio().clients, { name: 'idle', prettyName: null, uuid: null }],
    });
    const visible = withoutHidden(graph, null, { clients: new Set(), types: new Set(['audio']) });
    expect(visible?.clients.has('idle')).toBe(true);
    expect(visible?.clients.has('fx')).toBe(false);
    const hidden = withoutHidden(graph, null, { clients: new Set(['idle']), types: new Set() });
    expect(hidden?.clients.has('idle')).toBe(false);
  });
});

describe('collapsing a box', () => {
  it('draws it as its title with its connection count; its edges meet at the header', async () => {
    const { store } = await attached();
    store.getState().setCollapsed('fx', true);
    const s = store.getState();
    const fx = node(s, 'fx');
    expect(fx?.data.collapsed).toBe(true);
    expect(fx?.data.connections).toBe(4);
    expect(fx?.height).toBe(COLLAPSED_HEIGHT);
    const into = s.edges.find((e) => e.data?.connection.destination === 'fx:in_1');
    const from = s.edges.find((e) => e.data?.connection.source === 'fx:out_1');
    expect(into?.targetHandle).toBe(collapsedHandleId('in'));
    expect(into?.sourceHandle).toBe(portHandleId('synth:out_L'));
    expect(from?.sourceHandle).toBe(collapsedHandleId('out'));
    expect(s.edges).toHaveLength(5);
    store.getState().setCollapsed('fx', false);
    const open = store.getState();
    expect(node(open, 'fx')?.data.collapsed).toBe(false);
    expect(node(open, 'fx')?.data.connections).toBe(0);
    expect(open.edges.find((e) => e.id === into?.id)?.targetHandle).toBe(portHandleId('fx:in_1'));
  });

  it('collapses one side of a hardware client alone, and stops its meters', async () => {
    const { store, emit } = await attached();
    emit('status', status({ server: 'up' }));
    store.getState().setCollapsed('system%in', true);
    const s = store.getState();
    expect(node(s, 'system%out')?.data.collapsed).toBe(false);
    expect(node(s, 'system%in')?.data.connections).toBe(2);
    const metered = portsToMeter(s, everything as never);
    expect(metered).toContain('system:capture_1');
    expect(metered).not.toContain('system:playback_1');
  });

  it('counts a connection between two ports of the same box once', async () => {
    const { store, emit } = await attached();
    emit('graphPatch', patch({ connectionsAdded: [conn('fx:out_1', 'fx:in_2')] }));
    store.getState().setCollapsed('fx', true);
    expect(node(store.getState(), 'fx')?.data.connections).toBe(5);
  });
});

describe('persistence', () => {
  it('brings hidden clients, hidden types and collapsed boxes back in a new session', async () => {
    const storage = memoryStorage();
    const { store } = await attached(undefined, storage);
    store.getState().setClientHidden('keys', true);
    store.getState().setTypeHidden('other', true);
    store.getState().setCollapsed('fx', true);
    expect(JSON.parse(storage.data.get(HIDING_KEY) ?? '{}')).toEqual({
      clients: ['keys'],
      types: ['other'],
      collapsed: ['fx'],
    });
    const again = await attached(undefined, storage);
    const s = again.store.getState();
    expect(ids(s)).not.toContain('keys');
    expect(s.hiddenTypes).toEqual(new Set(['other']));
    expect(node(s, 'fx')?.data.collapsed).toBe(true);
    s.showAll();
    expect(JSON.parse(storage.data.get(HIDING_KEY) ?? '{}')).toMatchObject({
      clients: [],
      types: [],
      collapsed: ['fx'],
    });
  });

  it('starts with everything shown from a corrupt or strange entry', () => {
    for (const raw of ['{', 'null', '[1]', '{"clients":"keys","types":["bogus",3]}']) {
      const storage = memoryStorage();
      storage.setItem(HIDING_KEY, raw);
      const h = loadHiding(storage);
      expect(h.hiddenClients.size + h.hiddenTypes.size + h.collapsed.size).toBe(0);
    }
  });
});
