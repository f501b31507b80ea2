import { describe, expect, it } from 'vitest';
import { portHandleId } from '../src/graph/ids';
import { POSITIONS_KEY } from '../src/store/positions';
import { conn, inp, out, patch } from './fixtures';
import { attached, memoryStorage, settle, status } from './service';

describe('store', () => {
  it('loads the snapshot and draws one node per box and one edge per connection', async () => {
    const { store } = await attached();
    const s = store.getState();
    expect(s.link).toBe('open');
    expect(s.nodes.map((n) => n.id).sort()).toEqual([
      'fx',
      'keys',
      'synth',
      'system%in',
      'system%out',
    ]);
    expect(s.edges).toHaveLength(5);
    const e = s.edges.find((x) => x.data?.connection.source === 'synth:out_L');
    expect(e?.ariaLabel).toBe('synth:out_L → fx:in_1');
    expect(e?.sourceHandle).toBe(portHandleId('synth:out_L'));
    expect(e?.target).toBe('fx');
  });

  it('applies patches as they come', async () => {
    const { store, emit } = await attached();
    emit(
      'graphPatch',
      patch({ portsUpserted: [inp('rec:in_1')], connectionsAdded: [conn('fx:out_1', 'rec:in_1')] }),
    );
    expect(store.getState().nodes.some((n) => n.id === 'rec')).toBe(true);
    expect(store.getState().edges).toHaveLength(6);
    emit('graphPatch', patch({ portsRemoved: ['rec:in_1'], clientsRemoved: ['rec'] }));
    expect(store.getState().nodes.some((n) => n.id === 'rec')).toBe(false);
    expect(store.getState().edges).toHaveLength(5);
  });

  it('keeps unchanged node data and edges identical across patches (memoised nodes stay put)', async () => {
    const { store, emit } = await attached();
    const before = store.getState();
    emit('graphPatch', patch({ portsUpserted: [inp('rec:in_1')] }));
    const after = store.getState();
    const data = (s: typeof before, id: string) => s.nodes.find((n) => n.id === id)?.data;
    expect(data(after, 'synth')).toBe(data(before, 'synth'));
    expect(after.edges[0]).toBe(before.edges[0]);
  });

  it('refuses an impossible connection before sending anything, and says why', async () => {
    const { store, sent } = await attached();
    const count = sent.length;
    expect(await store.getState().connect(['synth:out_L'], ['synth:midi_in'])).toBe(false);
    expect(await store.getState().connect(['fx:in_1'], ['fx:in_2'])).toBe(false);
    expect(sent.length).toBe(count);
    const texts = store.getState().toasts.map((t) => t.text);
    expect(texts.some((t) => t.includes('Cannot connect audio to MIDI'))).toBe(true);
    expect(texts.some((t) => t.includes('both inputs'))).toBe(true);
  });

  it('sends one connect per channel for a pair onto a pair', async () => {
    const { store, sent } = await attached();
    expect(
      await store
        .getState()
        .connect(['system:capture_1', 'system:capture_2'], ['fx:in_1', 'fx:in_2']),
    ).toBe(true);
    expect(sent.filter((s) => s.method === 'connect').map((s) => s.params)).toEqual([
      conn('system:capture_1', 'fx:in_1'),
      conn('system:capture_2', 'fx:in_2'),
    ]);
  });

  it('shows the server’s error when a request fails', async () => {
    const { store } = await attached(undefined, memoryStorage(), {
      failWith: { code: 'jack-error', message: 'jack_connect failed (-1)' },
    });
    expect(await store.getState().connect(['system:capture_1'], ['fx:in_1'])).toBe(false);
    expect(store.getState().toasts.at(-1)?.text).toBe(
      'Could not connect system:capture_1 → fx:in_1: jack_connect failed (-1)',
    );
  });

  it('toggles from the keyboard dialog: connects, or disconnects what exists', async () => {
    const { store, sent } = await attached();
    await store.getState().toggle(['synth:out_L'], ['fx:in_1']);
    expect(sent.at(-1)).toEqual({ method: 'disconnect', params: conn('synth:out_L', 'fx:in_1') });
    await store.getState().toggle(['synth:out_L'], ['fx:in_2']);
    expect(sent.at(-1)).toEqual({ method: 'connect', params: conn('synth:out_L', 'fx:in_2') });
  });

  it('keeps a dragged box where it was dropped, remembers it by client name, and restores it', async () => {
    const { store, storage } = await attached();
    store
      .getState()
      .onNodesChange([
        { type: 'position', id: 'synth', position: { x: 900, y: 40 }, dragging: true },
      ]);
    store.getState().onNodesChange([{ type: 'position', id: 'synth', dragging: false }]);
    expect(store.getState().nodes.find((n) => n.id === 'synth')?.position).toEqual({
      x: 900,
      y: 40,
    });
    expect(JSON.parse(storage.data.get(POSITIONS_KEY) ?? '{}')).toEqual({
      synth: { x: 900, y: 40 },
    });

    // A new session with the same storage puts it back.
    const again = await attached(undefined, storage);
    expect(again.store.getState().nodes.find((n) => n.id === 'synth')?.position).toEqual({
      x: 900,
      y: 40,
    });
  });

  it('Arrange forgets moved positions and lays everything out again', async () => {
    const { store, storage } = await attached();
    store
      .getState()
      .onNodesChange([
        { type: 'position', id: 'synth', position: { x: 5000, y: 5000 }, dragging: false },
      ]);
    store.getState().arrange();
    expect(store.getState().pinned.size).toBe(0);
    expect(store.getState().nodes.find((n) => n.id === 'synth')?.position.x).toBeLessThan(5000);
    expect(JSON.parse(storage.data.get(POSITIONS_KEY) ?? '{}')).toEqual({});
  });

  it('ignores a corrupt positions entry', async () => {
    const storage = memoryStorage();
    storage.data.set(POSITIONS_KEY, '{not json');
    const { store } = await attached(undefined, storage);
    expect(store.getState().nodes).toHaveLength(5);
  });

  it('filters with the search text and reports an invalid expression without losing the graph', async () => {
    const { store } = await attached();
    store.getState().setSearch('synth');
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['synth']);
    store.getState().setSearch('/[/');
    expect(store.getState().matcher.ok).toBe(false);
    expect(store.getState().nodes).toHaveLength(5);
  });

  it('counts new xruns and keeps a short DSP history', async () => {
    const { store, emit } = await attached();
    for (let i = 0; i < 80; i++) emit('status', status({ dspLoad: i, xrunCount: i < 70 ? 0 : 3 }));
    expect(store.getState().dspHistory).toHaveLength(60);
    expect(store.getState().dspHistory.at(-1)).toBe(79);
    expect(store.getState().xrunFlash).toBe(1);
    emit('status', status({ xrunCount: 4 }));
    expect(store.getState().xrunFlash).toBe(2);
  });

  it('empties the graph while the server is down and reloads it when it is back', async () => {
    const { store, emit, sent } = await attached();
    emit('status', status({ server: 'down', reason: 'gone' }));
    expect(store.getState().nodes).toHaveLength(0);
    const snapshots = sent.filter((s) => s.method === 'getSnapshot').length;
    emit('status', status());
    await settle();
    expect(sent.filter((s) => s.method === 'getSnapshot').length).toBe(snapshots + 1);
    expect(store.getState().nodes).toHaveLength(5);
  });

  it('asks for a disconnect on Delete but leaves the edge until the server confirms', async () => {
    const { store, sent, emit } = await attached();
    const edge = store.getState().edges[0];
    if (!edge?.data) throw new Error('no edge');
    await store.getState().disconnect([edge.data.connection]);
    expect(sent.at(-1)?.method).toBe('disconnect');
    expect(store.getState().edges).toHaveLength(5);
    emit('graphPatch', patch({ connectionsRemoved: [edge.data.connection] }));
    expect(store.getState().edges).toHaveLength(4);
  });

  it('draws a port-less client as an empty box', async () => {
    const { store, emit } = await attached();
    emit(
      'graphPatch',
      patch({ clientsUpserted: [{ name: 'jack_transport', prettyName: null, uuid: '5' }] }),
    );
    const n = store.getState().nodes.find((x) => x.id === 'jack_transport');
    expect(n?.data.box.inputs).toEqual([]);
    expect(n?.data.box.outputs).toEqual([]);
  });

  it('lays new boxes out so that none covers another', async () => {
    const { store, emit } = await attached();
    for (let i = 0; i < 30; i++)
      emit(
        'graphPatch',
        patch({ portsUpserted: [out(`gen${i}:out_1`), out(`gen${i}:out_2`), inp(`gen${i}:in`)] }),
      );
    const nodes = store.getState().nodes;
    for (const a of nodes)
      for (const b of nodes) {
        if (a === b) continue;
        const overlap =
          a.position.x < b.position.x + (b.width ?? 0) &&
          b.position.x < a.position.x + (a.width ?? 0) &&
          a.position.y < b.position.y + (b.height ?? 0) &&
          b.position.y < a.position.y + (a.height ?? 0);
        expect(overlap, `${a.id} over ${b.id}`).toBe(false);
      }
  });

  it('forgets the server status while the link is lost, sends nothing, and asks again when it is back', async () => {
    const { store, sent, setLink } = await attached(undefined, memoryStorage(), { withLink: true });
    expect(store.getState().status?.sampleRate).toBe(48000);
    setLink('closed');
    expect(store.getState().status).toBeNull();
    expect(store.getState().dspHistory).toEqual([]);
    const count = sent.length;
    expect(await store.getState().connect(['system:capture_1'], ['fx:in_1'])).toBe(false);
    expect(await store.getState().disconnectAll(['fx:in_1'])).toBe(false);
    await store.getState().transport('play');
    expect(sent.length).toBe(count);
    expect(store.getState().toasts.at(-1)?.text).toBe('Not connected to the Jackbay service.');
    setLink('open');
    await settle();
    expect(sent.slice(count).map((s) => s.method)).toEqual([
      'getStatus',
      'getSnapshot',
      'getTools',
      'getRestore',
      'getPrettyNames',
    ]);
    expect(store.getState().status?.sampleRate).toBe(48000);
  });

  it('keeps no DSP history and sends no transport request while the server is down', async () => {
    const { store, sent, emit } = await attached();
    emit('status', status({ server: 'down', reason: 'gone', dspLoad: 0 }));
    expect(store.getState().dspHistory).toEqual([]);
    const count = sent.length;
    await store.getState().transport('play');
    expect(sent.length).toBe(count);
    expect(store.getState().toasts.at(-1)?.text).toBe('No JACK server is running.');
  });
});
