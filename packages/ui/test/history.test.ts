// Undo and redo in the store: what each step sends, in which order, what a
// new action does to redo, pairs and "disconnect all" as one step, moves,
// renames, the service's re-makings, a preset-like entry, and steps that no
// longer apply.
import type { RequestName, RestoreState } from '@jackbay/core/contract';
import { describe, expect, it } from 'vitest';
import { connectionChange } from '../src/store/history';
import { emptyRestore } from '../src/store/restore';
import { conn } from './fixtures';
import { attached, memoryStorage, recorder, settle, status } from './service';

/** A store whose requests the test can make fail, one method and port at a time. */
async function withFailures() {
  const r = recorder();
  const failures: Array<{ method: RequestName; code: string; message: string }> = [];
  const request = r.api.request;
  r.api.request = async (method, params) => {
    const failure = failures.find((f) => f.method === method);
    if (failure) {
      r.sent.push({ method, params });
      throw { code: failure.code, message: failure.message };
    }
    return request(method, params);
  };
  return { ...(await attached(undefined, memoryStorage(), {}, r)), failures };
}

const since = (sent: Array<{ method: string; params: unknown }>, count: number) =>
  sent.slice(count).map((s) => [s.method, s.params]);

describe('undo and redo of connections', () => {
  it('undoes the last change first and redoes in the order they were made', async () => {
    const { store, sent } = await attached();
    const s = () => store.getState();
    await s().connect(['system:capture_1'], ['fx:in_1']);
    await s().disconnect([conn('keys:midi_out', 'synth:midi_in')]);
    expect(s().undoStack.map((e) => e.label)).toEqual([
      'connect system:capture_1 → fx:in_1',
      'disconnect keys:midi_out → synth:midi_in',
    ]);
    const count = sent.length;
    expect(await s().undo()).toBe(true);
    expect(await s().undo()).toBe(true);
    expect(await s().undo()).toBe(false);
    expect(since(sent, count)).toEqual([
      ['connect', conn('keys:midi_out', 'synth:midi_in')],
      ['disconnect', conn('system:capture_1', 'fx:in_1')],
    ]);
    expect(s().redoStack.map((e) => e.label)).toEqual([
      'disconnect keys:midi_out → synth:midi_in',
      'connect system:capture_1 → fx:in_1',
    ]);
    const redone = sent.length;
    await s().redo();
    await s().redo();
    expect(since(sent, redone)).toEqual([
      ['connect', conn('system:capture_1', 'fx:in_1')],
      ['disconnect', conn('keys:midi_out', 'synth:midi_in')],
    ]);
    expect(s().undoStack).toHaveLength(2);
    expect(s().redoStack).toHaveLength(0);
  });

  it('clears redo when a new change is made', async () => {
    const { store } = await attached();
    const s = () => store.getState();
    await s().connect(['system:capture_1'], ['fx:in_1']);
    await s().undo();
    expect(s().redoStack).toHaveLength(1);
    await s().connect(['system:capture_2'], ['fx:in_2']);
    expect(s().redoStack).toHaveLength(0);
    expect(s().undoStack.map((e) => e.label)).toEqual(['connect system:capture_2 → fx:in_2']);
  });

  it('takes a pair, and disconnect all of several ports, as one step', async () => {
    const { store, sent } = await attached();
    const s = () => store.getState();
    await s().connect(['system:capture_1', 'system:capture_2'], ['fx:in_1', 'fx:in_2']);
    expect(s().undoStack.map((e) => e.label)).toEqual([
      'connect system:capture_1 → fx:in_1, system:capture_2 → fx:in_2',
    ]);
    let count = sent.length;
    await s().undo();
    expect(since(sent, count)).toEqual([
      ['disconnect', conn('system:capture_1', 'fx:in_1')],
      ['disconnect', conn('system:capture_2', 'fx:in_2')],
    ]);

    // Every connection drawn on the ports comes back with one undo.
    await s().disconnectAll(['fx:in_1', 'fx:in_2', 'fx:out_1', 'fx:out_2']);
    expect(s().undoStack.map((e) => e.label)).toEqual(['disconnect 4 connections']);
    count = sent.length;
    await s().undo();
    expect(since(sent, count).sort()).toEqual(
      [
        ['connect', conn('synth:out_L', 'fx:in_1')],
        ['connect', conn('synth:out_R', 'fx:in_2')],
        ['connect', conn('fx:out_1', 'system:playback_1')],
        ['connect', conn('fx:out_2', 'system:playback_2')],
      ].sort(),
    );
  });

  it('records only what the service did', async () => {
    const { store, failures } = await withFailures();
    failures.push({ method: 'connect', code: 'jack-error', message: 'jack_connect failed (-1)' });
    expect(await store.getState().connect(['system:capture_1'], ['fx:in_1'])).toBe(false);
    expect(store.getState().undoStack).toEqual([]);
  });

  it('takes a generic entry (a preset load) as one step', async () => {
    const { store, sent } = await attached();
    const s = () => store.getState();
    s().record(
      connectionChange('load preset “live”', {
        added: [conn('system:capture_1', 'fx:in_1')],
        removed: [conn('synth:out_L', 'fx:in_1')],
      }),
    );
    let count = sent.length;
    await s().undo();
    expect(since(sent, count)).toEqual([
      ['disconnect', conn('system:capture_1', 'fx:in_1')],
      ['connect', conn('synth:out_L', 'fx:in_1')],
    ]);
    count = sent.length;
    await s().redo();
    expect(since(sent, count)).toEqual([
      ['disconnect', conn('synth:out_L', 'fx:in_1')],
      ['connect', conn('system:capture_1', 'fx:in_1')],
    ]);
  });
});

describe('undo of what no longer applies', () => {
  it('counts a step that already holds as done', async () => {
    const { store, failures } = await withFailures();
    const s = () => store.getState();
    await s().connect(['system:capture_1'], ['fx:in_1']);
    // Someone else removed it meanwhile.
    failures.push({ method: 'disconnect', code: 'not-connected', message: 'not connected' });
    expect(await s().undo()).toBe(true);
    expect(s().redoStack).toHaveLength(1);
    expect(s().toasts).toEqual([]);
  });

  it('keeps a step whose port is gone, says why, and skips it when tried again', async () => {
    const { store, failures } = await withFailures();
    const s = () => store.getState();
    await s().connect(['system:capture_1'], ['fx:in_1']);
    await s().disconnect([conn('synth:out_L', 'fx:in_1')]);
    failures.push({
      method: 'connect',
      code: 'port-not-found',
      message: "no JACK port named 'synth:out_L'",
    });
    expect(await s().undo()).toBe(false);
    expect(s().undoStack).toHaveLength(2);
    expect(s().toasts.at(-1)?.text).toBe(
      "Could not undo “disconnect synth:out_L → fx:in_1”: connect synth:out_L → fx:in_1: no JACK port named 'synth:out_L'. Undo again to skip it.",
    );
    expect(await s().undo()).toBe(false);
    expect(s().undoStack.map((e) => e.label)).toEqual(['connect system:capture_1 → fx:in_1']);
    expect(s().redoStack).toEqual([]);
    // The rest of the history still works.
    expect(await s().undo()).toBe(true);
  });

  it('changes nothing while no server runs', async () => {
    const { store, emit, sent } = await attached();
    const s = () => store.getState();
    await s().connect(['system:capture_1'], ['fx:in_1']);
    emit('status', status({ server: 'down', reason: 'gone' }));
    const count = sent.length;
    expect(await s().undo()).toBe(false);
    expect(sent.length).toBe(count);
    expect(s().undoStack).toHaveLength(1);
    expect(s().toasts.at(-1)?.text).toBe('No JACK server is running.');
    // The history outlives the server: once one is back, the undo goes through.
    emit('status', status());
    await settle();
    expect(await s().undo()).toBe(true);
    expect(since(sent, count).at(-1)).toEqual(['disconnect', conn('system:capture_1', 'fx:in_1')]);
  });
});

describe('undo of moves, renames and re-makings', () => {
  it('puts a moved box back where it was, pinned as it was, and moves it again on redo', async () => {
    const { store } = await attached();
    const s = () => store.getState();
    const start = s().positions.get('synth');
    s().onNodesChange([
      { type: 'position', id: 'synth', position: { x: 900, y: 40 }, dragging: true },
    ]);
    s().onNodesChange([{ type: 'position', id: 'synth', dragging: false }]);
    expect(s().pinned.get('synth')).toEqual({ x: 900, y: 40 });
    expect(s().undoStack.map((e) => e.label)).toEqual(['move synth']);
    await s().undo();
    expect(s().positions.get('synth')).toEqual(start);
    expect(s().pinned.has('synth')).toBe(false);
    await s().redo();
    expect(s().positions.get('synth')).toEqual({ x: 900, y: 40 });
    expect(s().pinned.get('synth')).toEqual({ x: 900, y: 40 });
  });

  it('undoes a rename by setting the name before, and redoes it', async () => {
    const { store, sent } = await attached();
    const s = () => store.getState();
    expect(await s().rename('client', 'synth', ' Big Synth ')).toBeNull();
    expect(await s().rename('port', 'synth:out_L', 'Left')).toBeNull();
    expect(s().undoStack.map((e) => e.label)).toEqual([
      'rename synth to “Big Synth”',
      'rename synth:out_L to “Left”',
    ]);
    const count = sent.length;
    await s().undo();
    await s().undo();
    await s().redo();
    expect(since(sent, count)).toEqual([
      ['setPrettyName', { kind: 'port', name: 'synth:out_L', prettyName: null }],
      ['setPrettyName', { kind: 'client', name: 'synth', prettyName: null }],
      ['setPrettyName', { kind: 'client', name: 'synth', prettyName: 'Big Synth' }],
    ]);
  });

  it('records a re-making the service reports as one step, grown as it grows', async () => {
    const { store, emit, sent } = await attached();
    const s = () => store.getState();
    const remade = (connections: ReturnType<typeof conn>[]): RestoreState => ({
      ...emptyRestore,
      lastRestore: { id: 4, clients: ['fx'], connections },
    });
    emit('restore', remade([conn('synth:out_L', 'fx:in_1')]));
    emit('restore', remade([conn('synth:out_L', 'fx:in_1'), conn('synth:out_R', 'fx:in_2')]));
    emit('restore', remade([conn('synth:out_L', 'fx:in_1'), conn('synth:out_R', 'fx:in_2')]));
    expect(s().undoStack.map((e) => e.label)).toEqual(['re-made 2 connections for fx']);
    const count = sent.length;
    await s().undo();
    expect(since(sent, count)).toEqual([
      ['disconnect', conn('synth:out_L', 'fx:in_1')],
      ['disconnect', conn('synth:out_R', 'fx:in_2')],
    ]);
  });

  it('does not take a re-making from before the page opened', async () => {
    const r = recorder();
    const before: RestoreState = {
      ...emptyRestore,
      lastRestore: { id: 2, clients: ['fx'], connections: [conn('synth:out_L', 'fx:in_1')] },
    };
    const request = r.api.request;
    r.api.request = async (method, params) =>
      method === 'getRestore' ? (before as never) : request(method, params);
    const { store, emit } = await attached(undefined, memoryStorage(), {}, r);
    expect(store.getState().restore.lastRestore?.id).toBe(2);
    emit('restore', before);
    expect(store.getState().undoStack).toEqual([]);
  });
});
